/** Budgets, token counts and pair counts whose results would overflow or stop being whole numbers are refused, naming the limit. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { trainingFlops } from '../flops/training-flops.js';
import { pairsToSteps, pairsToTokens, tokensToPairs } from '../flops/units.js';
import { createPlanner } from '../recipe/planner.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { resolveBudget } from './budget.js';

describe('numeric limits', () => {
  it('refuses budgets that overflow, naming the limit', () => {
    expect(() => resolveBudget({ gpuHours: 1e300, gpu: 'H100' })).toThrow(/invalid budget\.gpuHours: expected a budget of at most 1e\+30 FLOP \(1e\+300 GPU-hours on H100 at MFU 0\.4 is Infinity FLOP\)/);
    expect(() => resolveBudget(1e31)).toThrow(/at most 1e\+30 FLOP/);
    expect(() => resolveBudget({ dollars: 1e308, pricePerGpuHour: 1e-300, gpu: 'H100' })).toThrow(ValidationError);
  });

  it('refuses token counts whose FLOP would overflow, and pair counts past 2^53', () => {
    expect(() => trainingFlops('pythia-14m', { kind: 'full' }, 1e308)).toThrow(/invalid tokens: expected at most 9.01e\+15 tokens \(2\^53 − 1\)/);
    expect(() => pairsToSteps(2 ** 60)).toThrow(/invalid pairs: expected at most 9.01e\+15 pairs \(2\^53 − 1/);
    expect(() => pairsToTokens(2 ** 52)).toThrow(/pairs × tokensPerPair/);
    expect(() => tokensToPairs(1e20)).toThrow(ValidationError);
  });

  it('refuses a budget that would buy more than 2^53 − 1 pairs, naming the largest it allows', () => {
    expect(() => optimalRecipe(1e29)).toThrow(/invalid budget: expected a budget under .* FLOP for this search: above it pythia-14m .* more than 2\^53 − 1 pairs/);
    // With a data cap the pair count stays whole, so the same budget plans.
    expect(optimalRecipe(1e29, { maxPairs: 1e9 }).pairs).toBeLessThanOrEqual(1e9);
    expect(() => createPlanner().evaluateAll(Number.NaN)).toThrow(/invalid budget: expected a positive finite number of FLOP, got NaN/);
  });
});
