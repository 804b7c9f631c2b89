/**
 * Test helper: synthetic ledgers drawn from a known law, as a planner would have run them — for each
 * budget, every candidate (model × method) of a search space trained on as many pairs as the budget
 * pays for — with multiplicative log-normal noise, loss × exp(σ·z), from a seeded PRNG.
 * The truth is known, so recovery and coverage can be measured. Not shipped.
 */
import { PYTHIA } from '../catalog/pythia.js';
import type { ScalingLaw } from '../laws/law.js';
import { createPlanner, type PlanOptions } from '../recipe/planner.js';
import type { ObservationInput } from './ledger.js';
import { seededPrng } from './seeded-prng.js';

export const PAPER_BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18] as const;

export interface SyntheticOptions {
  readonly law: ScalingLaw;
  readonly budgets?: readonly number[];
  readonly models?: readonly string[];
  readonly methods?: PlanOptions['methods'];
  /** σ of the log-normal noise. */
  readonly noise: number;
  readonly seed: number;
}

export function syntheticLedger(o: SyntheticOptions): ObservationInput[] {
  const planner = createPlanner({
    law: o.law,
    ...(o.models ? { models: [...o.models] } : {}),
    ...(o.methods ? { methods: o.methods } : {}),
  });
  const prng = seededPrng(o.seed);
  const out: ObservationInput[] = [];
  for (const budget of o.budgets ?? PAPER_BUDGETS) {
    for (const e of planner.evaluateAll(budget)) {
      const name = e.candidate.model.name;
      out.push({
        model: name in PYTHIA ? name : e.candidate.model,
        method: e.candidate.method,
        pairs: e.pairs,
        loss: e.loss * Math.exp(o.noise * prng.normal()),
        budget,
      });
    }
  }
  return out;
}
