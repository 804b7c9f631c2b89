/**
 * @repurpose/backend-webgpu — the engine's Backend on WebGPU: a WGSL kernel per op (kernels/), program
 * descriptors whose cache key holds only build-time facts (wgsl/program.ts), a buffer plan from
 * liveness and one command encoder per run (executable/). In Node it finds an adapter through Dawn
 * (the optional `webgpu` package); in a browser, pass `navigator.gpu`'s device.
 * f16 storage where the device has shader-f16, subgroup reductions where it has subgroups. Not yet: fused layerNormGrad/attentionGrad/AdamW, splitting tensors over the binding limit (docs/webgpu.md).
 */
export const BACKEND_NAME = 'webgpu' as const;
export { createWebGpuBackend } from './backend.js';
export type { WebGpuBackend, WebGpuBackendOptions, WebGpuBackendStats } from './backend.js';
export { OPTIONAL_FEATURES, requestNodeGpu } from './device/node-gpu.js';
export type { NodeAdapterKind, NodeGpu, NodeGpuOptions } from './device/node-gpu.js';
export { BackendError } from './device/errors.js';
export { KERNELS, FUSED_COMPOSITES } from './kernels/index.js';
export type { KernelTable } from './kernels/index.js';
export type { KernelContext, WebGpuKernel } from './kernels/kernel.js';
export type { Program, Pass, KernelPlan, Binding, WgslDType } from './wgsl/program.js';
