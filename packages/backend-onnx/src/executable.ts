/**
 * A compiled graph on ONNX Runtime: one InferenceSession over the lowered device graph, then the AdamW
 * updates the split moved to the host (host-update/split.ts). `run` checks every feed against the
 * compiled input (name, dtype, shape — a clear GraphError instead of ORT's message), wraps host feeds
 * without copying, and returns outputs as HostTensors over ORT's own buffers; with run options it
 * returns only the chosen outputs (`outputs`, fetched alone from ORT) and keeps those named in
 * `resident` as ORT tensors (parameters and moments between training steps). A host update whose
 * parameter and moments are fed resident and returned resident runs in place and donates the fed
 * handles (the contract's `updates`); otherwise it works on copies and the feeds stay untouched.
 * Not thread-safe across concurrent runs of one executable — the trainer runs steps in order.
 */
import { GraphError, type Executable, type Feed, type Graph, type HostTensor, type ResidentTensor, sameShape } from '@repurpose/core/engine';
import { adamwInPlace } from './host-update/adamw-kernel.js';
import { adamwSparseInPlace } from './host-update/adamw-sparse.js';
import { HOST_VALUE_PREFIX, type HostUpdate, hostInputs } from './host-update/split.js';
import type { OrtModule, OrtSession, OrtTensor, OrtTensorType } from './ort-module.js';
import { BACKEND_NAME, donateResident, ortTensorOf, residentOf, toHost, toOrt } from './resident.js';

/** The contract's run options: which outputs to return and which of them stay resident. */
export interface OnnxRunOptions {
  readonly outputs?: readonly string[];
  readonly resident?: readonly string[];
}

export interface OnnxExecutable extends Executable {
  /** The ONNX model bytes the session was created from (for inspection and export). */
  readonly model: Uint8Array;
  run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor>>;
  run(feeds: Readonly<Record<string, Feed>>, options: OnnxRunOptions): Promise<Record<string, Feed>>;
}

/** What compile hands over: the full prepared graph, the device part ORT runs, and the host updates. */
export interface CompiledParts {
  readonly graph: Graph;
  readonly device: Graph;
  readonly updates: readonly HostUpdate[];
  readonly model: Uint8Array;
  /** Device output name → ONNX output name. */
  readonly outputNames: ReadonlyMap<string, string>;
}

type Floats = Float32Array | Float64Array;

