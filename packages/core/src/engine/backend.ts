/**
 * The backend contract. A backend compiles a Graph once per shape into an Executable and runs it on
 * host feeds. It declares what it supports — dtypes, which composites it runs fused — and the engine
 * decomposes the rest before compiling (`prepareForBackend`). Capabilities are declared, never faked:
 * a backend that cannot keep tensors resident says `resident: false`, has no upload/download/release,
 * and returns host tensors. A resident backend lets a caller keep state (parameters, optimiser moments)
 * on the device: outputs that declare `updates` are the next values of their inputs, `run` returns
 * the chosen ones resident, and the caller swaps them in and releases the old ones.
 *
 * Deliberately small: no global registry, no device selection, no memory planner — those live in
 * each backend package. `run` is async because real devices are; the reference backend also runs
 * synchronously (`runSync`).
 */
import type { DType } from './dtype.js';
import { GraphError } from './errors.js';
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
  /**
   * Whether the backend keeps tensors on its device between runs: `upload`, `download` and `release`
   * exist, feeds may be resident tensors, and `run` returns the outputs named in `RunOptions.resident`
   * as resident tensors. A backend with `false` returns host tensors for every output, always.
   */
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

export function isResident(feed: Feed): feed is ResidentTensor {
  return (feed as ResidentTensor).kind === 'resident';
}

/** Which outputs a run returns, and which of those stay on the device. */
export interface RunOptions {
  /** Output names to return; default every output. Others may never be computed. */
  readonly outputs?: readonly string[];
  /**
   * Output names to return as resident tensors (each also in `outputs` when that is given). Ignored
   * by a backend with `support.resident: false`, which returns host tensors.
   */
  readonly resident?: readonly string[];
}

export interface Executable {
  /** The graph as compiled (after decomposition and dead-code elimination). */
  readonly graph: Graph;
  /**
   * Feeds every graph input by id; returns the chosen outputs by name (every output, as host tensors,
   * without options). Ownership: each resident tensor returned is new and the caller's to `release`.
   * A resident feed of an input that a returned resident output `updates` is donated: the backend may
   * have reused its storage for that output, so the caller must not feed it again — only release it.
   */
  run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor>>;
  run(feeds: Readonly<Record<string, Feed>>, options: RunOptions): Promise<Record<string, Feed>>;
  dispose(): void;
}

export interface Backend {
  readonly name: string;
  readonly support: BackendSupport;
  compile(graph: Graph): Promise<Executable>;
  /** Present exactly when `support.resident` is true: copy a host tensor to the device. */
  upload?(tensor: HostTensor): Promise<ResidentTensor>;
  /** Copy a resident tensor back; it stays resident (and the caller's to release). */
  download?(tensor: ResidentTensor): Promise<HostTensor>;
  /** Free a resident tensor. Releasing one twice, or one of another backend, throws. */
  release?(tensor: ResidentTensor): void;
  dispose(): void;
}

/**
 * The outputs a run returns and which of them stay resident, checked against the graph: every name
 * must be an output, and resident ones must be returned. Backends call it at the top of `run`.
 */
export function selectOutputs(graph: Graph, options: RunOptions = {}): { readonly outputs: readonly string[]; readonly resident: ReadonlySet<string> } {
  const names = new Set(graph.outputs.map((o) => o.name));
  const outputs = options.outputs ?? graph.outputs.map((o) => o.name);
  for (const name of outputs) if (!names.has(name)) throw new GraphError('run options.outputs', name, `an output of the graph (${[...names].join(', ')})`);
  const returned = new Set(outputs);
  for (const name of options.resident ?? []) if (!returned.has(name)) throw new GraphError('run options.resident', name, 'an output the run returns');
  return { outputs, resident: new Set(options.resident ?? []) };
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
