/**
 * L-BFGS: a dependency-free limited-memory quasi-Newton minimizer for smooth objectives with
 * analytic gradients (Nocedal & Wright, Numerical Optimization, 2nd ed.: Algorithm 7.4, the
 * two-loop recursion, and Algorithms 3.5/3.6, a line search that satisfies the strong Wolfe conditions
 *
 *   f(x + t·p) ≤ f(x) + c1·t·∇f(x)ᵀp              (sufficient decrease)
 *   |∇f(x + t·p)ᵀp| ≤ c2·|∇f(x)ᵀp|                 (curvature)
 *
 * with c1 = 1e-4, c2 = 0.9). Written for the scaling-law fitter (a few dozen parameters, objectives
 * far below 1), so every tolerance is either relative or explicitly tiny. Not a general optimization
 * library: no bounds, no constraints, no numerical gradients.
 */

/** Writes ∇f(x) into `gradient` and returns f(x). */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Correction pairs kept (m). */
  readonly memory?: number;
  readonly maxIterations?: number;
  /** Stop when ‖∇f‖∞ ≤ this. Absolute, because the fitter's objective is O(1e-3) at its optimum. */
  readonly gradientTolerance?: number;
  /** Stop when (f_prev − f) ≤ this · max(|f_prev|, |f|, 1e-300): no relative progress left. */
  readonly relativeTolerance?: number;
}

export type LbfgsStop =
  /** ‖∇f‖∞ fell below gradientTolerance. */
  | 'gradient'
  /** The relative decrease of f fell below relativeTolerance. */
  | 'relative-reduction'
  | 'max-iterations'
  /** No step satisfying the Wolfe conditions was found even along steepest descent. */
  | 'line-search-failed'
  /** f or ∇f was not finite at the start. */
  | 'non-finite';

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  /** ‖∇f(x)‖∞ at the returned point. */
  readonly gradientNorm: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** True for `gradient` and `relative-reduction`. */
  readonly converged: boolean;
  readonly stop: LbfgsStop;
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_SEARCH = 40;

export function lbfgs(f: Objective, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const gtol = options.gradientTolerance ?? 1e-10;
  const rtol = options.relativeTolerance ?? 1e-13;
  const n = x0.length;

  let evaluations = 0;
  const evaluate = (x: Float64Array, g: Float64Array) => {
    evaluations++;
    return f(x, g);
  };

  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let fx = evaluate(x, g);
  const done = (stop: LbfgsStop, iterations: number): LbfgsResult => ({
    x,
    value: fx,
    gradientNorm: normInf(g),
    iterations,
    evaluations,
    converged: stop === 'gradient' || stop === 'relative-reduction',
    stop,
  });
  if (!Number.isFinite(fx) || !g.every(Number.isFinite)) return done('non-finite', 0);
  if (normInf(g) <= gtol) return done('gradient', 0);

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const RHO: number[] = [];
  const alphas = new Float64Array(m);
  const p = new Float64Array(n);

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    direction(p, g, S, Y, RHO, alphas);
    let slope = dot(g, p);
    let fresh = S.length === 0;
    if (!(slope < 0)) {
      // The curvature memory produced an ascent direction (possible on non-convex objectives): forget it.
      S.length = Y.length = RHO.length = 0;
      direction(p, g, S, Y, RHO, alphas);
      slope = dot(g, p);
      fresh = true;
    }
    // Without curvature information the first trial step has unit length in x (N&W §7.2).
    const t0 = fresh ? Math.min(1, 1 / normInf(g)) : 1;
    let step = lineSearch(evaluate, x, fx, g, p, slope, t0);
    if (!step && !fresh) {
      S.length = Y.length = RHO.length = 0;
      direction(p, g, S, Y, RHO, alphas);
      step = lineSearch(evaluate, x, fx, g, p, dot(g, p), Math.min(1, 1 / normInf(g)));
    }
    if (!step) return done('line-search-failed', iteration);

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = step.x[i]! - x[i]!;
      y[i] = step.g[i]! - g[i]!;
    }
    const fPrev = fx;
    x = step.x;
    g = step.g;
    fx = step.f;

    const sy = dot(s, y);
    // Keep the pair only when it carries positive curvature, so the implicit inverse Hessian stays positive definite.
    if (sy > 1e-300 * Math.max(1, dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        RHO.shift();
      }
      S.push(s);
      Y.push(y);
      RHO.push(1 / sy);
    }
    if (normInf(g) <= gtol) return done('gradient', iteration);
    if (fPrev - fx <= rtol * Math.max(Math.abs(fPrev), Math.abs(fx), 1e-300)) return done('relative-reduction', iteration);
  }
  return done('max-iterations', maxIterations);
}

