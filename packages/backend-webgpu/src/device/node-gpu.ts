/**
 * Finding a WebGPU adapter in Node through Dawn (the optional `webgpu` package). Dawn's `create()`
 * returns the GPU object that owns every adapter and device it hands out; if that object is
 * garbage-collected while a device lives, the process crashes. So each handle keeps it, and a
 * module-level set keeps every live one until its handle is released.
 *
 * The device gets the features the caller requires and, where the adapter offers them, the optional
 * ones the backend's kernels use (`shader-f16` for f16 graphs) — requested only where present, since
 * requesting a missing feature fails the request.
 *
 * `backend: 'null'` asks for Dawn's null adapter: it validates shaders and pipelines with no driver
 * and executes nothing — the WGSL tests use it. Not a browser path: there, `navigator.gpu` is passed in.
 */
import { BackendError } from './errors.js';

export type NodeAdapterKind = 'default' | 'null';

export interface NodeGpu {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  /** "vendor architecture description", for logs and skip messages. */
  readonly description: string;
  /** The WGSL language features of Dawn's GPU object (e.g. 'subgroup_id'). */
  readonly wgslLanguageFeatures: ReadonlySet<string>;
  /** Destroys the device and lets Dawn's GPU object go. */
  release(): void;
}

const LIVE = new Set<unknown>();

/** Features the backend uses where the adapter has them, and does without elsewhere. */
export const OPTIONAL_FEATURES: readonly GPUFeatureName[] = ['shader-f16', 'subgroups'];

interface DawnModule {
  create(options: string[]): GPU;
}

const DAWN_PACKAGE: string = 'webgpu';

async function loadDawn(): Promise<DawnModule> {
  try {
    // A computed specifier, so browser bundlers (Vite, esbuild) leave Dawn out: in a browser the
    // device comes from navigator.gpu and this path is never taken.
    return (await import(/* @vite-ignore */ DAWN_PACKAGE)) as unknown as DawnModule;
  } catch (error) {
    throw new BackendError('webgpu', `the optional 'webgpu' package could not be loaded (${(error as Error).message})`);
  }
}

/** Requests an adapter and a device; rejects with a BackendError saying why where there is none. */
export interface NodeGpuOptions {
  readonly adapter?: NodeAdapterKind;
  /** Features the device must have: a missing one is a BackendError naming it. */
  readonly features?: readonly GPUFeatureName[];
  /** Features requested only where the adapter has them; default OPTIONAL_FEATURES ([] gives a device without them). */
  readonly optionalFeatures?: readonly GPUFeatureName[];
}

export async function requestNodeGpu(options: NodeGpuOptions = {}): Promise<NodeGpu> {
  const dawn = await loadDawn();
  const gpu = dawn.create(options.adapter === 'null' ? ['backend=null'] : []);
  LIVE.add(gpu);
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) {
      throw new BackendError('webgpu', 'no WebGPU adapter (no GPU driver; on Debian 12 run tools/webgpu/install-lavapipe.sh and set VK_ICD_FILENAMES)');
    }
    const missing = (options.features ?? []).filter((f) => !adapter.features.has(f));
    if (missing.length > 0) throw new BackendError('webgpu', `the adapter lacks the features ${missing.join(', ')}`);
    const optional = (options.optionalFeatures ?? OPTIONAL_FEATURES).filter((f) => adapter.features.has(f));
    const wanted = [...new Set([...(options.features ?? []), ...optional])];
    const device = await adapter.requestDevice({
      requiredFeatures: wanted,
      // Ask for the adapter's own limits: the defaults (128 MiB bindings) are lower than many GPUs offer.
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      },
    });
    const info = adapter.info;
    const description = [info.vendor, info.architecture, info.description].filter((s) => s !== '').join(' ') || (options.adapter ?? 'default');
    let released = false;
    return {
      adapter,
      device,
      description,
      wgslLanguageFeatures: new Set(gpu.wgslLanguageFeatures ?? []),
      release: () => {
        if (released) return;
        released = true;
        device.destroy();
        LIVE.delete(gpu);
      },
    };
  } catch (error) {
    LIVE.delete(gpu);
    throw error;
  }
}
