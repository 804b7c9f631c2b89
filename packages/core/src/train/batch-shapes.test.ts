/**
 * Per-batch shapes (`shapes: { kind: 'per-batch', multipleOf }`): each batch is padded to its own
 * longest query and positive, one executable is compiled per shape and kept in a bounded cache, the
 * result equals the fixed-shape run, the FLOP counted on the executed graphs shrinks with the
 * padding, and the meter's `detailed` accounting uses the shape run.
 */
import { describe, expect, it } from 'vitest';
import { perTokenFlops } from '../flops/training-flops.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { countingBackend } from '../testing/counting-backend.js';
import { referenceBackend } from '../reference/index.js';
import { arrayPairSource, type TokenPair } from './pairs.js';
import { TINY, tinyParameters } from './tiny-model.test-helper.js';
import { type TrainerEvent, type TrainerOptions, train } from './trainer.js';

// Four batches of 3 pairs with different longest query / positive: (2, 3), (5, 7), (2, 3), (8, 10).
const lengths: [number, number][][] = [
  [[1, 2], [2, 3], [2, 1]],
  [[5, 7], [3, 2], [1, 1]],
  [[2, 2], [1, 3], [2, 3]],
  [[8, 10], [4, 4], [2, 9]],
];
const ids = (n: number, salt: number) => Array.from({ length: n }, (_, i) => 1 + ((i * 7 + salt * 13) % (TINY.vocabSize - 1)));
const pairs: TokenPair[] = lengths.flat().map(([q, p], k) => ({ query: ids(q, k), positive: ids(p, k + 50) }));

const base = (overrides: Partial<TrainerOptions> = {}): TrainerOptions => ({
  backend: referenceBackend(),
  architecture: TINY,
  method: { kind: 'full' },
  parameters: tinyParameters('f64'),
  data: arrayPairSource(pairs),
  batch: { B: 3, Tq: 8, Tp: 10 },
  steps: 4,
  peakLearningRate: 1e-2,
  dtype: 'f64',
  ...overrides,
});

const relative = (a: HostTensor, b: HostTensor) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.data.length; i++) {
    diff = Math.max(diff, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  return diff / scale;
};

const stepsOf = (events: TrainerEvent[]) => events.flatMap((e) => (e.kind === 'step' ? [e] : []));

describe('per-batch shapes', () => {
  it('pads each batch to its own longest texts (rounded up), compiles once per shape, and ends where the fixed-shape run ends', async () => {
    const fixedEvents: TrainerEvent[] = [];
    const perBatchEvents: TrainerEvent[] = [];
    const fixed = await train(base(), (e) => fixedEvents.push(e));
    const perBatch = await train(base({ shapes: { kind: 'per-batch', multipleOf: 2 } }), (e) => perBatchEvents.push(e));
    expect(stepsOf(perBatchEvents).map((e) => [e.shape.Tq, e.shape.Tp])).toEqual([[2, 4], [6, 8], [2, 4], [8, 10]]);
    expect(stepsOf(fixedEvents).map((e) => [e.shape.Tq, e.shape.Tp])).toEqual(Array(4).fill([8, 10]));
    // Three distinct shapes, three compiles (the repeated (2, 4) is a cache hit).
    expect(perBatchEvents.flatMap((e) => (e.kind === 'compile' ? [e.executable] : []))).toEqual(['train 3x2x4', 'train 3x6x8', 'train 3x8x10']);
    // Padding is masked out, so the arithmetic is the same function of the real tokens.
    let worst = 0;
    for (const [name, t] of fixed.parameters) worst = Math.max(worst, relative(perBatch.parameters.get(name)!, t));
    console.log(`per-batch vs fixed shapes after 4 steps: worst relative parameter difference ${worst.toExponential(1)}`);
    expect(worst).toBeLessThan(1e-12);
    // Same real tokens and paper FLOP; fewer FLOP executed where the batch is short, the same where it is full length.
    expect(stepsOf(perBatchEvents).map((e) => e.flopUsed)).toEqual(stepsOf(fixedEvents).map((e) => e.flopUsed));
    const executed = stepsOf(perBatchEvents).map((e, i) => e.graphFlop / stepsOf(fixedEvents)[i]!.graphFlop);
    console.log(`executed FLOP per step, per-batch / fixed: ${executed.map((r) => r.toFixed(3)).join(', ')}`);
    expect(executed[0]).toBeLessThan(0.5);
    expect(executed[3]).toBe(1);
    const end = (events: TrainerEvent[]) => events.find((e) => e.kind === 'end') as Extract<TrainerEvent, { kind: 'end' }>;
    expect(end(perBatchEvents).graphFlop).toBe(stepsOf(perBatchEvents).reduce((n, e) => n + e.graphFlop, 0));
  });

  it('the cache is bounded: with maxExecutables 1 it never holds two, and a shape seen again is compiled again', async () => {
    const backend = countingBackend();
    const live: number[] = [];
    const events: TrainerEvent[] = [];
    await train(base({ backend, shapes: { kind: 'per-batch', multipleOf: 2 }, maxExecutables: 1 }), (e) => {
      events.push(e);
      if (e.kind === 'step') live.push(backend.liveExecutables());
    });
    expect(live).toEqual([1, 1, 1, 1]);
    expect(events.filter((e) => e.kind === 'compile')).toHaveLength(4);
    expect(backend.liveExecutables()).toBe(0);
  });

  it('detailed accounting counts each step at the T it ran; GradCache runs per-batch shapes too; resume repeats the setting', async () => {
    const events: TrainerEvent[] = [];
    const shapes = { kind: 'per-batch', multipleOf: 1 } as const;
    await train(base({ shapes, accounting: 'detailed' }), (e) => events.push(e));
    let expected = 0;
    for (const e of stepsOf(events)) {
      expected += perTokenFlops(TINY, { kind: 'full' }, { accounting: 'detailed', sequenceLength: Math.round((e.shape.Tq + e.shape.Tp) / 2) }).total * (e.tokens - (stepsOf(events)[e.step - 2]?.tokens ?? 0));
      expect(e.flopUsed).toBeCloseTo(expected, 0);
    }
    const whole = await train(base({ shapes }));
    const cached = await train(base({ shapes, miniBatch: 2 }));
    let worst = 0;
    for (const [name, t] of whole.parameters) worst = Math.max(worst, relative(cached.parameters.get(name)!, t));
    expect(worst).toBeLessThan(1e-9);
    const first = await train(base({ shapes, maxSteps: 1 }));
    await expect(train(base({ resume: first.checkpoint }))).rejects.toThrow(/options\.shapes: expected \{"kind":"per-batch","multipleOf":1\} as in the checkpoint/);
  });
});
