/**
 * The paper's published decisions, reproduced by the shipped `ziarko2024` preset through the real
 * optimizer (optimalRecipe / the planner), with no special cases. The findings are those of Ziarko et al. (2024), listed in docs/scaling-laws.md.
 */
import { describe, expect, it } from 'vitest';
import { ziarko2024 } from '../laws/ziarko2024.js';
import { bisectCrossover, frontier } from './frontier.js';
import { optimalRecipe } from './optimal-recipe.js';
import { createPlanner } from './planner.js';

const LOW = 1.5e15;
const HIGH = 1.5e18;
const CROSSOVER = 9.06e16;
/** 91 log-spaced budgets from 1.5e15 to 1.5e18, plus the paper's six. */
const GRID = [...Array.from({ length: 91 }, (_, i) => LOW * (HIGH / LOW) ** (i / 90)), 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18].sort((a, b) => a - b);
const recipes = GRID.map((b) => optimalRecipe(b));

describe('ziarko2024 preset reproduces the paper through optimalRecipe', () => {
  it('says it is calibrated, not fitted', () => {
    expect(ziarko2024.metadata.fittedToRuns).toBe(false);
    expect(ziarko2024.metadata.provenance).toMatch(/CALIBRATED, NOT FITTED/);
    expect(ziarko2024.metadata.provenance).toMatch(/not available/);
  });

  it('full fine-tuning is optimal below 9.06e16 FLOP and LoRA above, up to 1.5e18', () => {
    for (const r of recipes) {
      expect(r.method.kind, `at ${r.budget.flop.toExponential(3)}`).toBe(r.budget.flop < CROSSOVER ? 'full' : 'lora');
    }
  });

  it('the crossover found by bisection on the budget lies within 1% of 9.06e16', () => {
    const crossover = bisectCrossover(createPlanner(), LOW, HIGH);
    expect(crossover.from).toBe('full');
    expect(crossover.to).toBe('lora');
    expect(Math.abs(crossover.budget / CROSSOVER - 1)).toBeLessThan(0.01);
    const { crossovers } = frontier([LOW, 6e15, 2.4e16, 9.6e16, 3.84e17, HIGH]);
    expect(crossovers).toHaveLength(1);
    expect(Math.abs(crossovers[0]!.budget / CROSSOVER - 1)).toBeLessThan(0.01);
  });

  it('the optimal LoRA rank over {8 … 512} is 32 or 128 at 9.6e16, 3.84e17 and 1.536e18', () => {
    for (const budget of [9.6e16, 3.84e17, 1.536e18]) {
      const r = optimalRecipe(budget, { methods: { full: false, freeze: false, bias: false, lora: { ranks: [8, 16, 32, 64, 128, 256, 512] } } });
      expect(r.method.kind).toBe('lora');
      expect([32, 128]).toContain(r.method.kind === 'lora' ? r.method.rank : -1);
    }
  });

  it('bias-only and block freezing are never optimal between 1.5e15 and 1.5e18', () => {
    for (const r of recipes) expect(['full', 'lora']).toContain(r.method.kind);
    // ... and not by a hair: each stays behind the optimum at every budget on the grid.
    const planner = createPlanner();
    for (const b of GRID) {
      const best = planner.best(b)!.loss;
      expect(planner.best(b, (c) => c.method.kind === 'bias')!.loss).toBeGreaterThan(best);
      expect(planner.best(b, (c) => c.method.kind === 'freeze')!.loss).toBeGreaterThan(best);
    }
  });

  it('the optimal model size never shrinks and the predicted loss strictly falls as the budget grows', () => {
    for (let i = 1; i < recipes.length; i++) {
      expect(recipes[i]!.model.nonEmbeddingParameters).toBeGreaterThanOrEqual(recipes[i - 1]!.model.nonEmbeddingParameters);
      expect(recipes[i]!.predictedLoss).toBeLessThan(recipes[i - 1]!.predictedLoss);
    }
  });
});
