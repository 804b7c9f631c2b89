/**
 * From the optimizer's centred log-space θ back to the capacity law's coefficients, in the form the
 * rest of the library uses (laws/capacity-law.ts):
 *
 *   E = exp(e),  A = exp(a_c + α·log N₀),  B_m = exp(b_c,m + β_m·log D₀),  G_m = exp(g_c,m + δ·log N₀)
 *
 * Only methods present in the fit appear. Not a law: fitted-law.ts builds the ScalingLaw.
 */
import { ValidationError } from '../errors.js';
import type { CapacityLawCoefficients, DataTerm } from '../laws/capacity-law.js';
import type { MethodKind } from '../methods/method.js';
import { type ParameterLayout, type PenaltyKind, slotValue } from './parameter-layout.js';

/**
 * The capacity law's coefficients for the methods in the fit: δ is present when a restricted method
 * is in the data, ρ when LoRA is, and data/penalty terms only for the methods fitted.
 */
export type FittedCoefficients = CapacityLawCoefficients;

export function coefficientsOf(layout: ParameterLayout, theta: ArrayLike<number>): FittedCoefficients {
  const v = (s: Parameters<typeof slotValue>[0]) => slotValue(s, theta);
  const alpha = v(layout.alpha);
  const delta = v(layout.delta);
  const data: Partial<Record<MethodKind, DataTerm>> = {};
  for (const k of layout.methods) {
    const beta = v(layout.beta[k]!);
    data[k] = { B: Math.exp(v(layout.b[k]!) + beta * layout.logD0), beta };
  }
  const penalty: Partial<Record<PenaltyKind, number>> = {};
  for (const [k, s] of Object.entries(layout.g) as [PenaltyKind, NonNullable<ParameterLayout['g'][PenaltyKind]>][]) {
    penalty[k] = Math.exp(v(s) + delta * layout.logN0);
  }
  const restricted = Object.keys(penalty).length > 0;
  return {
    E: Math.exp(v(layout.e)),
    A: Math.exp(v(layout.a) + alpha * layout.logN0),
    alpha,
    ...(restricted ? { delta } : {}),
    ...(layout.methods.includes('lora') ? { rho: v(layout.rho) } : {}),
    data,
    penalty,
  };
}

/** Coefficients as a flat name → value list (`E`, `A`, `alpha`, `B.full`, `beta.full`, `G.lora`, …), for intervals and tables. */
export function flattenCoefficients(c: FittedCoefficients): Record<string, number> {
  if (c === null || typeof c !== 'object' || c.data === null || typeof c.data !== 'object' || c.penalty === null || typeof c.penalty !== 'object') {
    throw new ValidationError('coefficients', c, 'capacity-law coefficients { E, A, alpha, data, penalty, delta?, rho? }');
  }
  const flat: Record<string, number> = { E: c.E, A: c.A, alpha: c.alpha };
  if (c.delta !== undefined) flat['delta'] = c.delta;
  if (c.rho !== undefined) flat['rho'] = c.rho;
  for (const [k, d] of Object.entries(c.data)) {
    flat[`B.${k}`] = d.B;
    flat[`beta.${k}`] = d.beta;
  }
  for (const [k, g] of Object.entries(c.penalty)) flat[`G.${k}`] = g;
  return flat;
}

/**
 * The inverse of `coefficientsOf` for a layout's free entries: θ that reproduces `c` under `layout`'s
 * centring. Used to warm-start a refit on a subset of the runs (a cross-validation fold) whose layout
 * may centre differently. Coefficients the layout fixes are left as the layout fixes them.
 */
export function thetaFromCoefficients(layout: ParameterLayout, c: FittedCoefficients): Float64Array {
  const theta = new Float64Array(layout.names.length);
  const set = (s: Parameters<typeof slotValue>[0] | undefined, value: number) => {
    if (s?.free && Number.isFinite(value)) theta[s.index] = value;
  };
  set(layout.e, Math.log(c.E));
  set(layout.alpha, c.alpha);
  const alpha = layout.alpha.free ? c.alpha : layout.alpha.value;
  set(layout.a, Math.log(c.A) - alpha * layout.logN0);
  const delta = layout.delta.free ? (c.delta ?? 0) : layout.delta.value;
  set(layout.delta, c.delta ?? 0);
  set(layout.rho, c.rho ?? 0);
  for (const k of layout.methods) {
    const d = c.data[k];
    if (!d) continue;
    set(layout.beta[k], d.beta);
    set(layout.b[k], Math.log(d.B) - d.beta * layout.logD0);
  }
  for (const [k, s] of Object.entries(layout.g) as [PenaltyKind, NonNullable<ParameterLayout['g'][PenaltyKind]>][]) {
    const g = c.penalty[k];
    if (g !== undefined) set(s, Math.log(g) - delta * layout.logN0);
  }
  return theta;
}
