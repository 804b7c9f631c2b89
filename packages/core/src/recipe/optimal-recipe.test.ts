import { describe, expect, it } from 'vitest';
import { PYTHIA } from '../catalog/pythia.js';
import { capacityLaw } from '../laws/capacity-law.js';
import { ZIARKO2024_COEFFICIENTS } from '../laws/ziarko2024.js';
import { trainingFlops } from '../flops/training-flops.js';
import type { ScalingLaw } from '../laws/law.js';
import { frontier } from './frontier.js';
import { optimalRecipe } from './optimal-recipe.js';

const PAPER_BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18];

describe('optimalRecipe', () => {
  it.each(PAPER_BUDGETS)('at %d FLOP uses between 99% and 100% of the budget, consistently', (budget) => {
    const r = optimalRecipe(budget);
    expect(r.flops.total).toBeLessThanOrEqual(budget);
    expect(r.flops.total).toBeGreaterThanOrEqual(0.99 * budget);
    expect(r.budgetUsed).toBe(r.flops.total / budget);
    expect(r.tokens).toBe(r.pairs * 78);
    expect(r.steps).toBe(Math.ceil(r.pairs / 1024));
    expect(Number.isInteger(r.pairs)).toBe(true);
    expect(r.flops.total).toBe(trainingFlops(r.model.name, r.method, r.tokens).total);
    expect(r.model.name).toMatch(/^pythia-/);
  });

  it('lists runners-up best first, each no better than the recipe', () => {
    const r = optimalRecipe(1e17, { runnersUp: 8 });
    expect(r.runnersUp).toHaveLength(8);
    for (const [i, u] of r.runnersUp.entries()) {
      expect(u.lossGap).toBeGreaterThanOrEqual(0);
      expect(u.lossGap).toBe(u.predictedLoss - r.predictedLoss);
      if (i > 0) expect(u.predictedLoss).toBeGreaterThanOrEqual(r.runnersUp[i - 1]!.predictedLoss);
    }
  });

  it('reports the budget as FLOP, GPU-hours and dollars', () => {
    const r = optimalRecipe({ gpuHours: 10, gpu: 'H100', mfu: 0.5, pricePerGpuHour: 2 });
    expect(r.budget.flop).toBeCloseTo(10 * 3600 * 989.4e12 * 0.5, -6);
    expect(r.budget.gpuHours).toBeCloseTo(10, 10);
    expect(r.budget.dollars).toBeCloseTo(20, 10);
    expect(r.budget.assumed).toEqual([]);
    const byDollars = optimalRecipe({ dollars: 20, pricePerGpuHour: 2, gpu: 'h100', mfu: 0.5 });
    expect(byDollars.budget.flop).toBeCloseTo(r.budget.flop, -6);
    const plain = optimalRecipe(1e18);
    expect(plain.budget.hardware.gpu).toBe('H100');
    expect(plain.budget.assumed).toEqual(['gpu', 'mfu', 'pricePerGpuHour']);
    const onA100 = optimalRecipe(1e18, { hardware: { gpu: 'A100', mfu: 0.5, pricePerGpuHour: 1.5 } });
    expect(onA100.budget.gpuHours).toBeCloseTo(1e18 / (312e12 * 0.5) / 3600, 10);
  });

  it('honours the search space: models, method grids, accounting, batch size', () => {
    const r = optimalRecipe(1e17, { models: ['pythia-70m'], methods: { full: false, freeze: false, bias: true, lora: false } });
    expect(r.model.name).toBe('pythia-70m');
    expect(r.method).toEqual({ kind: 'bias' });
    const custom = optimalRecipe(1e17, { models: [{ ...PYTHIA['pythia-70m'], name: 'my-70m' }], methods: { freeze: false, bias: false, lora: false } });
    expect(custom.model.name).toBe('my-70m');
    const detailed = optimalRecipe(1e17, { accounting: 'detailed', sequenceLength: 78 });
    expect(detailed.accounting).toBe('detailed');
    expect(detailed.flops.total).toBeLessThanOrEqual(1e17);
    expect(optimalRecipe(1e17, { batchSize: 256 }).steps).toBe(Math.ceil(optimalRecipe(1e17, { batchSize: 256 }).pairs / 256));
  });

  it('notes when a budget lies outside the range the law was made for', () => {
    expect(optimalRecipe(1e17).notes).toEqual([]);
    expect(optimalRecipe(1e19).notes[0]).toMatch(/outside 1\.50e\+15.1\.54e\+18.*extrapolation/);
  });

  it('uses the law it is given', () => {
    const law: ScalingLaw = { name: 'prefers-biggest', metadata: { provenance: 'test', fittedToRuns: false }, predict: ({ model }) => 1 / model.hiddenSize };
    const r = optimalRecipe(1e18, { law });
    expect(r.law).toBe('prefers-biggest');
    expect(r.model.name).toBe('pythia-2.8b');
    const withInterval: ScalingLaw = { ...capacityLaw('x', ZIARKO2024_COEFFICIENTS, { provenance: 't', fittedToRuns: false }), interval: () => ({ low: 0.1, high: 0.2, level: 0.9 }) };
    expect(optimalRecipe(1e17, { law: withInterval }).lossInterval).toEqual({ low: 0.1, high: 0.2, level: 0.9 });
  });

  it('excludes candidates that cannot fill one batch, and says so when none can', () => {
    const r = optimalRecipe(2e13, { models: ['pythia-14m', 'pythia-2.8b'], methods: { freeze: false, bias: false, lora: false } });
    expect(r.model.name).toBe('pythia-14m');
    expect(() => optimalRecipe(1e9)).toThrow(/invalid budget: expected at least .* FLOP: one batch of 1024 pairs/);
  });
});

