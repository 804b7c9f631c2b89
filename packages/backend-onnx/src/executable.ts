/**
 * A compiled graph on ONNX Runtime: one InferenceSession over the lowered model. `run` checks every
 * feed against the compiled input (name, dtype, shape — a clear GraphError instead of ORT's message),
 * wraps host feeds without copying, and returns outputs as HostTensors over ORT's own buffers; with
 * run options it returns only the chosen outputs (`outputs`, fetched alone from ORT) and keeps those
 * named in `resident` as ORT tensors (parameters and moments between training steps). Not
 * thread-safe across concurrent runs of one executable — the trainer runs steps in order.
 */
import { GraphError, type Executable, type Feed, type Graph, type HostTensor, sameShape } from '@repurpose/core/engine';
import type { OrtModule, OrtSession, OrtTensor } from './ort-module.js';
import { BACKEND_NAME, ortTensorOf, residentOf, toHost, toOrt } from './resident.js';

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

export function makeExecutable(ort: OrtModule, session: OrtSession, graph: Graph, model: Uint8Array, outputNames: ReadonlyMap<string, string>): OnnxExecutable {
  let disposed = false;
  const ortFeeds = (feeds: Readonly<Record<string, Feed>>): Record<string, OrtTensor> => {
    if (disposed) throw new GraphError('executable', 'disposed', 'a live executable (compile the graph again)');
    const ids = new Set(graph.inputs.map((i) => i.id));
    for (const name of Object.keys(feeds)) if (!ids.has(name)) throw new GraphError(`feeds.${name}`, 'a tensor', `no feed: the graph has no input ${JSON.stringify(name)}`);
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
    const outputs = options.outputs ?? graph.outputs.map((o) => o.name);
    for (const name of outputs) if (!outputNames.has(name)) throw new GraphError('run options.outputs', name, `an output of the graph (${[...outputNames.keys()].join(', ')})`);
    const returned = new Set(outputs);
    for (const name of options.resident ?? []) if (!returned.has(name)) throw new GraphError('run options.resident', name, 'an output the run returns');
    return { outputs, resident: new Set(options.resident ?? []) };
  };

  async function run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor>>;
  async function run(feeds: Readonly<Record<string, Feed>>, options: OnnxRunOptions): Promise<Record<string, Feed>>;
  async function run(feeds: Readonly<Record<string, Feed>>, options: OnnxRunOptions = {}): Promise<Record<string, Feed>> {
    const { outputs, resident } = select(options);
    const ortIn = ortFeeds(feeds);
    const fetches = outputs.map((name) => outputNames.get(name)!);
    const results = options.outputs ? await session.run(ortIn, fetches) : await session.run(ortIn);
    const out: Record<string, Feed> = {};
    for (const name of outputs) {
      const t = results[outputNames.get(name)!]!;
      const host = toHost(t, `outputs.${name}`);
      out[name] = resident.has(name) ? residentOf(t, host.dtype, host.shape) : host;
    }
    return out;
  }

  return {
    graph,
    model,
    run,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      void session.release();
    },
  };
}
