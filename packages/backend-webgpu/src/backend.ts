/**
 * createWebGpuBackend: the Backend contract on a WebGPU device. `compile` prepares the graph
 * (decomposing the composites it does not run fused), lowers it (executable/) and caches pipelines
 * by program key across every executable of the backend, so a second graph of another batch size
 * reuses every shader. Device loss is watched: after it, compile and run throw a BackendError naming
 * the reason instead of hanging.
 *
 * The device is either given (a browser's `navigator.gpu` device, or one from requestNodeGpu) or
 * requested in Node through Dawn, with `shader-f16` where the adapter offers it. f16 graphs run
 * where the device has `shader-f16` (support.dtypes then holds f16) and are refused, naming the
 * feature, where it does not. Not a device manager: one backend, one device.
 */
import { type Backend, type BackendSupport, type Graph, type HostTensor, type ResidentTensor, checkGraph, hostTensor, prepareForBackend } from '@repurpose/core/engine';
import { BackendError } from './device/errors.js';
import { type NodeAdapterKind, type NodeGpu, requestNodeGpu } from './device/node-gpu.js';
import { compileExecutable, type DeviceContext, type WebGpuExecutable } from './executable/executable.js';
import { residentStore } from './executable/resident.js';
import { BUFFER_USAGE, MAP_MODE_READ } from './executable/usage.js';
import { byteLength, bytesOf, hostFromBytes, writableBytes } from './executable/host-bytes.js';
import { FUSED_COMPOSITES } from './kernels/index.js';
import { foldConstantCasts } from './passes/fold-constant-casts.js';
import { WEBGPU_DTYPES, WEBGPU_DTYPES_F16, wgslDType } from './wgsl/dtype.js';
import type { Pass } from './wgsl/program.js';

export interface WebGpuBackendOptions {
  /** A device to run on; when absent one is requested through Node's `webgpu` package. */
  readonly device?: GPUDevice;
  /** Which Dawn adapter to request when no device is given ('null' validates but computes nothing). */
  readonly adapter?: NodeAdapterKind;
  /**
   * Features the caller needs (e.g. 'shader-f16' for its own shaders on this device). Requested in
   * Node; checked on a given device. Where one is missing, creation fails with a BackendError naming
   * it — never a silent downgrade. The backend's own kernels need none; in Node it also requests
   * `shader-f16` whenever the adapter has it, for f16 graphs.
   */
  readonly requiredFeatures?: readonly GPUFeatureName[];
  /**
   * Reduce across workgroups with subgroup operations (softmax, layerNorm and their gradients over
   * long rows, long reductions, the workgroup attention). Default: where the device has the
   * `subgroups` feature and WGSL has the `subgroup_id` builtin; false forces the workgroup-memory
   * path; true where either is missing is a BackendError naming it.
   */
  readonly subgroups?: boolean;
}

export interface WebGpuBackendStats {
  /** Device buffers created so far: compile creates them, run must not. */
  readonly buffersCreated: number;
  readonly pipelines: number;
  /** Resident tensors alive (uploaded or returned resident, not yet released). */
  readonly residentTensors: number;
  /** Bytes copied from the device to the host so far (run outputs and downloads). */
  readonly bytesRead: number;
}

export interface WebGpuBackend extends Backend {
  readonly device: GPUDevice;
  /** The adapter's description where the backend requested it (Node), else 'given device'. */
  readonly description: string;
  /** Whether the kernels reduce with subgroup operations (options.subgroups). */
  readonly subgroups: boolean;
  stats(): WebGpuBackendStats;
  compile(graph: Graph): Promise<WebGpuExecutable>;
  upload(tensor: HostTensor): Promise<ResidentTensor>;
  download(tensor: ResidentTensor): Promise<HostTensor>;
  release(tensor: ResidentTensor): void;
}

/**
 * f16 graphs (core's f16 compute over f32 masters) on a device without `shader-f16` are refused up
 * front, naming the feature and what to do instead. The fallback is the caller's, explicit: train
 * in f32 (computeDtype 'f32'), which on this backend costs memory, not correctness.
 */
function refuseHalf(graph: Graph, device: GPUDevice): void {
  if (device.features.has('shader-f16')) return;
  const half = [...graph.inputs.map((i) => ({ id: i.id, type: i.type })), ...graph.nodes.map((n) => ({ id: `${n.id} (${n.kind}${n.scope ? ` in ${n.scope}` : ''})`, type: n.type }))].find((v) => v.type.dtype === 'f16');
  if (half === undefined) return;
  throw new BackendError('webgpu', `value ${half.id} is f16, and this device lacks the shader-f16 feature WGSL needs for f16 (request the device with requiredFeatures ['shader-f16'] from an adapter that has it); or build the graph in f32 (for the trainer: computeDtype 'f32')`);
}