/** `session` is undefined when the device graph has no outputs (a standalone AdamW graph). */
export function makeExecutable(ort: OrtModule, session: OrtSession | undefined, parts: CompiledParts): OnnxExecutable {
  const { graph, device, updates, model, outputNames } = parts;
  let disposed = false;
  const inputIds = new Set(graph.inputs.map((i) => i.id));
  const deviceInputs = new Set(device.inputs.map((i) => i.id));
  const deviceOutputs = new Set(device.outputs.map((o) => o.name));
  const outputNamesAll = graph.outputs.map((o) => o.name);
  const updateOf = new Map<string, HostUpdate>();
  for (const u of updates) for (const name of Object.values(u.outputs)) updateOf.set(name, u);

  const ortFeeds = (feeds: Readonly<Record<string, Feed>>): Record<string, OrtTensor> => {
    if (disposed) throw new GraphError('executable', 'disposed', 'a live executable (compile the graph again)');
    for (const name of Object.keys(feeds)) if (!inputIds.has(name)) throw new GraphError(`feeds.${name}`, 'a tensor', `no feed: the graph has no input ${JSON.stringify(name)}`);
    const out: Record<string, OrtTensor> = {};
    for (const input of graph.inputs) {
      const want = `${input.type.dtype}[${input.type.shape}]`;
      const feed = feeds[input.id];
      if (!feed) throw new GraphError(`feeds.${input.id}`, feed, `a tensor ${want} (${input.role})`);
      if (feed.dtype !== input.type.dtype || !sameShape(feed.shape, input.type.shape)) throw new GraphError(`feeds.${input.id}`, `${feed.dtype}[${feed.shape}]`, `${want} (the compiled shape)`);
      if ('kind' in feed) {
        if (feed.backend !== BACKEND_NAME) throw new GraphError(`feeds.${input.id}`, `a resident tensor of backend ${JSON.stringify(feed.backend)}`, 'a host tensor or a resident tensor of this backend');
        out[input.id] = ortTensorOf(feed, `feeds.${input.id}`);
      } else {
        const size = input.type.shape.reduce((p, d) => p * d, 1);
        const ok = feed.dtype === 'f32' ? feed.data instanceof Float32Array : feed.dtype === 'f64' ? feed.data instanceof Float64Array : feed.data instanceof Int32Array;
        if (!ok || feed.data.length !== size) throw new GraphError(`feeds.${input.id} data`, feed.data.constructor.name, `a typed array of ${want}`);
        out[input.id] = toOrt(ort, feed);
      }
    }
    return out;
  };

  const select = (options: OnnxRunOptions): { outputs: readonly string[]; resident: ReadonlySet<string> } => {
    const outputs = options.outputs ?? outputNamesAll;
    for (const name of outputs) if (!updateOf.has(name) && !outputNames.has(name)) throw new GraphError('run options.outputs', name, `an output of the graph (${outputNamesAll.join(', ')})`);
    const returned = new Set(outputs);
    for (const name of options.resident ?? []) if (!returned.has(name)) throw new GraphError('run options.resident', name, 'an output the run returns');
    return { outputs, resident: new Set(options.resident ?? []) };
  };

  async function run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor>>;
  async function run(feeds: Readonly<Record<string, Feed>>, options: OnnxRunOptions): Promise<Record<string, Feed>>;
  async function run(feeds: Readonly<Record<string, Feed>>, options: OnnxRunOptions = {}): Promise<Record<string, Feed>> {
    const { outputs, resident } = select(options);
    const all = ortFeeds(feeds);
    const pending = [...new Set(outputs.filter((n) => updateOf.has(n)).map((n) => updateOf.get(n)!))];
    const fetch = new Set(outputs.filter((n) => deviceOutputs.has(n)));
    for (const u of pending) for (const id of hostInputs(u)) if (!inputIds.has(id)) fetch.add(`${HOST_VALUE_PREFIX}${id}`);
    const ortIn: Record<string, OrtTensor> = {};
    for (const id of deviceInputs) ortIn[id] = all[id]!;
    const results = fetch.size === 0 || !session ? {} : await session.run(ortIn, [...fetch].map((name) => outputNames.get(name)!));
    const fetched = (name: string): OrtTensor => results[outputNames.get(name)!]!;
    const value = (id: string): Floats | Int32Array => (inputIds.has(id) ? all[id]! : fetched(`${HOST_VALUE_PREFIX}${id}`)).data as Floats | Int32Array;

    const out: Record<string, Feed> = {};
    for (const u of pending) Object.assign(out, applyUpdate(u, feeds, all, value, new Set(outputs), resident));
    for (const name of outputs) {
      if (updateOf.has(name)) continue;
      const t = fetched(name);
      const host = toHost(t, `outputs.${name}`);
      out[name] = resident.has(name) ? residentOf(t, host.dtype, host.shape) : host;
    }
    return out;
  }

  // One zero gradient per sparse update, kept for the executable's life (adamw-sparse.ts zeroes what it wrote).
  const scratch = new Map<HostUpdate, Floats>();
  const scratchFor = (u: HostUpdate, like: Floats): Floats => {
    let z = scratch.get(u);
    if (!z || z.length !== like.length || z.constructor !== like.constructor) scratch.set(u, (z = like instanceof Float32Array ? new Float32Array(like.length) : new Float64Array(like.length)));
    return z;
  };

  /** Runs one host update; returns its requested outputs. */
  const applyUpdate = (u: HostUpdate, feeds: Readonly<Record<string, Feed>>, all: Record<string, OrtTensor>, value: (id: string) => Floats | Int32Array, wanted: ReadonlySet<string>, resident: ReadonlySet<string>): Record<string, Feed> => {
    const ids = [u.param, u.m, u.v] as const;
    const names = [u.outputs.param, u.outputs.m, u.outputs.v] as const;
    const tensors = ids.map((id) => all[id]!);
    const inPlace = names.every((n) => wanted.has(n) && resident.has(n)) && ids.every((id) => 'kind' in feeds[id]!) && new Set(tensors).size === 3;
    const arrays = ids.map((id) => (inPlace ? value(id) : value(id).slice())) as [Floats, Floats, Floats];
    const scalar = (id: string) => value(id)[0]!;
    const s = { decay: scalar(u.decay), stepSize: scalar(u.stepSize), bc2Sqrt: scalar(u.bc2Sqrt), beta1: u.beta1, beta2: u.beta2, eps: u.eps };
    if (u.sparse) adamwSparseInPlace(arrays[0], arrays[1], arrays[2], value(u.sparse.ids) as Int32Array, value(u.sparse.updates) as Floats, u.sparse.width, s, scratchFor(u, arrays[0]));
    else adamwInPlace(arrays[0], arrays[1], arrays[2], value(u.grad) as Floats, s);
    const out: Record<string, Feed> = {};
    names.forEach((name, i) => {
      if (!wanted.has(name)) return;
      const t = tensors[i]!;
      const next = new ort.Tensor(t.type as OrtTensorType, arrays[i]!, t.dims);
      if (!resident.has(name)) out[name] = toHost(next, `outputs.${name}`);
      else out[name] = inPlace ? donateResident(feeds[ids[i]!] as ResidentTensor, next) : residentOf(next, graph.inputs.find((x) => x.id === ids[i])!.type.dtype, t.dims);
    });
    return out;
  };

  return {
    graph,
    model,
    run,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      scratch.clear();
      void session?.release();
    },
  };
}
