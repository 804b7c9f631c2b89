/**
 * The fitting objective, after Hoffmann et al. (2022, Approach 3) as replicated by Besiroglu et al.
 * (2024, Epoch AI): the capacity law's prediction in log space by log-sum-exp of its terms,
 *
 *   log L̂ = LSE( e,  a_c − α·x_N,  b_c,m − β_m·x_D,  g_c,m − δ·x_N + log h₀ − ρ·log r )
 *           x_N = log N − log N₀,  x_D = log D − log D₀  (parameter-layout.ts explains the centring;
 *           the last term is absent for full fine-tuning, log h₀ is the freeze fraction, log r LoRA's)
 *
 * and the robust loss on log residuals, SUMMED over runs (Epoch showed that averaging shrinks the
 * objective until an optimizer's default tolerances stop it early):
 *
 *   J(θ) = Σ_i w_i · Huber_δ(log L̂_i − log L_i),   Huber_δ(r) = r²/2 if |r| ≤ δ, else δ·(|r| − δ/2)
 *
 * with δ = 1e-3 by default and weights w_i = 1 (bootstrap replicates and cross-validation folds use
 * integer weights instead of copying data). The gradient is analytic: ∂LSE/∂t_j is the softmax weight
 * of term j. Not the optimizer (lbfgs.ts) and not the choice of coefficients (parameter-layout.ts).
 */
import type { LawQuery } from '../laws/law.js';
import { parameterCounts } from '../catalog/parameter-counts.js';
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { FineTuningMethod, MethodKind } from '../methods/method.js';
import type { Objective } from './lbfgs.js';
import type { Observation } from './ledger.js';
import { type ParameterLayout, type Slot, slotValue } from './parameter-layout.js';

export const DEFAULT_HUBER_DELTA = 1e-3;

/** The runs as the objective sees them: centred logs and per-row method codes, in flat arrays. */
export interface Design {
  readonly n: number;
  readonly kinds: readonly MethodKind[];
  readonly xN: Float64Array;
  readonly xD: Float64Array;
  /** log h without the rank part: log((L − k + 1)/(L + 1)) for freeze, 0 otherwise. */
  readonly logH0: Float64Array;
  /** log r for LoRA, 0 otherwise. */
  readonly logRank: Float64Array;
  /** log of the observed loss. */
  readonly y: Float64Array;
}

interface Row {
  readonly kind: MethodKind;
  readonly xN: number;
  readonly xD: number;
  readonly logH0: number;
  readonly logRank: number;
}

function rowOf(layout: ParameterLayout, model: ModelArchitecture, method: FineTuningMethod, tokens: number): Row {
  const xN = Math.log(parameterCounts(model).nonEmbedding) - layout.logN0;
  const xD = Math.log(tokens) - layout.logD0;
  const logH0 = method.kind === 'freeze' ? Math.log((model.numLayers - method.trainableBlocks + 1) / (model.numLayers + 1)) : 0;
  const logRank = method.kind === 'lora' ? Math.log(method.rank) : 0;
  return { kind: method.kind, xN, xD, logH0, logRank };
}

export function designFor(layout: ParameterLayout, observations: readonly Observation[]): Design {
  const n = observations.length;
  const d: Design = {
    n,
    kinds: observations.map((o) => o.method.kind),
    xN: new Float64Array(n),
    xD: new Float64Array(n),
    logH0: new Float64Array(n),
    logRank: new Float64Array(n),
    y: new Float64Array(n),
  };
  observations.forEach((o, i) => {
    const r = rowOf(layout, o.model, o.method, o.tokens);
    d.xN[i] = r.xN;
    d.xD[i] = r.xD;
    d.logH0[i] = r.logH0;
    d.logRank[i] = r.logRank;
    d.y[i] = Math.log(o.loss);
  });
  return d;
}

/** The four term values t_j for one row (t₃ = −∞ for full fine-tuning). */
function termsInto(layout: ParameterLayout, theta: ArrayLike<number>, r: Row, t: Float64Array): void {
  const b = layout.b[r.kind];
  const beta = layout.beta[r.kind];
  if (!b || !beta) throw new RangeError(`no data term for ${r.kind}`);
  t[0] = slotValue(layout.e, theta);
  t[1] = slotValue(layout.a, theta) - slotValue(layout.alpha, theta) * r.xN;
  t[2] = slotValue(b, theta) - slotValue(beta, theta) * r.xD;
  if (r.kind === 'full') {
    t[3] = -Infinity;
  } else {
    const g = layout.g[r.kind];
    if (!g) throw new RangeError(`no penalty term for ${r.kind}`);
    t[3] = slotValue(g, theta) - slotValue(layout.delta, theta) * r.xN + r.logH0 - slotValue(layout.rho, theta) * r.logRank;
  }
}

/** log-sum-exp of t, and the softmax weights written back into t. */
function lseSoftmax(t: Float64Array): number {
  let m = -Infinity;
  for (const v of t) if (v > m) m = v;
  let s = 0;
  for (let j = 0; j < t.length; j++) {
    t[j] = Math.exp(t[j]! - m);
    s += t[j]!;
  }
  for (let j = 0; j < t.length; j++) t[j] = t[j]! / s;
  return m + Math.log(s);
}

