/**
 * GradCache through the trainer (grad-cache-step.ts) on the reference backend in f64: the gradient
 * (read from AdamW's first moment after one step, m₁ = (1 − β1)·g) equals the one-graph step's to
 * 1e-10, a run in mini-batches ends where the one-graph run ends, resume is bitwise exact and refuses
 * a different mini-batch, and a memory cap picks the mini-batch from the estimate.
 */
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../engine/host-tensor.js';
import type { FineTuningMethod } from '../methods/method.js';
import { RUNTIME_OVERHEAD_BYTES, chooseMiniBatch, trainerMemory } from '../memory/mini-batch.js';
import { initAdapters } from '../model/lora.js';
import { buildTrainingGraph } from '../model/training-graph.js';
import { hostTensor } from '../engine/host-tensor.js';
import { referenceBackend } from '../reference/index.js';
import { DEFAULT_ADAMW, momentName } from './adamw.js';
import { syntheticPairs } from './pairs.js';
import { TINY, tinyParameters } from './tiny-model.test-helper.js';
import { type TrainerEvent, type TrainerOptions, train } from './trainer.js';

const base = (overrides: Partial<TrainerOptions> = {}): TrainerOptions => ({
  backend: referenceBackend(),
  architecture: TINY,
  method: { kind: 'full' },
  parameters: tinyParameters('f64'),
  // Lengths vary, so padding (and its masking) is exercised in every mini-batch.
  data: syntheticPairs({ vocabSize: TINY.vocabSize, topics: 16, seed: 7, queryLength: [2, 6], positiveLength: [3, 8] }),
  batch: { B: 6, Tq: 6, Tp: 8 },
  steps: 4,
  peakLearningRate: 1e-2,
  dtype: 'f64',
  ...overrides,
});

