/**
 * Wraps any Backend to account for its resident tensors from the outside: every handle `upload`
 * returns or a run returns resident is live until `release`; releasing an unknown handle, or twice,
 * fails. The conformance suite uses it to assert "everything released" on a backend it knows nothing
 * about. Feeds and results pass through untouched (same objects). Not a counter of bytes (that is
 * the counting backend, which owns its storage).
 */
import type { Backend, Executable, Feed, ResidentTensor, RunOptions } from '../engine/backend.js';
import { isResident } from '../engine/backend.js';
import type { Graph } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';

export interface TrackedBackend {
  readonly backend: Backend;
  /** Handles made and not released, with where they came from. */
  live(): string[];
  /** Problems seen: unknown or repeated releases. */
  readonly problems: readonly string[];
}

export function trackResidentTensors(inner: Backend): TrackedBackend {
  const live = new Map<ResidentTensor, string>();
  const problems: string[] = [];
  const adopt = (t: ResidentTensor, from: string) => void live.set(t, from);
  const backend: Backend = {
    name: inner.name,
    support: inner.support,
    compile: async (graph: Graph): Promise<Executable> => {
      const exe = await inner.compile(graph);
      const run = async (feeds: Readonly<Record<string, Feed>>, options?: RunOptions) => {
        const out = options === undefined ? await exe.run(feeds) : await exe.run(feeds, options);
        for (const [name, t] of Object.entries(out)) if (isResident(t)) adopt(t, `run output ${name}`);
        return out;
      };
      return { graph: exe.graph, run: run as Executable['run'], dispose: () => exe.dispose() };
    },
    dispose: () => inner.dispose(),
  };
  if (inner.upload) {
    const upload = inner.upload.bind(inner);
    (backend as { upload: Backend['upload'] }).upload = async (t: HostTensor) => {
      const r = await upload(t);
      adopt(r, `upload ${t.dtype}[${t.shape}]`);
      return r;
    };
  }
  if (inner.download) (backend as { download: Backend['download'] }).download = inner.download.bind(inner);
  if (inner.release) {
    const release = inner.release.bind(inner);
    (backend as { release: Backend['release'] }).release = (t: ResidentTensor) => {
      if (!live.delete(t)) problems.push(`release of a handle not live (${t.dtype}[${t.shape}])`);
      release(t);
    };
  }
  return { backend, live: () => [...live.values()], problems };
}
