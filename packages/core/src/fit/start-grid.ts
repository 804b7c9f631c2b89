/**
 * The deterministic grid of starting points for the fit. Chinchilla (Hoffmann et al. 2022) and its
 * replication (Besiroglu et al. 2024) start L-BFGS from every point of a grid over (e, a, b, α, β) and
 * keep the best optimum, because the objective is not convex. Our θ is centred (parameter-layout.ts),
 * so the grid is over what a centred magnitude means — each term's share of the typical loss L̄ (the
 * geometric mean of the observed losses) at the reference size and data — and over the exponents:
 *
 *   E share        {0.2, 0.6}         (the rest split evenly between the model and data terms)
 *   α, β (all m)   {0.1, 0.3, 0.6}
 *   G share        {0.03, 0.3}        (restricted methods only)
 *   δ, ρ           {0.1, 0.5}         (each only when free)
 *
 * Not random: the same data always gives the same starts, in the same order.
 */
import type { Design } from './objective.js';
import type { ParameterLayout, Slot } from './parameter-layout.js';

export interface StartPoint {
  readonly eShare: number;
  readonly alpha: number;
  readonly beta: number;
  readonly gShare?: number;
  readonly delta?: number;
  readonly rho?: number;
}

const E_SHARES = [0.2, 0.6];
const EXPONENTS = [0.1, 0.3, 0.6];
const G_SHARES = [0.03, 0.3];
const DELTAS = [0.1, 0.5];
const RHOS = [0.1, 0.5];

export function startGrid(layout: ParameterLayout, design: Design): { points: StartPoint[]; thetas: Float64Array[] } {
  let sumY = 0;
  for (const y of design.y) sumY += y;
  const logLbar = sumY / design.n;
  const hasPenalty = Object.keys(layout.g).length > 0;
  const points: StartPoint[] = [];
  for (const eShare of E_SHARES)
    for (const alpha of layout.alpha.free ? EXPONENTS : [NaN])
      for (const beta of EXPONENTS)
        for (const gShare of hasPenalty ? G_SHARES : [undefined])
          for (const delta of layout.delta.free ? DELTAS : [undefined])
            for (const rho of layout.rho.free ? RHOS : [undefined]) {
              points.push({
                eShare,
                alpha,
                beta,
                ...(gShare !== undefined ? { gShare } : {}),
                ...(delta !== undefined ? { delta } : {}),
                ...(rho !== undefined ? { rho } : {}),
              });
            }
  const thetas = points.map((p) => {
    const theta = new Float64Array(layout.names.length);
    const set = (s: Slot | undefined, v: number) => {
      if (s?.free) theta[s.index] = v;
    };
    set(layout.e, logLbar + Math.log(p.eShare));
    set(layout.a, logLbar + Math.log((1 - p.eShare) / 2));
    set(layout.alpha, p.alpha);
    for (const k of layout.methods) {
      set(layout.b[k], logLbar + Math.log((1 - p.eShare) / 2));
      set(layout.beta[k], p.beta);
    }
    for (const s of Object.values(layout.g)) set(s, logLbar + Math.log(p.gShare ?? 0.1));
    set(layout.delta, p.delta ?? 0);
    set(layout.rho, p.rho ?? 0);
    return theta;
  });
  return { points, thetas };
}
