/**
 * A compiled graph on ONNX Runtime: one InferenceSession over the lowered model. `run` checks every
 * feed against the compiled input (name, dtype, shape — a clear GraphError instead of ORT's message),
 * wraps host feeds without copying, and returns outputs as HostTensors over ORT's own buffers;
 * `runResident` keeps chosen outputs as resident ORT tensors instead (parameters and moments between
 * training steps). Not thread-safe across concurrent runs of one executable — the trainer runs steps in
 * order.
 */
import { GraphError, type Executable, type Feed, type Graph, type HostTensor, type ResidentTensor, sameShape } from '@repurpose/core/engine';
import type { OrtModule, OrtSession, OrtTensor } from './ort-module.js';
import { BACKEND_NAME, ortTensorOf, residentOf, toHost, toOrt } from './resident.js';

export interface OnnxExecutable extends Executable {
  /** The ONNX model bytes the session was created from (for inspection and export). */
  readonly model: Uint8Array;
  /** Like `run`, but outputs named in `resident` stay ORT tensors (handles) instead of host tensors. */
  runResident(feeds: Readonly<Record<string, Feed>>, resident: readonly string[]): Promise<Record<string, HostTensor | ResidentTensor>>;
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

  const runOrt = async (feeds: Readonly<Record<string, Feed>>): Promise<Record<string, OrtTensor>> => {
    const results = await session.run(ortFeeds(feeds));
    const out: Record<string, OrtTensor> = {};
    for (const o of graph.outputs) out[o.name] = results[outputNames.get(o.name)!]!;
    return out;
  };

  return {
    graph,
    model,
    run: async (feeds) => {
      const raw = await runOrt(feeds);
      const out: Record<string, HostTensor> = {};
      for (const [name, t] of Object.entries(raw)) out[name] = toHost(t, `outputs.${name}`);
      return out;
    },
    runResident: async (feeds, resident) => {
      const keep = new Set(resident);
      for (const name of keep) if (!outputNames.has(name)) throw new GraphError('resident output', name, 'an output of the graph');
      const raw = await runOrt(feeds);
      const out: Record<string, HostTensor | ResidentTensor> = {};
      for (const o of graph.outputs) {
        const t = raw[o.name]!;
        const host = toHost(t, `outputs.${o.name}`);
        out[o.name] = keep.has(o.name) ? residentOf(t, host.dtype, host.shape) : host;
      }
      return out;
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      void session.release();
    },
  };
}