/** max |a − b| / max |b| over one tensor. */
function relative(a: HostTensor, b: HostTensor): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.data.length; i++) {
    diff = Math.max(diff, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

function worst(a: ReadonlyMap<string, HostTensor>, b: ReadonlyMap<string, HostTensor>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  let w = 0;
  for (const [name, t] of b) w = Math.max(w, relative(a.get(name)!, t));
  return w;
}

const bitwise = (a: ReadonlyMap<string, HostTensor>, b: ReadonlyMap<string, HostTensor>) =>
  [...b].every(([name, t]) => Buffer.from(a.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)));

describe('trainer with GradCache (miniBatch)', () => {
  const methods: FineTuningMethod[] = [{ kind: 'full' }, { kind: 'lora', rank: 2 }, { kind: 'freeze', trainableBlocks: 1 }];
  for (const method of methods) {
    it(`${method.kind}: the gradient of one step equals the one-graph step's in f64 to 1e-10 (m = 1, 4; 4 does not divide B = 6)`, async () => {
      // LoRA starts with one factor at 0, which zeroes the other's gradient: give every zero factor small values.
      const adapters = initAdapters(buildTrainingGraph(TINY, method, base().batch, { dtype: 'f64' }).plan, { dtype: 'f64', seed: 3 });
      for (const [name, t] of adapters) if (t.data.every((v) => v === 0)) adapters.set(name, hostTensor('f64', t.shape, Array.from(t.data, (_, i) => 0.01 * Math.sin(i + 1))));
      const whole = await train(base({ method, steps: 1, adapters }));
      for (const miniBatch of [1, 4]) {
        const cached = await train(base({ method, steps: 1, miniBatch, adapters }));
        expect(cached.state.miniBatch).toBe(miniBatch);
        // After step 1, m = (1 − β1)·g exactly as computed: the first moments compare the gradients.
        const m = (r: typeof whole) => new Map([...r.checkpoint.moments].filter(([n]) => n.startsWith('adamw.m.')));
        for (const [name, t] of m(whole)) expect(Array.from(t.data).some((v) => v !== 0) ? name : `${name} has a zero gradient`).toBe(name);
        const error = worst(m(cached), m(whole));
        console.log(`GradCache in the trainer, ${method.kind}, m = ${miniBatch}: worst relative gradient error ${error.toExponential(1)}; loss ${cached.lastLoss} vs ${whole.lastLoss}`);
        expect(error).toBeLessThan(1e-10);
        expect(Math.abs(cached.lastLoss - whole.lastLoss)).toBeLessThan(1e-12);
      }
    });
  }

  it('a run in mini-batches ends with the parameters of the one-graph run (f64, 4 steps); the events are the same kinds', async () => {
    const eventsWhole: TrainerEvent[] = [];
    const eventsCached: TrainerEvent[] = [];
    const whole = await train(base(), (e) => eventsWhole.push(e));
    const cached = await train(base({ miniBatch: 2 }), (e) => eventsCached.push(e));
    const error = worst(cached.parameters, whole.parameters);
    console.log(`4 steps, m = 2 vs the whole batch: worst relative parameter difference ${error.toExponential(1)}`);
    expect(error).toBeLessThan(1e-9);
    expect(worst(cached.checkpoint.moments, whole.checkpoint.moments)).toBeLessThan(1e-9);
    const steps = (events: TrainerEvent[]) => events.flatMap((e) => (e.kind === 'step' ? [e] : []));
    expect(steps(eventsCached).map((e) => e.tokens)).toEqual(steps(eventsWhole).map((e) => e.tokens));
    expect(steps(eventsCached).map((e) => e.flopUsed)).toEqual(steps(eventsWhole).map((e) => e.flopUsed));
    // The executed graphs count GradCache's extra forward: more FLOP than the one graph.
    for (const [i, e] of steps(eventsCached).entries()) expect(e.graphFlop).toBeGreaterThan(steps(eventsWhole)[i]!.graphFlop);
    // Compiles: embed and backward per side (and row count), loss and apply, once each.
    const compiled = eventsCached.flatMap((e) => (e.kind === 'compile' ? [e.executable] : []));
    expect(compiled.sort()).toEqual(['apply', 'backward 2x6', 'backward 2x8', 'embed 2x6', 'embed 2x8', 'loss 6']);
  });

  it('resumes bitwise exactly, and refuses a different mini-batch', async () => {
    const straight = await train(base({ miniBatch: 4 }));
    const first = await train(base({ miniBatch: 4, maxSteps: 2 }));
    expect(first.state.step).toBe(2);
    await expect(train(base({ miniBatch: 3, resume: first.checkpoint }))).rejects.toThrow(/options\.miniBatch: expected 4 as in the checkpoint being resumed, got 3/);
    await expect(train(base({ resume: first.checkpoint }))).rejects.toThrow(/options\.miniBatch: expected 4 as in the checkpoint/);
    const resumed = await train(base({ miniBatch: 4, resume: first.checkpoint }));
    expect(resumed.state.step).toBe(4);
    expect(bitwise(resumed.checkpoint.parameters, straight.checkpoint.parameters)).toBe(true);
    expect(bitwise(resumed.checkpoint.moments, straight.checkpoint.moments)).toBe(true);
  });

  it('memoryCap chooses the largest mini-batch the estimate fits; a cap too small is refused up front', async () => {
    const batch = { B: 6, Tq: 6, Tp: 8 };
    const peak = (m: number | null) => trainerMemory(TINY, { kind: 'full' }, batch, 'f64', m).total + RUNTIME_OVERHEAD_BYTES;
    expect(peak(3)).toBeLessThan(peak(4));
    // A cap between the estimates at m = 3 and m = 4 (runtime allowance included), below the whole batch's.
    const cap = (peak(3) + peak(4)) / 2;
    expect(cap).toBeLessThan(peak(null));
    expect(chooseMiniBatch(TINY, { kind: 'full' }, { batch, dtype: 'f64', memoryCap: cap })).toEqual({ miniBatch: 3, estimate: peak(3) });
    const r = await train(base({ steps: 1, memoryCap: cap }));
    expect(r.state.miniBatch).toBe(3);
    // Everything fits: no GradCache.
    expect((await train(base({ steps: 1, maxSteps: 0, memoryCap: peak(null) }))).state.miniBatch).toBe(null);
    await expect(train(base({ memoryCap: peak(1) - 1 }))).rejects.toThrow(/options\.memoryCap: expected at least .* \(the estimated peak at a GradCache mini-batch of 1 pair/);
    // An explicit mini-batch is checked against the cap.
    await expect(train(base({ memoryCap: cap, miniBatch: 5 }))).rejects.toThrow(/options\.miniBatch: expected 3 or less: 5 is estimated at/);
    await expect(train(base({ miniBatch: 7 }))).rejects.toThrow(/options\.miniBatch: expected an integer in 1\.\.B = 6/);
    await expect(train(base({ miniBatch: 2, dtype: 'f32', parameters: tinyParameters('f32'), computeDtype: 'f16' }))).rejects.toThrow(/options\.miniBatch: expected null \(GradCache does not run with computeDtype "f16"/);
  });
});
