/**
 * Finite-difference gradient checking: compares what `grad` produces with central differences of the
 * loss, element by element, on any synchronous runner (the reference backend's `compileSync`). The
 * error reported per input is ‖g − fd‖∞ / max(‖g‖∞, ‖fd‖∞) — relative to the gradient's scale, so
 * elements whose true gradient is ~0 do not divide by ~0. Meant for f64 graphs; in f32 the
 * differences drown in rounding. Not a test by itself: callers decide the tolerance.
 */
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

export function gradCheck(
  compile: SyncRunner,
  graph: Graph,
  feeds: Readonly<Record<string, HostTensor>>,
  options: { loss: string; wrt: readonly string[]; step?: number },
): GradCheckResult[] {
  const step = options.step ?? 1e-5;
  const forward = compile(graph);
  const backward = compile(grad(graph, { loss: options.loss, wrt: options.wrt }));
  const analytic = backward(feeds);
  const lossAt = (changed: Record<string, HostTensor>) => forward({ ...feeds, ...changed })[options.loss]!.data[0]!;

  return options.wrt.map((name) => {
    const x = feeds[name]!;
    const g = Float64Array.from(analytic[gradOutputName(name)]!.data);
    const fd = new Float64Array(x.data.length);
    for (let i = 0; i < x.data.length; i++) {
      const plus = hostTensor(x.dtype, x.shape, x.data);
      const minus = hostTensor(x.dtype, x.shape, x.data);
      plus.data[i] = x.data[i]! + step;
      minus.data[i] = x.data[i]! - step;
      fd[i] = (lossAt({ [name]: plus }) - lossAt({ [name]: minus })) / (2 * step);
    }
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
  });
}
