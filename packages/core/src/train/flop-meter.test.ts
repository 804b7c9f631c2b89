/**
 * The FLOP meter uses the planner's per-token accounting (so a run spends what the recipe planned)
 * and never admits a step past the budget; the random initialiser follows HF's rules.
 */
import { describe, expect, it } from 'vitest';
import { trainingFlops } from '../flops/training-flops.js';
import { createFlopMeter } from './flop-meter.js';
import { randomGptNeoXParameters } from './random-parameters.js';
import { TINY } from './tiny-model.test-helper.js';

describe('createFlopMeter', () => {
  it('charges trainingFlops per real token for every method and accounting', () => {
    for (const method of [{ kind: 'full' }, { kind: 'freeze', trainableBlocks: 1 }, { kind: 'bias' }, { kind: 'lora', rank: 4 }] as const) {
      for (const accounting of ['paper', 'detailed'] as const) {
        const meter = createFlopMeter(TINY, method, { accounting, sequenceLength: 7 });
        expect(meter.cost(1000)).toBeCloseTo(trainingFlops(TINY, method, 1000, { accounting, sequenceLength: 7 }).total, 0);
      }
    }
  });

  it('admits a step only while the total stays within the budget, counting from a resumed total', () => {
    const meter = createFlopMeter(TINY, { kind: 'full' }, { budget: 1e9, used: 4e8 });
    const perToken = meter.perToken;
    const fitting = Math.floor(6e8 / perToken);
    expect(meter.fits(fitting)).toBe(true);
    expect(meter.fits(fitting + 1)).toBe(false);
    meter.add(fitting);
    expect(meter.used).toBe(4e8 + perToken * fitting);
    expect(meter.fits(1)).toBe(meter.used + perToken <= 1e9);
    expect(createFlopMeter(TINY, { kind: 'bias' }).fits(1e15)).toBe(true); // no budget
  });
});

describe('randomGptNeoXParameters', () => {
  it('initialises as Hugging Face: weights N(0, 0.02²), biases 0, LayerNorm weight 1; seeded', () => {
    const p = randomGptNeoXParameters(TINY, { seed: 4 });
    const w = Array.from(p.get('layers.0.mlp.dense_h_to_4h.weight')!.data);
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    expect(Array.from(p.get('layers.1.attention.dense.bias')!.data).every((x) => x === 0)).toBe(true);
    expect(Array.from(p.get('final_layer_norm.weight')!.data).every((x) => x === 1)).toBe(true);
    expect(Array.from(p.get('layers.0.input_layernorm.bias')!.data).every((x) => x === 0)).toBe(true);
    expect(p.get('embed_in.weight')!.data).toEqual(randomGptNeoXParameters(TINY, { seed: 4 }).get('embed_in.weight')!.data);
    expect(p.get('embed_in.weight')!.data).not.toEqual(randomGptNeoXParameters(TINY, { seed: 5 }).get('embed_in.weight')!.data);
  });
});
