/**
 * Fitting a synthetic grid drawn from the ziarko2024 preset — the paper's six budgets × eight models ×
 * the planner's default methods (full; freezing 1/4, 1/2, 3/4; bias; LoRA ranks 8 … 512), each run at
 * the pairs the budget pays for, with 0.2% log-normal noise — recovers the preset's decisions through
 * optimalRecipe with the fitted law: full fine-tuning below ~9.06e16 FLOP, LoRA above.
 */
import { describe, expect, it } from 'vitest';
import { ziarko2024 } from '../laws/ziarko2024.js';
import { bisectCrossover } from '../recipe/frontier.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { createPlanner } from '../recipe/planner.js';
import { fitLaw } from './fit-law.js';
import { PAPER_BUDGETS, syntheticLedger } from './synthetic-ledger.test-helper.js';

const CROSSOVER = 9.06e16;

describe('a fit to the ziarko2024 grid recovers its decisions', () => {
  const runs = syntheticLedger({ law: ziarko2024, noise: 0.002, seed: 1 });
  const law = fitLaw(runs, { bootstrap: false, crossValidation: false });

  it('fits all four methods from the planner search space', () => {
    expect(runs.length).toBeGreaterThan(500);
    expect(law.methods).toEqual(['full', 'freeze', 'bias', 'lora']);
    expect(law.fixed).toEqual([]);
  });

  it('full below the crossover, LoRA above, on a log grid of budgets (±2% around 9.06e16 left out)', () => {
    for (let i = 0; i <= 30; i++) {
      const budget = 1.5e15 * 1000 ** (i / 30);
      if (Math.abs(budget / CROSSOVER - 1) < 0.02) continue;
      const r = optimalRecipe(budget, { law });
      expect(r.method.kind, `at ${budget.toExponential(3)}`).toBe(budget < CROSSOVER ? 'full' : 'lora');
    }
  });

  it('puts the full → LoRA crossover within 2% of 9.06e16 (the preset’s decision margin is only 0.3%)', () => {
    const c = bisectCrossover(createPlanner({ law }), 1.5e15, 1.5e18);
    expect([c.from, c.to]).toEqual(['full', 'lora']);
    expect(Math.abs(c.budget / CROSSOVER - 1)).toBeLessThan(0.02);
  });

  it('chooses the preset’s model and method kind at each of the paper’s six budgets', () => {
    for (const budget of PAPER_BUDGETS) {
      const fitted = optimalRecipe(budget, { law });
      const preset = optimalRecipe(budget);
      expect(fitted.model.name, `at ${budget}`).toBe(preset.model.name);
      expect(fitted.method.kind, `at ${budget}`).toBe(preset.method.kind);
      expect(Math.abs(fitted.predictedLoss / preset.predictedLoss - 1)).toBeLessThan(0.005);
    }
  });
});