/** p = −H·g by the two-loop recursion, with H₀ = (sᵀy / yᵀy)·I from the newest pair (N&W eq. 7.20). */
function direction(p: Float64Array, g: Float64Array, S: Float64Array[], Y: Float64Array[], RHO: number[], alphas: Float64Array): void {
  const k = S.length;
  for (let i = 0; i < p.length; i++) p[i] = -g[i]!;
  for (let j = k - 1; j >= 0; j--) {
    const a = RHO[j]! * dot(S[j]!, p);
    alphas[j] = a;
    axpy(-a, Y[j]!, p);
  }
  if (k > 0) {
    const gamma = 1 / (RHO[k - 1]! * dot(Y[k - 1]!, Y[k - 1]!));
    for (let i = 0; i < p.length; i++) p[i]! *= gamma;
  }
  for (let j = 0; j < k; j++) {
    const b = RHO[j]! * dot(Y[j]!, p);
    axpy(alphas[j]! - b, S[j]!, p);
  }
}

interface Point {
  readonly t: number;
  readonly f: number;
  /** Directional derivative ∇f(x + t·p)ᵀp. */
  readonly d: number;
  readonly x: Float64Array;
  readonly g: Float64Array;
}

/**
 * Strong-Wolfe line search (N&W Algorithm 3.5): grow the step until it brackets an acceptable one,
 * then `zoom` (Algorithm 3.6) by safeguarded cubic interpolation. Returns undefined when no acceptable
 * step is found within MAX_LINE_SEARCH evaluations.
 */
function lineSearch(
  evaluate: (x: Float64Array, g: Float64Array) => number,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  p: Float64Array,
  d0: number,
  t0: number,
): { x: Float64Array; g: Float64Array; f: number } | undefined {
  if (!(d0 < 0)) return undefined;
  const at = (t: number): Point => {
    const xt = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) xt[i] = x[i]! + t * p[i]!;
    const gt = new Float64Array(x.length);
    const ft = evaluate(xt, gt);
    // A non-finite value is treated as "too far": the bracket shrinks toward the finite side.
    if (!Number.isFinite(ft) || !gt.every(Number.isFinite)) return { t, f: Infinity, d: Infinity, x: xt, g: gt };
    return { t, f: ft, d: dot(gt, p), x: xt, g: gt };
  };
  const origin: Point = { t: 0, f: f0, d: d0, x, g: g0 };
  const accept = (q: Point) => ({ x: q.x, g: q.g, f: q.f });

  let previous = origin;
  let t = t0;
  for (let i = 0; i < MAX_LINE_SEARCH; i++) {
    const current = at(t);
    if (current.f > f0 + C1 * t * d0 || (i > 0 && current.f >= previous.f)) {
      return zoom(at, f0, d0, previous, current, MAX_LINE_SEARCH - i, accept);
    }
    if (Math.abs(current.d) <= -C2 * d0) return accept(current);
    if (current.d >= 0) return zoom(at, f0, d0, current, previous, MAX_LINE_SEARCH - i, accept);
    previous = current;
    t *= 4;
  }
  return undefined;
}

function zoom<R>(at: (t: number) => Point, f0: number, d0: number, lo: Point, hi: Point, budget: number, accept: (q: Point) => R): R | undefined {
  for (let i = 0; i < budget; i++) {
    const t = interpolate(lo, hi);
    const q = at(t);
    if (q.f > f0 + C1 * t * d0 || q.f >= lo.f) {
      hi = q;
    } else {
      if (Math.abs(q.d) <= -C2 * d0) return accept(q);
      if (q.d * (hi.t - lo.t) >= 0) hi = lo;
      lo = q;
    }
    // The bracket has collapsed to rounding: take the best point if it decreased f at all.
    if (Math.abs(hi.t - lo.t) <= 1e-16 * Math.max(1, Math.abs(lo.t))) break;
  }
  return lo.t > 0 && lo.f < f0 ? accept(lo) : undefined;
}

/** Minimizer of the cubic through (lo, hi) with their slopes, kept inside the middle 80% of the bracket. */
function interpolate(lo: Point, hi: Point): number {
  const a = Math.min(lo.t, hi.t);
  const b = Math.max(lo.t, hi.t);
  const w = b - a;
  let t = (lo.t + hi.t) / 2;
  if (Number.isFinite(hi.f) && Number.isFinite(hi.d)) {
    const d1 = lo.d + hi.d - (3 * (lo.f - hi.f)) / (lo.t - hi.t);
    const disc = d1 * d1 - lo.d * hi.d;
    if (disc >= 0) {
      const d2 = Math.sign(hi.t - lo.t) * Math.sqrt(disc);
      const c = hi.t - (hi.t - lo.t) * ((hi.d + d2 - d1) / (hi.d - lo.d + 2 * d2));
      if (Number.isFinite(c)) t = c;
    }
  }
  return Math.min(b - 0.1 * w, Math.max(a + 0.1 * w, t));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
