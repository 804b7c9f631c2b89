/**
 * The compiled form of one graph on one device: every node lowered to passes (kernels/), pipelines
 * taken from the backend's cache, a buffer plan from liveness, bind groups and uniform buffers built
 * once. A run writes the host feeds into their input buffers, records every pass into one command
 * encoder, copies only the outputs asked for into staging buffers created at compile time, submits
 * once and maps those. So a run allocates no device memory (the backend's allocation counter checks
 * it in a test).
 *
 * Resident feeds are copied into their input buffers on the device; outputs asked for resident either
 * take over the buffer of the resident feed they `update` (donation, resident.ts) or get a new buffer.
 * Binding resident buffers directly, without the device-side copy, is a later optimisation.
 */
import {
  type Executable,
  type Feed,
  type RunOptions,
  type Graph,
  GraphError,
  type GraphNode,
  type HostTensor,
  type TensorType,
  hostTensor,
  isResident,
  selectOutputs,
  valueTypes,
} from '@repurpose/core/engine';
import { BackendError } from '../device/errors.js';
import { KERNELS, type KernelTable } from '../kernels/index.js';
import type { KernelContext, WebGpuKernel } from '../kernels/kernel.js';
import { wgslDType } from '../wgsl/dtype.js';
import type { KernelPlan, Pass } from '../wgsl/program.js';
import { type PlanStep, planBuffers } from './buffer-plan.js';
import { byteLength, bytesOf, constantBytes, hostFromBytes, writableBytes } from './host-bytes.js';
import type { ResidentStore } from './resident.js';
import { BUFFER_USAGE, MAP_MODE_READ } from './usage.js';

/** What the executable needs from its backend: the device, a counted allocator and the pipeline cache. */
export interface DeviceContext {
  readonly device: GPUDevice;
  createBuffer(size: number, usage: number, label: string): GPUBuffer;
  pipeline(pass: Pass): Promise<GPUComputePipeline>;
  /** Throws the reason when the device has been lost. */
  checkAlive(): void;
  /** The BackendError for a failed device operation (a readback aborted by device loss, say), naming the loss where there was one. */
  failure(what: string, error: unknown): Promise<BackendError>;
  readonly residents: ResidentStore;
  /** Adds to the backend's count of bytes read back to the host. */
  countRead(bytes: number): void;
  /** The device's build-time choices for kernels (subgroups or not). */
  readonly kernels: KernelContext;
}

const STORAGE_USAGE = BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST;

export type WebGpuExecutable = Executable;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function sameType(a: TensorType, b: TensorType): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

function lower(node: GraphNode, types: ReadonlyMap<string, TensorType>, kernels: KernelContext): KernelPlan {
  const kernel = KERNELS[node.kind as keyof KernelTable] as WebGpuKernel<typeof node.kind> | null;
  if (kernel === null) throw new GraphError(`node ${node.id} (${node.kind})`, node.kind, 'an op this backend runs fused, or one prepareForBackend decomposes');
  return kernel(node as never, node.inputs.map((v) => types.get(v)!), kernels);
}

interface Recorded {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly dispatch: readonly [number, number, number];
}

/** Ids that index a table (gather's second input, scatterAdd's first) and are fed from the host. */
function hostIdChecks(graph: Graph): { input: string; rows: number; op: string }[] {
  const inputs = new Set(graph.inputs.map((i) => i.id));
  const types = valueTypes(graph);
  const checks: { input: string; rows: number; op: string }[] = [];
  for (const node of graph.nodes) {
    if (node.kind === 'gather' && inputs.has(node.inputs[1]!)) checks.push({ input: node.inputs[1]!, rows: types.get(node.inputs[0]!)!.shape[0]!, op: 'gather' });
    if (node.kind === 'scatterAdd' && inputs.has(node.inputs[0]!)) checks.push({ input: node.inputs[0]!, rows: node.attrs.rows, op: 'scatterAdd' });
  }
  return checks;
}

