/**
 * Finite-difference gradient checking: compares what `grad` produces with central differences of the
 * loss, element by element — on a synchronous runner (`gradCheck`, the reference backend's
 * `compileSync`) or on any Backend (`gradCheckOn`, async; the conformance suite uses it). The
 * error reported per input is ‖g − fd‖∞ / max(‖g‖∞, ‖fd‖∞) — relative to the gradient's scale, so
 * elements whose true gradient is ~0 do not divide by ~0. Meant for f64 graphs; in f32 the
 * differences drown in rounding. Not a test by itself: callers decide the tolerance.
 */
import type { Backend } from './backend.js';
import { grad, gradOutputName } from './grad.js';
import type { Graph } from './graph.js';
import { type HostTensor, hostTensor } from './host-tensor.js';

export type SyncRunner = (graph: Graph) => (feeds: Readonly<Record<string, HostTensor>>) => Record<string, HostTensor>;

export interface GradCheckResult {
  readonly input: string;
  /** ‖g − fd‖∞ / max(‖g‖∞, ‖fd‖∞); 0 when both are exactly zero. */
  readonly relativeError: number;
  /** ‖fd‖∞, so a caller can insist the check was not trivially zero. */
  readonly scale: number;
  readonly analytic: Float64Array;
  readonly numeric: Float64Array;
}

export interface GradCheckOptions {
  readonly loss: string;
  readonly wrt: readonly string[];
  /** Central-difference step; default 1e-5 (meant for f64). */
  readonly step?: number;
}

export function gradCheck(compile: SyncRunner, graph: Graph, feeds: Readonly<Record<string, HostTensor>>, options: GradCheckOptions): GradCheckResult[] {
  const step = options.step ?? 1e-5;
  const forward = compile(graph);
  const analytic = compile(grad(graph, { loss: options.loss, wrt: options.wrt }))(feeds);
  const lossAt = (changed: Record<string, HostTensor>) => forward({ ...feeds, ...changed })[options.loss]!.data[0]!;
  return options.wrt.map((name) => {
    const x = feeds[name]!;
    const fd = new Float64Array(x.data.length);
    for (let i = 0; i < x.data.length; i++) fd[i] = (lossAt({ [name]: nudged(x, i, step) }) - lossAt({ [name]: nudged(x, i, -step) })) / (2 * step);
    return compare(name, Float64Array.from(analytic[gradOutputName(name)]!.data), fd);
  });
}

/** `gradCheck` on any backend: the forward and the gradient graph compiled once each, then run. */
export async function gradCheckOn(backend: Backend, graph: Graph, feeds: Readonly<Record<string, HostTensor>>, options: GradCheckOptions): Promise<GradCheckResult[]> {
  const step = options.step ?? 1e-5;
  const forward = await backend.compile(graph);
  const backward = await backend.compile(grad(graph, { loss: options.loss, wrt: options.wrt }));
  try {
    const analytic = await backward.run(feeds);
    const lossAt = async (changed: Record<string, HostTensor>) => (await forward.run({ ...feeds, ...changed }, { outputs: [options.loss] }))[options.loss] as HostTensor;
    const results: GradCheckResult[] = [];
    for (const name of options.wrt) {
      const x = feeds[name]!;
      const fd = new Float64Array(x.data.length);
      for (let i = 0; i < x.data.length; i++) {
        const plus = (await lossAt({ [name]: nudged(x, i, step) })).data[0]!;
        const minus = (await lossAt({ [name]: nudged(x, i, -step) })).data[0]!;
        fd[i] = (plus - minus) / (2 * step);
      }
      results.push(compare(name, Float64Array.from(analytic[gradOutputName(name)]!.data), fd));
    }
    return results;
  } finally {
    forward.dispose();
    backward.dispose();
  }
}

function nudged(x: HostTensor, i: number, by: number): HostTensor {
  const t = hostTensor(x.dtype, x.shape, x.data);
  t.data[i] = x.data[i]! + by;
  return t;
}

function compare(name: string, g: Float64Array, fd: Float64Array): GradCheckResult {
  {
    let diff = 0;
    let gMax = 0;
    let fdMax = 0;
    for (let i = 0; i < fd.length; i++) {
      diff = Math.max(diff, Math.abs(g[i]! - fd[i]!));
      gMax = Math.max(gMax, Math.abs(g[i]!));
      fdMax = Math.max(fdMax, Math.abs(fd[i]!));
    }
    const denominator = Math.max(gMax, fdMax);
    return { input: name, relativeError: denominator === 0 ? 0 : diff / denominator, scale: fdMax, analytic: g, numeric: fd };
  }
}
