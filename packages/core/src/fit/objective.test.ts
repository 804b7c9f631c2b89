import { describe, expect, it } from 'vitest';
import { PYTHIA, PYTHIA_NAMES } from '../catalog/pythia.js';
import { ziarko2024, ZIARKO2024_COEFFICIENTS } from '../laws/ziarko2024.js';
import type { FineTuningMethod } from '../methods/method.js';
import { coefficientsOf, thetaFromCoefficients } from './coefficients.js';
import { type Observation, toObservation } from './ledger.js';
import { designFor, huber, huberObjective, logPredict } from './objective.js';
import { layoutFor } from './parameter-layout.js';
import { seededPrng } from './seeded-prng.js';

const METHODS: FineTuningMethod[] = [
  { kind: 'full' },
  { kind: 'freeze', trainableBlocks: 3 },
  { kind: 'bias' },
  { kind: 'lora', rank: 8, alpha: 8 },
  { kind: 'lora', rank: 64, alpha: 8 },
];

/** Every method on four models at two token counts, losses from the preset with noise. */
function runs(seed: number): Observation[] {
  const prng = seededPrng(seed);
  const out: Observation[] = [];
  for (const name of PYTHIA_NAMES.slice(0, 4))
    for (const method of METHODS)
      for (const tokens of [1e7, 8e7]) {
        const model = PYTHIA[name];
        const loss = ziarko2024.predict({ model, method, tokens }) * Math.exp(0.02 * prng.normal());
        out.push(toObservation({ model: name, method, tokens, loss }));
      }
  return out;
}

describe('huberObjective', () => {
  it('has an analytic gradient that matches central finite differences (every coefficient, weighted rows)', () => {
    const obs = runs(1);
    const layout = layoutFor(obs);
    expect(layout.names).toEqual(['e', 'a_c', 'alpha', 'b_c.full', 'beta.full', 'b_c.freeze', 'beta.freeze', 'b_c.bias', 'beta.bias', 'b_c.lora', 'beta.lora', 'g_c.freeze', 'g_c.bias', 'g_c.lora', 'delta', 'rho']);
    const design = designFor(layout, obs);
    const prng = seededPrng(7);
    const weights = Float64Array.from(obs, () => prng.int(3));
    // Both Huber regimes: a wide δ puts most residuals on the quadratic part, 1e-3 on the linear arms.
    for (const huberDelta of [1e-3, 0.05]) {
      const f = huberObjective(layout, design, { huberDelta, weights });
      for (let trial = 0; trial < 3; trial++) {
        const theta = thetaFromCoefficients(layout, ZIARKO2024_COEFFICIENTS);
        for (let j = 0; j < theta.length; j++) theta[j] = theta[j]! + 0.2 * prng.normal();
        const g = new Float64Array(theta.length);
        f(theta, g);
        const h = 1e-6;
        for (let j = 0; j < theta.length; j++) {
          const up = Float64Array.from(theta);
          const down = Float64Array.from(theta);
          up[j] = up[j]! + h;
          down[j] = down[j]! - h;
          const scratch = new Float64Array(theta.length);
          const fd = (f(up, scratch) - f(down, scratch)) / (2 * h);
          expect(Math.abs(g[j]! - fd), `∂J/∂${layout.names[j]} at δ=${huberDelta}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
        }
      }
    }
  });

  it('sums (does not average) the Huber losses of the rows, with weights as multiplicities', () => {
    const obs = runs(2);
    const layout = layoutFor(obs);
    const design = designFor(layout, obs);
    const theta = thetaFromCoefficients(layout, ZIARKO2024_COEFFICIENTS);
    const g = new Float64Array(theta.length);
    const J = huberObjective(layout, design)(theta, g);
    const bySum = obs.reduce((s, o) => s + huber(logPredict(layout, theta, o) - Math.log(o.loss), 1e-3), 0);
    expect(J).toBeCloseTo(bySum, 14);
    const doubled = huberObjective(layout, design, { weights: new Float64Array(obs.length).fill(2) })(theta, g);
    expect(doubled).toBeCloseTo(2 * J, 14);
  });

  it('predicts exactly the capacity law (log-sum-exp form == direct form), and θ ↔ coefficients round-trips', () => {
    const obs = runs(3);
    const layout = layoutFor(obs);
    const theta = thetaFromCoefficients(layout, ZIARKO2024_COEFFICIENTS);
    const back = coefficientsOf(layout, theta);
    expect(back.E).toBeCloseTo(ZIARKO2024_COEFFICIENTS.E, 12);
    expect(back.A).toBeCloseTo(ZIARKO2024_COEFFICIENTS.A, 10);
    expect(back.penalty.lora).toBeCloseTo(ZIARKO2024_COEFFICIENTS.penalty.lora, 10);
    expect(back.data.lora!.B).toBeCloseTo(ZIARKO2024_COEFFICIENTS.data.lora.B, 9);
    for (const o of obs) {
      const q = { model: o.model, method: o.method, tokens: o.tokens * 3.7 };
      expect(Math.exp(logPredict(layout, theta, q)) / ziarko2024.predict(q)).toBeCloseTo(1, 12);
    }
  });

  it('huber is r²/2 inside δ and linear (slope δ) outside, continuous at ±δ', () => {
    expect(huber(0.0005, 1e-3)).toBeCloseTo(0.5 * 0.0005 ** 2, 18);
    expect(huber(-0.01, 1e-3)).toBeCloseTo(1e-3 * (0.01 - 0.0005), 15);
    expect(huber(1e-3, 1e-3)).toBeCloseTo(huber(1e-3 + 1e-12, 1e-3), 14);
  });
});