export async function compileExecutable(ctx: DeviceContext, graph: Graph): Promise<WebGpuExecutable> {
  const types = valueTypes(graph);
  const limit = ctx.device.limits.maxStorageBufferBindingSize;
  const names = new Map<string, string>([
    ...graph.inputs.map((i) => [i.id, `graph input ${i.id}`] as const),
    ...graph.nodes.map((n) => [n.id, `value ${n.id} (${n.kind}${n.scope === '' ? '' : ` in ${n.scope}`})`] as const),
  ]);
  for (const [id, type] of types) {
    wgslDType(type.dtype, `value ${id}`);
    // Splitting large tensors across bindings (or f16 storage) is future work; until then say so up front,
    // before any buffer exists: Dawn would only log a validation error and compute garbage.
    if (bytesOf(type) > limit) {
      throw new BackendError(
        'webgpu',
        `${names.get(id) ?? `value ${id}`} [${type.shape}] needs ${bytesOf(type)} bytes (${mib(bytesOf(type))}), over this device's ${limit}-byte (${mib(limit)}) storage binding limit (maxStorageBufferBindingSize); ` +
          'tensors are not split across bindings yet: use a smaller batch or shape',
      );
    }
  }
  const plans = graph.nodes.map((node) => lower(node, types, ctx.kernels));

  const buffers = new Map<string, GPUBuffer>();
  const owned: GPUBuffer[] = [];
  const make = (bytes: number, usage: number, label: string) => {
    const b = ctx.createBuffer(bytes, usage, label);
    owned.push(b);
    return b;
  };
  for (const input of graph.inputs) buffers.set(input.id, make(bytesOf(input.type), STORAGE_USAGE, `input ${input.id}`));
  graph.nodes.forEach((node, i) => {
    const plan = plans[i]!;
    if (plan.kind !== 'constant') return;
    const buffer = make(bytesOf(node.type), STORAGE_USAGE, `constant ${node.id}`);
    const data = constantBytes(node.type.dtype, plan.values);
    if (data.byteLength > 0) ctx.device.queue.writeBuffer(buffer, 0, data);
    buffers.set(node.id, buffer);
  });

  const outputValues = new Set(graph.outputs.map((o) => o.value));
  const steps: PlanStep[] = graph.nodes.map((node, i) => {
    const plan = plans[i]!;
    return plan.kind === 'constant'
      ? { output: null, outputBytes: 0, reads: [], scratchBytes: [] }
      : { output: node.id, outputBytes: bytesOf(node.type), reads: node.inputs, scratchBytes: plan.scratchBytes };
  });
  const bufferPlan = planBuffers(steps, outputValues);
  const pool = bufferPlan.slots.map((bytes, s) => make(bytes, STORAGE_USAGE, `pool ${s}`));
  for (const [value, slot] of bufferPlan.valueSlot) buffers.set(value, pool[slot]!);

  // Every pipeline requested at once: a browser compiles them in its GPU process, and awaiting each
  // before asking for the next made compile a round trip per program.
  const pipelines = new Map<string, GPUComputePipeline>();
  const wanted = plans.flatMap((plan) => (plan.kind === 'dispatch' ? plan.passes.filter((p) => !p.dispatch.some((n) => n === 0)) : []));
  const unique = [...new Map(wanted.map((p) => [p.program.key, p])).values()];
  await Promise.all(unique.map(async (p) => pipelines.set(p.program.key, await ctx.pipeline(p))));

  const recorded: Recorded[] = [];
  for (let i = 0; i < graph.nodes.length; i++) {
    const node = graph.nodes[i]!;
    const plan = plans[i]!;
    if (plan.kind !== 'dispatch') continue;
    for (const pass of plan.passes) {
      if (pass.dispatch.some((n) => n === 0)) continue;
      const most = ctx.device.limits.maxComputeWorkgroupsPerDimension;
      if (pass.dispatch.some((n) => n > most)) {
        throw new BackendError('webgpu', `node ${node.id} (${node.kind}) needs ${pass.dispatch.join('×')} workgroups, over this device's ${most} per dimension`);
      }
      const pipeline = pipelines.get(pass.program.key)!;
      const uniform = make(pass.uniforms.byteLength, BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST, `uniforms ${node.id}`);
      ctx.device.queue.writeBuffer(uniform, 0, pass.uniforms);
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
      pass.bindings.forEach((binding, b) => {
        const buffer =
          binding.kind === 'output'
            ? buffers.get(node.id)
            : binding.kind === 'input'
              ? buffers.get(node.inputs[binding.index]!)
              : pool[bufferPlan.scratchSlots[i]![binding.index]!];
        if (buffer === undefined) throw new Error(`webgpu: no buffer for ${binding.kind} of ${node.id} (a compile bug)`);
        entries.push({ binding: b + 1, resource: { buffer } });
      });
      const bindGroup = ctx.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      recorded.push({ pipeline, bindGroup, dispatch: pass.dispatch });
    }
  }

  const staging = new Map<string, GPUBuffer>();
  for (const output of graph.outputs) {
    const type = types.get(output.value)!;
    staging.set(output.name, make(bytesOf(type), BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST, `readback ${output.name}`));
  }
  const idChecks = hostIdChecks(graph);
  let disposed = false;

  const inputTypes = new Map(graph.inputs.map((i) => [i.id, i.type]));
  // Output name → the input it is the next value of (the contract's `updates`).
  const updatesOf = new Map(graph.outputs.map((o) => [o.name, o.updates]));

  const run = async (feeds: Readonly<Record<string, Feed>>, options: RunOptions = {}): Promise<Record<string, Feed>> => {
    if (disposed) throw new GraphError('executable', 'disposed', 'an executable that has not been disposed');
    ctx.checkAlive();
    const { outputs: wanted, resident } = selectOutputs(graph, options);

    const residentIn = new Map<string, GPUBuffer>();
    for (const input of graph.inputs) {
      const feed = feeds[input.id];
      if (feed === undefined) throw new GraphError(`feeds.${input.id}`, 'missing', `a ${input.type.dtype} tensor of shape [${input.type.shape}]`);
      if (feed.dtype !== input.type.dtype || feed.shape.length !== input.type.shape.length || feed.shape.some((d, i) => d !== input.type.shape[i])) {
        throw new GraphError(`feeds.${input.id}`, `${feed.dtype} [${feed.shape}]`, `${input.type.dtype} [${input.type.shape}]`);
      }
      if (isResident(feed)) residentIn.set(input.id, ctx.residents.buffer(feed, `feeds.${input.id}`));
    }
    for (const check of idChecks) {
      const feed = feeds[check.input]!;
      if (isResident(feed)) continue; // already on the device: the kernel's bounds check applies
      for (let i = 0; i < feed.data.length; i++) {
        const id = feed.data[i]!;
        if (id < 0 || id >= check.rows) throw new GraphError(`${check.op} ids ${check.input}[${i}]`, id, `an id in [0, ${check.rows - 1}]`);
      }
    }
    const encoder = ctx.device.createCommandEncoder();
    for (const input of graph.inputs) {
      const feed = feeds[input.id]!;
      const bytes = byteLength(input.type);
      if (bytes === 0) continue;
      const from = residentIn.get(input.id);
      // A resident feed is copied on the device: no host traffic (binding it directly is a later step).
      if (from !== undefined) encoder.copyBufferToBuffer(from, 0, buffers.get(input.id)!, 0, bytes);
      else ctx.device.queue.writeBuffer(buffers.get(input.id)!, 0, writableBytes((feed as HostTensor).data));
    }
    if (recorded.length > 0) {
      const pass = encoder.beginComputePass();
      for (const r of recorded) {
        pass.setPipeline(r.pipeline);
        pass.setBindGroup(0, r.bindGroup);
        pass.dispatchWorkgroups(r.dispatch[0], r.dispatch[1], r.dispatch[2]);
      }
      pass.end();
    }
    const results: Record<string, Feed> = {};
    const reads: { name: string; type: TensorType; buffer: GPUBuffer; bytes: number }[] = [];
    for (const output of graph.outputs) {
      if (!wanted.includes(output.name)) continue;
      const type = types.get(output.value)!;
      const bytes = byteLength(type);
      const source = buffers.get(output.value)!;
      if (resident.has(output.name)) {
        const updated = updatesOf.get(output.name);
        const donor = updated === undefined ? undefined : feeds[updated];
        if (donor !== undefined && isResident(donor) && residentIn.has(updated!) && sameType(inputTypes.get(updated!)!, type)) {
          // Donation: write the next value into the fed tensor's own buffer (it was copied in above).
          if (bytes > 0) encoder.copyBufferToBuffer(source, 0, residentIn.get(updated!)!, 0, bytes);
          results[output.name] = ctx.residents.donate(donor, type.dtype, type.shape);
        } else {
          const buffer = ctx.createBuffer(bytesOf(type), STORAGE_USAGE, `resident ${output.name}`);
          if (bytes > 0) encoder.copyBufferToBuffer(source, 0, buffer, 0, bytes);
          results[output.name] = ctx.residents.make(buffer, bytesOf(type), type.dtype, type.shape);
        }
        continue;
      }
      const buffer = staging.get(output.name)!;
      if (bytes > 0) encoder.copyBufferToBuffer(source, 0, buffer, 0, bytes);
      reads.push({ name: output.name, type, buffer, bytes });
    }
    ctx.device.queue.submit([encoder.finish()]);
    for (const r of reads) ctx.countRead(r.bytes);
    try {
      await Promise.all(reads.filter((r) => r.bytes > 0).map((r) => r.buffer.mapAsync(MAP_MODE_READ, 0, r.bytes)));
    } catch (error) {
      throw await ctx.failure('reading back the outputs', error);
    }
    ctx.checkAlive();
    for (const r of reads) {
      if (r.bytes === 0) {
        results[r.name] = hostTensor(r.type.dtype, r.type.shape);
        continue;
      }
      const mapped = r.buffer.getMappedRange(0, r.bytes);
      results[r.name] = hostFromBytes(r.type.dtype, r.type.shape, mapped);
      r.buffer.unmap();
    }
    return results;
  };

  return {
    graph,
    run: run as Executable['run'],
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const b of owned) b.destroy();
    },
  };
}
