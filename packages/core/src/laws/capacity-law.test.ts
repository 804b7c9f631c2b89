/** Law construction and query checks (capacity-law.ts, law-query.ts) and the planner's boundary for custom laws. */
import { describe, expect, it } from 'vitest';
import { RepurposeError, ValidationError } from '../errors.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { capacityLaw } from './capacity-law.js';
import { ZIARKO2024_COEFFICIENTS, ziarko2024 } from './ziarko2024.js';

const meta = { provenance: 'test', fittedToRuns: false };

describe('capacityLaw', () => {
  it('refuses negative or non-finite magnitudes and non-finite exponents, naming the coefficient', () => {
    const c = ZIARKO2024_COEFFICIENTS;
    const cases: [object, RegExp][] = [
      [{ ...c, E: -0.1 }, /invalid coefficients\.E: expected a finite number ≥ 0.*got -0\.1/],
      [{ ...c, A: -1 }, /coefficients\.A/],
      [{ ...c, data: { ...c.data, full: { B: -3, beta: 0.3 } } }, /coefficients\.data\.full\.B.*got -3/],
      [{ ...c, alpha: Number.NaN }, /coefficients\.alpha: expected a finite exponent in .*, got NaN/],
      [{ ...c, penalty: { ...c.penalty, lora: Number.POSITIVE_INFINITY } }, /coefficients\.penalty\.lora.*Infinity/],
      [{ ...c, Ee: 1 }, /no key "Ee"/],
    ];
    for (const [bad, message] of cases) {
      expect(() => capacityLaw('x', bad as typeof c, meta)).toThrow(ValidationError);
      expect(() => capacityLaw('x', bad as typeof c, meta)).toThrow(message);
    }
  });

  it('predicts for a Pythia name as for its architecture, and refuses malformed queries by field', () => {
    const q = { model: 'pythia-160m', method: { kind: 'full' }, tokens: 1e8 } as never;
    expect(ziarko2024.predict(q)).toBeGreaterThan(0);
    expect(() => ziarko2024.predict({ model: 'pythia-7b', method: { kind: 'full' }, tokens: 1e8 } as never)).toThrow(/invalid query\.model/);
    expect(() => ziarko2024.predict({ model: 'pythia-160m', method: { kind: 'lora', rank: 8, alpah: 8 }, tokens: 1e8 } as never)).toThrow(/query\.method: expected no key "alpah"/);
    expect(() => ziarko2024.predict({ model: 'pythia-160m', method: { kind: 'full' }, tokens: -1 } as never)).toThrow(/query\.tokens.*got -1/);
    expect(() => ziarko2024.predict(null as never)).toThrow(ValidationError);
  });
});

describe('planner boundary for custom laws', () => {
  for (const value of [-0.5, 0, Number.NaN, Number.POSITIVE_INFINITY, '1.2']) {
    it(`refuses a law that predicts ${String(value)}`, () => {
      const law = { name: 'mine', metadata: meta, predict: () => value as number };
      expect(() => optimalRecipe(1e18, { law })).toThrow(RepurposeError);
      expect(() => optimalRecipe(1e18, { law })).toThrow(/law mine predicted .* a law must predict a finite, positive loss/);
    });
  }
});
