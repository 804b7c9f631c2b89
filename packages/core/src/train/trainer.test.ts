/**
 * The training loop on the reference backend with a tiny GPT-NeoX: exact resume through a checkpoint
 * file, the FLOP budget, stop reasons, events, partial batches and the checks on resumed settings.
 * Convergence is in convergence.test.ts; torch agreement in golden-steps.test.ts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import type { Backend } from '../engine/backend.js';
import { parameterCounts } from '../catalog/parameter-counts.js';
import { perTokenFlops } from '../flops/training-flops.js';
import { referenceBackend } from '../reference/index.js';
import { momentName } from './adamw.js';
import { readTrainerCheckpointFile, writeTrainerCheckpointFile } from './checkpoint-file.js';
import type { TrainerCheckpoint } from './checkpoint.js';
import { learningRate } from './learning-rate.js';
import { arrayPairSource, syntheticPairs } from './pairs.js';
import { TINY, tinyParameters } from './tiny-model.test-helper.js';
import { type TrainerEvent, type TrainerOptions, train } from './trainer.js';

const dir = mkdtempSync(join(tmpdir(), 'repurpose-trainer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (overrides: Partial<TrainerOptions> = {}): TrainerOptions => ({
  backend: referenceBackend(),
  architecture: TINY,
  method: { kind: 'full' },
  parameters: tinyParameters('f64'),
  data: syntheticPairs({ vocabSize: TINY.vocabSize, topics: 16, seed: 5 }),
  batch: { B: 4, Tq: 6, Tp: 8 },
  steps: 6,
  peakLearningRate: 1e-2,
  dtype: 'f64',
  ...overrides,
});

function collect(events: TrainerEvent[]) {
  return (e: TrainerEvent) => events.push(e);
}

describe('train: exact resume', () => {
  for (const method of [{ kind: 'full' }, { kind: 'lora', rank: 2 }] as const) {
    it(`${method.kind}: 3 steps, checkpoint file, resume 3 steps = 6 steps straight, bitwise`, async () => {
      const straightEvents: TrainerEvent[] = [];
      const straight = await train(base({ method }), collect(straightEvents));
      expect(straight.reason).toBe('steps');

      const path = join(dir, `${method.kind}.safetensors`);
      const first = await train(base({ method, maxSteps: 3, onCheckpoint: (c) => writeTrainerCheckpointFile(path, c) }));
      expect(first.reason).toBe('max-steps');
      const saved = await readTrainerCheckpointFile(path);
      expect(saved.state).toMatchObject({ step: 3, dataPosition: 12 });
      // A fresh parameter map: nothing may leak from the first run but the file.
      const resumedEvents: TrainerEvent[] = [];
      const resumed = await train(base({ method, resume: saved }), collect(resumedEvents));
      expect(resumed.reason).toBe('steps');
      expect(resumed.state).toEqual(straight.state);

      let compared = 0;
      let changed = 0;
      for (const [name, t] of straight.checkpoint.parameters) {
        const r = resumed.checkpoint.parameters.get(name)!;
        expect(Buffer.from(r.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
        for (const k of ['m', 'v'] as const) {
          expect(Buffer.from(resumed.checkpoint.moments.get(momentName(k, name))!.data.buffer).equals(Buffer.from(straight.checkpoint.moments.get(momentName(k, name))!.data.buffer))).toBe(true);
        }
        compared += t.data.length;
        if (method.kind === 'full' && !Buffer.from(t.data.buffer).equals(Buffer.from(tinyParameters('f64').get(name)!.data.buffer))) changed++;
      }
      const losses = (events: TrainerEvent[]) => events.flatMap((e) => (e.kind === 'step' ? [e.loss] : []));
      expect(losses(resumedEvents)).toEqual(losses(straightEvents).slice(3));
      console.log(`${method.kind}: resume after 3 of 6 steps — ${compared} trainable values (and both moments) bitwise identical to the straight run`);
      if (method.kind === 'full') expect(changed).toBeGreaterThan(20); // training really changed them
    });
  }

  it('refuses to resume with different settings, naming the field', async () => {
    const first = await train(base({ maxSteps: 1 }));
    await expect(train(base({ resume: first.checkpoint, peakLearningRate: 2e-2 }))).rejects.toThrow(/options\.peakLearningRate: expected 0\.01 as in the checkpoint/);
    await expect(train(base({ resume: first.checkpoint, batch: { B: 4, Tq: 6, Tp: 9 } }))).rejects.toThrow(ValidationError);
    await expect(train(base({ resume: first.checkpoint, method: { kind: 'bias' } }))).rejects.toThrow(/options\.method/);
  });
});

describe('train: FLOP meter, events and stop reasons', () => {
  it('counts paper FLOP on real tokens (6N per token for full) and stops before exceeding the budget', async () => {
    const perToken = perTokenFlops(TINY, { kind: 'full' }, { accounting: 'paper', sequenceLength: 75 }).total;
    expect(perToken).toBe(6 * parameterCounts(TINY).nonEmbedding);
    const events: TrainerEvent[] = [];
    const budget = perToken * 100; // about 2 batches of 4 pairs (~12 real tokens a pair)
    const result = await train(base({ steps: 50, flopBudget: budget }), collect(events));
    expect(result.reason).toBe('budget');
    const steps = events.filter((e) => e.kind === 'step');
    expect(steps.length).toBeGreaterThanOrEqual(1);
    expect(result.state.flopUsed).toBeLessThanOrEqual(budget);
    expect(result.state.flopUsed).toBe(perToken * result.state.tokens);
    // The next batch would not have fitted.
    const next = await base().data.read(result.state.dataPosition, 4);
    const nextTokens = next.reduce((n, p) => n + Math.min(p.query.length, 6) + Math.min(p.positive.length, 8), 0);
    expect(result.state.flopUsed + perToken * nextTokens).toBeGreaterThan(budget);
  });

  it('reports loss, learning rate, tokens, FLOP and throughput each step; compiles once', async () => {
    const events: TrainerEvent[] = [];
    await train(base({ steps: 4 }), collect(events));
    expect(events.map((e) => e.kind)).toEqual(['start', 'compile', 'step', 'step', 'step', 'step', 'end']);
    const steps = events.filter((e): e is Extract<TrainerEvent, { kind: 'step' }> => e.kind === 'step');
    steps.forEach((e, i) => {
      expect(e.learningRate).toBe(learningRate(i, 4, { peak: 1e-2 }));
      expect(e.loss).toBeGreaterThan(0);
      expect(e.tokensPerSecond).toBeGreaterThan(0);
      expect(e.flopPerSecond).toBeGreaterThan(0);
    });
    const pairs = await base().data.read(0, 16);
    const realTokens = pairs.reduce((n, p) => n + Math.min(p.query.length, 6) + Math.min(p.positive.length, 8), 0);
    expect(steps.at(-1)!.tokens).toBe(realTokens);
    expect(steps.at(-1)!.pairs).toBe(16);
  });

  it('runs a final partial batch at its own shape, or drops it', async () => {
    const pairs = await syntheticPairs({ vocabSize: 128, topics: 16 }).read(0, 10);
    const compiles = (events: TrainerEvent[]) => events.filter((e) => e.kind === 'compile').map((e) => (e.kind === 'compile' ? e.shape.B : 0));
    const ran: TrainerEvent[] = [];
    const r1 = await train(base({ data: arrayPairSource(pairs), steps: 10 }), collect(ran));
    expect(r1).toMatchObject({ reason: 'data', state: { step: 3, dataPosition: 10 } });
    expect(compiles(ran)).toEqual([4, 2]);
    const dropped: TrainerEvent[] = [];
    const r2 = await train(base({ data: arrayPairSource(pairs), steps: 10, partialBatch: 'drop' }), collect(dropped));
    expect(r2).toMatchObject({ reason: 'data', state: { step: 2, dataPosition: 8 } });
    expect(compiles(dropped)).toEqual([4]);
  });

  it('checkpoints every k steps and at the end; the files are written atomically (no temporaries left)', async () => {
    const seen: TrainerCheckpoint[] = [];
    const path = join(dir, 'every.safetensors');
    await train(base({ steps: 5, checkpointEvery: 2, onCheckpoint: async (c) => { seen.push(c); await writeTrainerCheckpointFile(path, c); } }));
    expect(seen.map((c) => c.state.step)).toEqual([2, 4, 5]);
    expect((await readTrainerCheckpointFile(path)).state.step).toBe(5);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('stops when aborted, validates options, and fails loudly on a non-finite loss', async () => {
    const controller = new AbortController();
    const r = await train(base({ steps: 10, signal: controller.signal }), (e) => e.kind === 'step' && e.step === 2 && controller.abort());
    expect(r).toMatchObject({ reason: 'aborted', state: { step: 2 } });
    await expect(train(base({ steps: 0 }))).rejects.toThrow(/options\.steps/);
    await expect(train(base({ batch: { B: 0, Tq: 6, Tp: 8 } }))).rejects.toThrow(/options\.batch\.B/);
    await expect(train(base({ method: { kind: 'freeze', trainableBlocks: 3 } }))).rejects.toThrow(/options\.method\.trainableBlocks/);
    await expect(train(base({ data: arrayPairSource([{ query: [1, 2], positive: [] }, { query: [3], positive: [4] }]), batch: { B: 2, Tq: 4, Tp: 4 } }))).rejects.toThrow(/batch\.positive\.0/);
    await expect(train(base({ data: arrayPairSource([{ query: [1, 999], positive: [2] }, { query: [3], positive: [4] }]), batch: { B: 2, Tq: 4, Tp: 4 } }))).rejects.toThrow(/token id in 0\.\.127/);
    await expect(train(base({ peakLearningRate: 1e300 }))).rejects.toThrow(/diverged/);
  });

  it('keeps frozen tensors resident on a backend that can (uploads them once)', async () => {
    const inner = referenceBackend();
    const uploads: string[] = [];
    const resident: Backend = {
      ...inner,
      name: 'resident-wrapper',
      support: { ...inner.support, resident: true },
      upload: async (t) => {
        uploads.push(t.shape.join('x'));
        return { kind: 'resident', backend: 'resident-wrapper', dtype: t.dtype, shape: t.shape, host: t } as never;
      },
      compile: async (graph) => {
        const exe = await inner.compile(graph);
        return { ...exe, run: (feeds) => exe.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, 'kind' in f ? (f as unknown as { host: never }).host : f]))) };
      },
    };
    const r = await train(base({ backend: resident, method: { kind: 'bias' }, steps: 3 }));
    expect(r.state.step).toBe(3);
    // bias-only: every weight (not bias) is frozen and uploaded exactly once for 3 steps; every bias
    // and its two moments are uploaded once too (this wrapper then returns them on the host).
    const frozen = [...tinyParameters('f64').keys()].filter((n) => !n.endsWith('.bias'));
    expect(uploads.length).toBe(frozen.length + 3 * r.state.trainable.length);
  });
});