describe('bad input gives a clear error naming the field', () => {
  it.each([
    ['negative budget', () => optimalRecipe(-1), /^invalid budget: expected a positive finite number of FLOP, got -1$/],
    ['zero budget', () => optimalRecipe(0), /invalid budget.*got 0/],
    ['NaN budget', () => optimalRecipe(Number.NaN), /invalid budget.*got NaN/],
    ['infinite budget', () => optimalRecipe(Number.POSITIVE_INFINITY), /invalid budget.*got Infinity/],
    ['non-numeric budget', () => optimalRecipe('1e17' as never), /invalid budget: expected a positive finite number of FLOP, or.*got "1e17"/],
    ['unknown GPU', () => optimalRecipe({ gpuHours: 10, gpu: 'H900' }), /invalid budget\.gpu: expected a known GPU \(H100.*got "H900"/],
    ['MFU above 1', () => optimalRecipe({ gpuHours: 10, gpu: 'H100', mfu: 1.5 }), /invalid budget\.mfu.*got 1\.5/],
    ['negative GPU-hours', () => optimalRecipe({ gpuHours: -3, gpu: 'H100' }), /invalid budget\.gpuHours.*got -3/],
    ['unknown model', () => optimalRecipe(1e17, { models: ['pythia-7b'] }), /invalid options\.models\.0.*"pythia-7b"/],
    ['rank 0', () => optimalRecipe(1e17, { methods: { lora: { ranks: [32, 0] } } }), /invalid options\.methods\.lora\.ranks\.1.*got 0/],
    ['fractional rank', () => optimalRecipe(1e17, { methods: { lora: { ranks: [3.5] } } }), /invalid options\.methods\.lora\.ranks\.0.*got 3\.5/],
    ['freeze fraction 0', () => optimalRecipe(1e17, { methods: { freeze: { fractions: [0] } } }), /invalid options\.methods\.freeze/],
    ['unknown option', () => optimalRecipe(1e17, { budgetz: 1 } as never), /invalid options: expected no key "budgetz"/],
    ['unknown hardware GPU', () => optimalRecipe(1e17, { hardware: { gpu: 'TPU' } }), /invalid options\.hardware\.gpu.*"TPU"/],
    ['no methods', () => optimalRecipe(1e17, { methods: { full: false, freeze: false, bias: false, lora: false } }), /invalid options\.methods: expected at least one method/],
  ])('%s', (_label, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('frontier', () => {
  it('gives the best loss of every method at every budget, the optimum being their minimum', () => {
    const f = frontier(PAPER_BUDGETS);
    expect(f.points.map((p) => p.budget)).toEqual(PAPER_BUDGETS);
    for (const p of f.points) {
      const losses = Object.values(p.best).map((b) => b.loss);
      expect(losses).toHaveLength(4);
      expect(p.best[p.optimal]!.loss).toBe(Math.min(...losses));
      expect(optimalRecipe(p.budget).predictedLoss).toBe(p.best[p.optimal]!.loss);
    }
  });

  it('rejects an empty or malformed budget list by name', () => {
    expect(() => frontier([])).toThrow(/invalid budgets/);
    expect(() => frontier([1e16, -1])).toThrow(/invalid budgets\.1/);
  });
});
