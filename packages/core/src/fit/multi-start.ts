/**
 * Minimize the fitting objective from many starting points with L-BFGS and keep the lowest optimum —
 * Chinchilla's defence against local minima — in two phases, because with Huber δ = 1e-3 most
 * residuals sit on the loss's linear arms and the last digits of an optimum cost hundreds of
 * iterations that a losing start does not deserve:
 *
 *   1. screen: every start runs at most SCREEN_ITERATIONS iterations;
 *   2. finish: the FINALISTS lowest screened points continue to convergence (maxIterations);
 *      the best finished one wins.
 *
 * A start that is not a finalist was already ≥ the finalists' objective after screening; the
 * diagnostics report how many starts there were, which won, and whether the winner converged.
 * Not the choice of starts (start-grid.ts) and not the objective (objective.ts).
 */
import { lbfgs, type LbfgsResult } from './lbfgs.js';
import { type Design, huberObjective } from './objective.js';
import type { ParameterLayout } from './parameter-layout.js';

export const SCREEN_ITERATIONS = 60;
export const FINALISTS = 4;
/** Relative decrease of J below which L-BFGS stops: far below the bootstrap's spread, and scale-free (J is O(1e-3)). */
export const RELATIVE_TOLERANCE = 1e-10;

export interface MultiStartOptions {
  readonly huberDelta: number;
  readonly maxIterations: number;
  /** Per-row weights (bootstrap counts, or 0 for a held-out fold). */
  readonly weights?: Float64Array;
}

export interface MultiStartResult {
  readonly best: LbfgsResult;
  /** Index into the starts that produced `best`. */
  readonly winner: number;
  readonly starts: number;
  /** Finalists (including starts that converged while screening) that met the convergence test. */
  readonly converged: number;
  readonly finalists: number;
}

/** Returns undefined when no start reached a finite objective. */
export function multiStart(layout: ParameterLayout, design: Design, starts: readonly Float64Array[], o: MultiStartOptions): MultiStartResult | undefined {
  const objective = huberObjective(layout, design, { huberDelta: o.huberDelta, ...(o.weights ? { weights: o.weights } : {}) });
  const screened = starts
    .map((x0, start) => ({ start, result: lbfgs(objective, x0, { maxIterations: Math.min(SCREEN_ITERATIONS, o.maxIterations), relativeTolerance: RELATIVE_TOLERANCE }) }))
    .filter((s) => Number.isFinite(s.result.value))
    .sort((p, q) => p.result.value - q.result.value || p.start - q.start);
  const finalists = screened.slice(0, FINALISTS).map(({ start, result }) => {
    if (result.converged || result.iterations >= o.maxIterations) return { start, result };
    const more = lbfgs(objective, result.x, { maxIterations: o.maxIterations - result.iterations, relativeTolerance: RELATIVE_TOLERANCE });
    return { start, result: { ...more, iterations: result.iterations + more.iterations, evaluations: result.evaluations + more.evaluations } };
  });
  let best: (typeof finalists)[number] | undefined;
  for (const f of finalists) {
    // Lower objective wins; among equal ones (to rounding) a converged run, then the earlier start.
    if (!best || f.result.value < best.result.value || (f.result.value === best.result.value && f.result.converged && !best.result.converged)) best = f;
  }
  if (!best) return undefined;
  return { best: best.result, winner: best.start, starts: starts.length, converged: finalists.filter((f) => f.result.converged).length, finalists: finalists.length };
}
