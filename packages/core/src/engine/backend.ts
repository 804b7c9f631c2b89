/**
 * The backend contract. A backend compiles a Graph once per shape into an Executable and runs it on
 * host feeds. It declares what it supports — dtypes, which composites it runs fused — and the engine
 * decomposes the rest before compiling (`prepareForBackend`). Capabilities are declared, never faked:
 * a backend that cannot keep tensors resident says `resident: false` and has no upload.
 *
 * Deliberately small: no global registry, no device selection, no memory planner — those live in
 * each backend package. `run` is async because real devices are; the reference backend also runs
 * synchronously (`runSync`).
 */
import type { DType } from './dtype.js';
import type { Graph } from './graph.js';
import type { HostTensor } from './host-tensor.js';
import type { CompositeKind } from './ops.js';
import { decomposeUnclaimed } from './passes/decompose.js';
import { checkDTypes } from './passes/check-dtypes.js';
import { eliminateCommonSubexpressions } from './passes/cse.js';
import { eliminateDeadCode } from './passes/dce.js';

export interface BackendSupport {
  /** Dtypes the backend computes in; graphs in other dtypes are rejected at compile time. */
  readonly dtypes: readonly DType[];
  /** Composites run as one fused kernel; the others are decomposed before compile. */
  readonly composites: readonly CompositeKind[];
  /** Whether `upload` exists and feeds may be resident tensors (kept on the device between runs). */
  readonly resident: boolean;
}

/** A tensor kept on a backend's device. Opaque: only the backend that made it can read it. */
export interface ResidentTensor {
  readonly kind: 'resident';
  readonly backend: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export type Feed = HostTensor | ResidentTensor;

export interface Executable {
  /** The graph as compiled (after decomposition and dead-code elimination). */
  readonly graph: Graph;
  /** Feeds every graph input by id; returns every graph output by name. */
  run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor>>;
  dispose(): void;
}

export interface Backend {
  readonly name: string;
  readonly support: BackendSupport;
  compile(graph: Graph): Promise<Executable>;
  /** Present exactly when `support.resident` is true. */
  upload?(tensor: HostTensor): Promise<ResidentTensor>;
  download?(tensor: ResidentTensor): Promise<HostTensor>;
  dispose(): void;
}

/**
 * What every backend's compile starts with: decompose unclaimed composites, share common
 * subexpressions (so a decomposed attentionGrad reuses the forward's probabilities), drop dead
 * nodes, and reject any dtype the backend does not declare (passes/check-dtypes.ts).
 */
export function prepareForBackend(graph: Graph, support: Pick<BackendSupport, 'composites' | 'dtypes'>): Graph {
  const prepared = eliminateDeadCode(eliminateCommonSubexpressions(decomposeUnclaimed(graph, support.composites)));
  checkDTypes(prepared, support.dtypes);
  return prepared;
}