export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const required = options.requiredFeatures ?? [];
  const node: NodeGpu | null = options.device === undefined ? await requestNodeGpu({ adapter: options.adapter ?? 'default', features: required }) : null;
  const device = options.device ?? node!.device;
  const missing = required.filter((f) => !device.features.has(f));
  if (missing.length > 0) {
    throw new BackendError('webgpu', `the given device lacks the feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (requiredFeatures); request the device with them from an adapter that offers them`);
  }
  const dtypes = device.features.has('shader-f16') ? WEBGPU_DTYPES_F16 : WEBGPU_DTYPES;
  // The subgroup reduction needs the subgroup_id builtin, a WGSL language feature of the GPU object
  // (Dawn's in Node, navigator.gpu in a browser), not of the device.
  const language = node?.wgslLanguageFeatures ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu?.wgslLanguageFeatures;
  const lacking = [device.features.has('subgroups') ? '' : 'the subgroups feature', language?.has('subgroup_id') === true ? '' : "WGSL's subgroup_id builtin"].filter((m) => m !== '');
  if (options.subgroups === true && lacking.length > 0) throw new BackendError('webgpu', `subgroups: true, but this device lacks ${lacking.join(' and ')}`);
  const subgroups = options.subgroups ?? lacking.length === 0;
  const support: BackendSupport = Object.freeze({ dtypes, composites: FUSED_COMPOSITES, resident: true });
  let lost: string | null = null;
  let disposed = false;
  void device.lost.then((info) => {
    if (!disposed) lost = `device lost (${info.reason}): ${info.message}`;
  });
  let buffersCreated = 0;
  let bytesRead = 0;
  const residents = residentStore('webgpu');
  const pipelines = new Map<string, Promise<GPUComputePipeline>>();

  const checkAlive = () => {
    if (disposed) throw new BackendError('webgpu', 'the backend has been disposed');
    if (lost !== null) throw new BackendError('webgpu', lost);
  };
  // A mapAsync aborted by device loss rejects (with an empty AbortError in Dawn) before device.lost
  // has resolved; wait for the loss a moment so the error can say what happened.
  const failure = async (what: string, error: unknown): Promise<BackendError> => {
    if (lost === null) await Promise.race([device.lost, new Promise((resolve) => setTimeout(resolve, 1000))]);
    const cause = error instanceof Error ? `${error.name}${error.message === '' ? '' : `: ${error.message}`}` : String(error);
    return new BackendError('webgpu', lost !== null ? `${lost} (while ${what})` : `${what} failed (${cause})`);
  };

  const pipeline = (pass: Pass): Promise<GPUComputePipeline> => {
    const cached = pipelines.get(pass.program.key);
    if (cached !== undefined) return cached;
    const made = (async () => {
      const module = device.createShaderModule({ code: pass.program.wgsl, label: pass.program.key });
      const info = await module.getCompilationInfo();
      const errors = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
      if (errors.length > 0) throw new BackendError('webgpu', `the shader ${pass.program.key} was rejected: ${errors.join('; ')}`);
      try {
        return await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      } catch (error) {
        throw new BackendError('webgpu', `the pipeline ${pass.program.key} was rejected: ${(error as Error).message}`);
      }
    })();
    pipelines.set(pass.program.key, made);
    made.catch(() => pipelines.delete(pass.program.key));
    return made;
  };

  const ctx: DeviceContext = {
    device,
    createBuffer: (size, usage, label) => {
      buffersCreated += 1;
      return device.createBuffer({ size: Math.ceil(size / 4) * 4, usage, label });
    },
    pipeline,
    checkAlive,
    failure,
    residents,
    countRead: (bytes) => (bytesRead += bytes),
    kernels: Object.freeze({ subgroups }),
  };
  const STORAGE = BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST;

  return {
    name: 'webgpu',
    support,
    device,
    description: node?.description ?? 'given device',
    subgroups,
    stats: () => ({ buffersCreated, pipelines: pipelines.size, residentTensors: residents.count(), bytesRead }),
    upload: async (tensor) => {
      checkAlive();
      wgslDType(tensor.dtype, 'upload dtype');
      if (!(dtypes as readonly string[]).includes(tensor.dtype)) throw new BackendError('webgpu', `an uploaded ${tensor.dtype} tensor needs the shader-f16 feature, which this device lacks`);
      const bytes = byteLength(tensor);
      if (bytes > device.limits.maxBufferSize) {
        throw new BackendError('webgpu', `an uploaded ${tensor.dtype} tensor [${tensor.shape}] needs ${bytes} bytes, over this device's ${device.limits.maxBufferSize}-byte buffer limit (maxBufferSize)`);
      }
      const buffer = ctx.createBuffer(bytesOf(tensor), STORAGE, 'uploaded');
      if (bytes > 0) device.queue.writeBuffer(buffer, 0, writableBytes(tensor.data));
      return residents.make(buffer, bytesOf(tensor), tensor.dtype, tensor.shape);
    },
    download: async (tensor) => {
      checkAlive();
      const source = residents.buffer(tensor, 'download');
      const bytes = byteLength(tensor);
      if (bytes === 0) return hostTensor(tensor.dtype, tensor.shape);
      // A staging buffer per download: downloads are for checkpoints and results, not the step loop.
      const staging = ctx.createBuffer(bytes, BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST, 'download');
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(source, 0, staging, 0, bytes);
      device.queue.submit([encoder.finish()]);
      bytesRead += bytes;
      try {
        await staging.mapAsync(MAP_MODE_READ, 0, bytes);
      } catch (error) {
        staging.destroy();
        throw await failure('downloading a resident tensor', error);
      }
      const copy = hostFromBytes(tensor.dtype, tensor.shape, staging.getMappedRange(0, bytes));
      staging.unmap();
      staging.destroy();
      checkAlive();
      return copy;
    },
    release: (tensor) => residents.release(tensor),
    compile: async (graph: Graph): Promise<WebGpuExecutable> => {
      checkAlive();
      checkGraph(graph);
      refuseHalf(graph, device);
      return compileExecutable(ctx, prepareForBackend(foldConstantCasts(graph), support));
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      residents.releaseAll();
      node?.release();
    },
  };
}
