import { describe, expect, it } from 'vitest';
import { PYTHIA } from '../catalog/pythia.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { fitLaw } from './fit-law.js';
import { loadLaw, saveLaw } from './saved-law.js';
import { ziarko2024 } from '../laws/ziarko2024.js';
import { syntheticLedger } from './synthetic-ledger.test-helper.js';

describe('saved laws', () => {
  const fitted = fitLaw(syntheticLedger({ law: ziarko2024, methods: { full: true, freeze: false, bias: false, lora: true }, noise: 0.01, seed: 3 }), { name: 'mine', bootstrap: { replicates: 30, seed: 1 }, crossValidation: false });
  const loaded = loadLaw(JSON.parse(JSON.stringify(saveLaw(fitted))));

  it('round-trips through JSON: same predictions, same intervals, same recipes', () => {
    const q = { model: PYTHIA['pythia-160m'], method: { kind: 'lora', rank: 32 } as const, tokens: 3e8 };
    expect(loaded.predict(q)).toBeCloseTo(fitted.predict(q), 12);
    const a = fitted.interval(q)!;
    const b = loaded.interval!(q)!;
    expect(b.low).toBeCloseTo(a.low, 12);
    expect(b.high).toBeCloseTo(a.high, 12);
    const options = { law: loaded };
    expect(optimalRecipe(1e17, options).method).toEqual(optimalRecipe(1e17, { law: fitted }).method);
    expect(loaded.metadata.fittedToRuns).toBe(true);
  });

  it('a law fitted to two methods plans over those methods only, without being told', () => {
    const r = optimalRecipe(1e17, { law: loaded, runnersUp: 100 });
    expect(new Set([r, ...r.runnersUp].map((c) => c.method.kind))).toEqual(new Set(['full', 'lora']));
    expect(r.lossInterval).toBeDefined();
    expect(() => loaded.predict({ model: PYTHIA['pythia-70m'], method: { kind: 'bias' }, tokens: 1e8 })).toThrow(/covers full, lora and cannot predict bias/);
  });

  it('flags runners-up inside the recipe’s interval as statistically tied', () => {
    const r = optimalRecipe(1e17, { law: loaded, runnersUp: 20 });
    const tied = r.runnersUp.filter((u) => u.statisticallyTied);
    expect(tied.length).toBeGreaterThan(0);
    for (const u of r.runnersUp) expect(u.statisticallyTied).toBe(u.predictedLoss <= r.lossInterval!.high);
  });

  it('rejects a malformed file by field', () => {
    const saved = saveLaw(fitted);
    expect(() => loadLaw({ ...saved, format: 'other' })).toThrow(/invalid law\.format/);
    expect(() => loadLaw({ ...saved, coefficients: { ...saved.coefficients, alpha: 'x' } })).toThrow(/invalid law\.coefficients\.alpha/);
    expect(() => loadLaw(null)).toThrow(/invalid law/);
  });
});
