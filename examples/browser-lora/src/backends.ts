/**
 * Which backend the page trains on: WebGPU through `navigator.gpu` where the browser has it and an
 * adapter is offered, else onnxruntime-web's wasm build (loaded only then, so a WebGPU page never
 * downloads it). `?backend=wasm` forces the fallback. Not a capability probe beyond that: a device
 * that fails later reports its own BackendError.
 */
import type { OnnxBackendOptions } from '@repurpose/backend-onnx';
import type { Backend } from '@repurpose/core/engine';

export interface PickedBackend {
  readonly backend: Backend;
  readonly kind: 'webgpu' | 'wasm';
  /** What the page shows: the backend and, for WebGPU, the adapter. */
  readonly label: string;
  /** Why the fallback was taken, when it was. */
  readonly fallbackReason?: string;
}

async function webgpu(): Promise<PickedBackend | string> {
  if (!('gpu' in navigator) || navigator.gpu === undefined) return 'navigator.gpu is missing';
  const adapter = await navigator.gpu.requestAdapter();
  if (adapter === null) return 'navigator.gpu offered no adapter';
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
  });
  const { createWebGpuBackend } = await import('@repurpose/backend-webgpu');
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.description].filter((s) => s !== '').join(' ');
  return { backend: await createWebGpuBackend({ device }), kind: 'webgpu', label: `WebGPU${name === '' ? '' : ` (${name})`}` };
}

async function wasm(reason: string): Promise<PickedBackend> {
  const ort = await import('onnxruntime-web');
  // One thread: more need SharedArrayBuffer, which needs a cross-origin-isolated page.
  ort.env.wasm.numThreads = 1;
  const { createOnnxBackend } = await import('@repurpose/backend-onnx');
  const backend = createOnnxBackend({ ort: ort as unknown as OnnxBackendOptions['ort'], executionProviders: ['wasm'], threads: 1 });
  return { backend, kind: 'wasm', label: 'onnxruntime-web (wasm)', fallbackReason: reason };
}

export async function pickBackend(forceWasm: boolean): Promise<PickedBackend> {
  if (forceWasm) return wasm('?backend=wasm');
  const picked = await webgpu();
  return typeof picked === 'string' ? wasm(picked) : picked;
}
