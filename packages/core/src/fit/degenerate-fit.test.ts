/**
 * A fit that looks fine and is not: 12 runs of full fine-tuning and LoRA at one rank (r = 32) on three
 * Pythia sizes and two budgets cannot pin down E, δ or G_lora. The fit must say so (typed warnings),
 * drop and count non-finite bootstrap replicates, write a law.json that loads, and plan at r = 32 only.
 */
import { describe, expect, it } from 'vitest';
import { RepurposeError } from '../errors.js';
import { ziarko2024 } from '../laws/ziarko2024.js';
import { createPlanner } from '../recipe/planner.js';
import { fitLaw } from './fit-law.js';
import { loadLaw, saveLaw } from './saved-law.js';
import { PAPER_BUDGETS, syntheticLedger } from './synthetic-ledger.test-helper.js';

const degenerate = syntheticLedger({
  law: ziarko2024,
  models: ['pythia-14m', 'pythia-70m', 'pythia-160m'],
  methods: { full: true, freeze: false, bias: false, lora: { ranks: [32] } },
  budgets: [6e15, 9.6e16],
  noise: 0.02,
  seed: 3,
});

describe('a degenerate fit (full + LoRA r = 32, 12 runs)', () => {
  const law = fitLaw(degenerate);

  it('says what it cannot identify, with typed warnings', () => {
    expect(degenerate).toHaveLength(12);
    const kinds = law.warnings.map((w) => `${w.kind}${w.coefficient ? `:${w.coefficient}` : ''}`);
    console.info('degenerate fit warnings', kinds);
    expect(kinds).toEqual(expect.arrayContaining(['unidentified-coefficient:G.lora', 'unidentified-coefficient:E', 'replicates-dropped', 'lora-rank-fixed:rho']));
    expect(law.warnings.find((w) => w.kind === 'replicates-dropped')!.message).toMatch(/2 bootstrap replicates of 200 dropped \(2 with a non-finite coefficient\); intervals use the 198 kept/);
  });

  it('drops and counts non-finite bootstrap replicates', () => {
    expect(law.intervals!.failed).toBe(2);
    expect(law.intervals!.nonFinite).toBe(2);
    expect(law.replicates).toHaveLength(198);
    for (const r of law.replicates!) expect(Number.isFinite(r.penalty.lora!)).toBe(true);
  });

  it('saves a law.json that loads and predicts as the fit does', () => {
    const back = loadLaw(JSON.parse(JSON.stringify(saveLaw(law))));
    const q = { model: 'pythia-70m', method: { kind: 'lora', rank: 32, alpha: 8 }, tokens: 1e8 } as never;
    expect(back.predict(q)).toBeCloseTo(law.predict(q), 12);
    expect(back.interval!(q)!.low).toBeLessThan(back.predict(q) * 1.5);
  });

  it('plans at the rank it ran (r = 32) only, fitted or loaded', () => {
    const back = loadLaw(JSON.parse(JSON.stringify(saveLaw(law))));
    for (const l of [law, back]) {
      const ranks = new Set(createPlanner({ law: l }).candidates.flatMap((c) => (c.method.kind === 'lora' ? [c.method.rank] : [])));
      expect([...ranks]).toEqual([32]);
      expect(() => l.predict({ model: 'pythia-70m', method: { kind: 'lora', rank: 64 }, tokens: 1e8 } as never)).toThrow(RepurposeError);
      expect(() => l.predict({ model: 'pythia-70m', method: { kind: 'lora', rank: 64 }, tokens: 1e8 } as never)).toThrow(/r = 32 only/);
    }
  });
});

describe('a well-identified fit', () => {
  it('raises no warnings (4 methods, 5 models, 6 budgets, σ = 0.5%)', () => {
    const runs = syntheticLedger({ law: ziarko2024, models: ['pythia-14m', 'pythia-31m', 'pythia-70m', 'pythia-160m', 'pythia-410m'], budgets: PAPER_BUDGETS, noise: 0.005, seed: 1 });
    const law = fitLaw(runs, { bootstrap: { replicates: 40, seed: 0 }, crossValidation: false });
    expect(law.warnings).toEqual([]);
  });
});