/** log L̂ for a query under θ. Throws RangeError for a method the layout has no terms for. */
export function logPredict(layout: ParameterLayout, theta: ArrayLike<number>, query: LawQuery): number {
  const t = new Float64Array(4);
  termsInto(layout, theta, rowOf(layout, query.model, query.method, query.tokens), t);
  return lseSoftmax(t);
}

/** log L̂_i for every row of a design. */
export function logPredictDesign(layout: ParameterLayout, theta: ArrayLike<number>, d: Design): Float64Array {
  const out = new Float64Array(d.n);
  const t = new Float64Array(4);
  for (let i = 0; i < d.n; i++) {
    termsInto(layout, theta, { kind: d.kinds[i]!, xN: d.xN[i]!, xD: d.xD[i]!, logH0: d.logH0[i]!, logRank: d.logRank[i]! }, t);
    out[i] = lseSoftmax(t);
  }
  return out;
}

export function huber(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/**
 * J(θ) and its analytic gradient, for L-BFGS. `weights` (one per row, ≥ 0) default to 1.
 * This is the fitter's hot loop (starts × iterations × runs), so it works on scalars and
 * precomputed per-row indices into θ instead of the readable helpers above.
 */
export function huberObjective(layout: ParameterLayout, d: Design, options: { huberDelta?: number; weights?: Float64Array } = {}): Objective {
  const hd = options.huberDelta ?? DEFAULT_HUBER_DELTA;
  const weights = options.weights;
  const n = d.n;
  // Per-row θ indices of the method's own coefficients (always free); −1: the row has no penalty term.
  const bIndex = new Int32Array(n);
  const betaIndex = new Int32Array(n);
  const gIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = d.kinds[i]!;
    const b = layout.b[k];
    const beta = layout.beta[k];
    if (!b?.free || !beta?.free) throw new RangeError(`no data term for ${k}`);
    bIndex[i] = b.index;
    betaIndex[i] = beta.index;
    const g = k === 'full' ? undefined : layout.g[k];
    if (k !== 'full' && !g?.free) throw new RangeError(`no penalty term for ${k}`);
    gIndex[i] = g?.free ? g.index : -1;
  }
  const idx = (s: Slot) => (s.free ? s.index : -1);
  const [eI, aI, alphaI, deltaI, rhoI] = [layout.e, layout.a, layout.alpha, layout.delta, layout.rho].map(idx) as [number, number, number, number, number];
  const { xN, xD, logH0, logRank, y } = d;

  return (theta, grad) => {
    grad.fill(0);
    const e = slotValue(layout.e, theta);
    const a = slotValue(layout.a, theta);
    const alpha = slotValue(layout.alpha, theta);
    const delta = slotValue(layout.delta, theta);
    const rho = slotValue(layout.rho, theta);
    let ge = 0;
    let ga = 0;
    let galpha = 0;
    let gdelta = 0;
    let grho = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i]! : 1;
      if (w === 0) continue;
      const x = xN[i]!;
      const z = xD[i]!;
      const bi = bIndex[i]!;
      const betai = betaIndex[i]!;
      const gi = gIndex[i]!;
      const t0 = e;
      const t1 = a - alpha * x;
      const t2 = theta[bi]! - theta[betai]! * z;
      const t3 = gi >= 0 ? theta[gi]! - delta * x + logH0[i]! - rho * logRank[i]! : -Infinity;
      const m = Math.max(t0, t1, t2, t3);
      const p0 = Math.exp(t0 - m);
      const p1 = Math.exp(t1 - m);
      const p2 = Math.exp(t2 - m);
      const p3 = gi >= 0 ? Math.exp(t3 - m) : 0;
      const s = p0 + p1 + p2 + p3;
      const r = m + Math.log(s) - y[i]!;
      const ar = Math.abs(r);
      let slope: number;
      if (ar <= hd) {
        total += w * 0.5 * r * r;
        slope = r;
      } else {
        total += w * hd * (ar - 0.5 * hd);
        slope = r > 0 ? hd : -hd;
      }
      const c = (w * slope) / s;
      ge += c * p0;
      ga += c * p1;
      galpha -= c * p1 * x;
      grad[bi] = grad[bi]! + c * p2;
      grad[betai] = grad[betai]! - c * p2 * z;
      if (gi >= 0) {
        const c3 = c * p3;
        grad[gi] = grad[gi]! + c3;
        gdelta -= c3 * x;
        grho -= c3 * logRank[i]!;
      }
    }
    if (eI >= 0) grad[eI] = grad[eI]! + ge;
    if (aI >= 0) grad[aI] = grad[aI]! + ga;
    if (alphaI >= 0) grad[alphaI] = grad[alphaI]! + galpha;
    if (deltaI >= 0) grad[deltaI] = grad[deltaI]! + gdelta;
    if (rhoI >= 0) grad[rhoI] = grad[rhoI]! + grho;
    return total;
  };
}
