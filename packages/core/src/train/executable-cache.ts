/**
 * The trainer's compiled executables, by key (what graph, at which shape), bounded: at most `limit`
 * are kept, and compiling one more evicts and disposes the least recently used. Per-batch shapes
 * (bucketed batches of varying Tq, Tp) and GradCache's several graphs per shape would otherwise
 * grow without bound over a run; a shape evicted and seen again is compiled again (correct, only
 * slower — a `compile` event says so). Each entry also carries the FLOP its graph performs
 * (`countGraphFlops`, counted once at compile), which the trainer reports per step beside the meter.
 *
 * Not a backend cache (a backend may cache more itself) and not shared between runs: the trainer
 * disposes everything in its `finally`.
 */
import type { Backend, Executable } from '../engine/backend.js';
import { countGraphFlops } from '../engine/flops.js';
import type { Graph } from '../engine/graph.js';

export interface CachedExecutable {
  readonly exe: Executable;
  /** FLOP one run of the graph performs (engine/flops.ts conventions). */
  readonly graphFlop: number;
}

export interface ExecutableCache {
  /** The executable under `key`, compiling `build()` if absent; `compiledSeconds` is set when it was compiled now. */
  get(key: string, build: () => Graph): Promise<{ readonly entry: CachedExecutable; readonly compiledSeconds: number | undefined }>;
  readonly size: number;
  /** Executables compiled so far (evicted ones recompiled count again). */
  readonly compiles: number;
  disposeAll(): void;
}

export function executableCache(backend: Backend, limit: number): ExecutableCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  const entries = new Map<string, CachedExecutable>();
  let compiles = 0;
  return {
    get: async (key, build) => {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return { entry: hit, compiledSeconds: undefined };
      }
      const started = performance.now();
      const graph = build();
      const exe = await backend.compile(graph);
      const entry = { exe, graphFlop: countGraphFlops(graph).total };
      compiles += 1;
      while (entries.size >= limit) {
        const [oldest, old] = entries.entries().next().value!;
        entries.delete(oldest);
        old.exe.dispose();
      }
      entries.set(key, entry);
      return { entry, compiledSeconds: (performance.now() - started) / 1000 };
    },
    get size() {
      return entries.size;
    },
    get compiles() {
      return compiles;
    },
    disposeAll: () => {
      for (const { exe } of entries.values()) exe.dispose();
      entries.clear();
    },
  };
}
