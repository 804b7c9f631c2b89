/**
 * The tensors a training run keeps between steps — frozen parameters, trainable tensors, AdamW
 * moments — as Feeds: resident on the backend's device where it can keep them, host tensors where it
 * cannot. The store owns every resident tensor it uploaded or received from a run, swaps in a step's
 * outputs by name, releases what they replace, downloads only when asked (a checkpoint, the result),
 * and `releaseAll` frees everything (the trainer calls it in `finally`, so also on error and abort).
 *
 * Not a memory planner and not a cache of host copies: `host` downloads every time it is called.
 */
import type { Backend, Feed, ResidentTensor } from '../engine/backend.js';
import { isResident } from '../engine/backend.js';
import { GraphError } from '../engine/errors.js';
import type { HostTensor } from '../engine/host-tensor.js';

export interface DeviceTensors {
  /** Whether tensors are kept resident (the backend supports it and the run asked for it). */
  readonly resident: boolean;
  /** Stores a host tensor under `name`, uploading it when resident. */
  put(name: string, tensor: HostTensor): Promise<void>;
  get(name: string): Feed;
  /** Replaces `name` with a run's output; the tensor it replaces is released (it was donated to the run). */
  swap(name: string, next: Feed): void;
  /** The tensor as a host tensor (downloaded when resident; it stays resident). */
  host(name: string): Promise<HostTensor>;
  /** A feed the store does not keep (e.g. a resident loss): as host, released at once. */
  take(feed: Feed): Promise<HostTensor>;
  releaseAll(): void;
}

export function deviceTensors(backend: Backend, wantResident: boolean): DeviceTensors {
  const resident = wantResident && backend.support.resident && typeof backend.upload === 'function';
  const tensors = new Map<string, Feed>();
  const owned = new Set<ResidentTensor>();
  const free = (t: Feed | undefined) => {
    if (!t || !isResident(t) || !owned.has(t)) return;
    owned.delete(t);
    backend.release?.(t);
  };
  const download = async (t: ResidentTensor, what: string): Promise<HostTensor> => {
    if (!backend.download) throw new GraphError(`backend ${backend.name}`, 'a resident tensor without download', `download for ${what}`);
    return backend.download(t);
  };
  return {
    resident,
    put: async (name, tensor) => {
      const feed = resident ? await backend.upload!(tensor) : tensor;
      free(tensors.get(name));
      if (isResident(feed)) owned.add(feed);
      tensors.set(name, feed);
    },
    get: (name) => {
      const t = tensors.get(name);
      if (!t) throw new GraphError('training state', name, 'a tensor the run holds');
      return t;
    },
    swap: (name, next) => {
      if (next === undefined) throw new GraphError(`run output for ${name}`, next, 'a tensor (the backend returned no value)');
      const old = tensors.get(name);
      if (isResident(next)) owned.add(next);
      tensors.set(name, next);
      if (old !== next) free(old);
    },
    host: async (name) => {
      const t = tensors.get(name);
      if (!t) throw new GraphError('training state', name, 'a tensor the run holds');
      return isResident(t) ? download(t, name) : t;
    },
    take: async (feed) => {
      if (!isResident(feed)) return feed;
      owned.add(feed);
      try {
        return await download(feed, 'an output');
      } finally {
        free(feed);
      }
    },
    releaseAll: () => {
      // Every handle gets its release even if one throws; the first error is reported after.
      let failure: unknown;
      for (const t of owned) {
        try {
          backend.release?.(t);
        } catch (error) {
          failure ??= error;
        }
      }
      owned.clear();
      tensors.clear();
      if (failure !== undefined) throw failure;
    },
  };
}
