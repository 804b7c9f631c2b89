/**
 * The trainer on a backend that keeps tensors resident (the counting test backend): what crosses
 * between host and device per step and per checkpoint, that the resident run equals the host
 * round-trip run bit for bit, and that every handle is released — at the end, on error and on abort;
 * the same for GradCache steps (miniBatch), whose gradient sums also stay on the device.
 */
import { describe, expect, it } from 'vitest';
import type { FineTuningMethod } from '../methods/method.js';
import { TRAINING_INPUTS } from '../model/training-graph.js';
import { type Transfer, countingBackend } from '../testing/counting-backend.js';
import { gradientSumName } from '../grad-cache/accumulate-graph.js';
import { UPSTREAM_INPUT } from '../grad-cache/chunk-backward-graph.js';
import { EMBEDDING_LOSS_INPUTS, EMBEDDING_LOSS_OUTPUTS } from '../grad-cache/embedding-loss-graph.js';
import { EMBEDDING_INPUTS, EMBEDDING_OUTPUTS } from '../model/embedding-graph.js';
import { ADAMW_INPUTS, momentName } from './adamw.js';
import type { TrainerCheckpoint } from './checkpoint.js';
import { syntheticPairs } from './pairs.js';
import { TINY, tinyParameters } from './tiny-model.test-helper.js';
import { type TrainerEvent, type TrainerOptions, train } from './trainer.js';

const BATCH = Object.values(TRAINING_INPUTS);
const SCALARS = Object.values(ADAMW_INPUTS);

const options = (backend: TrainerOptions['backend'], method: FineTuningMethod, overrides: Partial<TrainerOptions> = {}): TrainerOptions => ({
  backend,
  architecture: TINY,
  method,
  parameters: tinyParameters('f64'),
  data: syntheticPairs({ vocabSize: TINY.vocabSize, topics: 16, seed: 3 }),
  batch: { B: 4, Tq: 6, Tp: 8 },
  steps: 4,
  peakLearningRate: 1e-2,
  dtype: 'f64',
  ...overrides,
});

describe('trainer with resident tensors (counting backend)', () => {
  for (const method of [{ kind: 'full' }, { kind: 'lora', rank: 2 }] as const) {
    it(`${method.kind}: a step moves only the batch (and 3 scalars) in and the loss out; a checkpoint downloads each state tensor once`, async () => {
      const backend = countingBackend();
      const checkpoints: TrainerCheckpoint[] = [];
      // Each event with the transfers since the previous one: a step's run, or a checkpoint's downloads.
      const windows: { kind: TrainerEvent['kind']; transfers: Transfer[] }[] = [];
      let seen = 0;
      const result = await train(options(backend, method, { checkpointEvery: 2, onCheckpoint: (c) => void checkpoints.push(c) }), (e) => {
        windows.push({ kind: e.kind, transfers: backend.transfers.slice(seen) });
        seen = backend.transfers.length;
      });
      expect(result.reason).toBe('steps');
      const trainable = result.state.trainable;
      const state = trainable.flatMap((n) => [n, momentName('m', n), momentName('v', n)]).sort();
      // Before the first step: the frozen tensors (none for full) and the state, uploaded once.
      expect(windows[0]!.transfers.every((t) => t.via === 'upload')).toBe(true);
      const steps = windows.filter((w) => w.kind === 'step');
      expect(steps).toHaveLength(4);
      for (const w of steps) {
        const toDevice = w.transfers.filter((t) => t.direction === 'to-device');
        const toHost = w.transfers.filter((t) => t.direction === 'to-host');
        expect(toDevice.map((t) => t.name).sort()).toEqual([...BATCH, ...SCALARS].sort());
        expect(toDevice.reduce((n, t) => n + t.bytes, 0)).toBe(4 * 6 * 4 * 2 + 4 * 8 * 4 * 2 + 3 * 8); // i32 ids and masks, three f64 scalars
        expect(toHost.map((t) => t.name)).toEqual(['loss']);
        expect(toHost[0]!.bytes).toBe(8);
      }
      // Each checkpoint downloads every trainable tensor and both moments exactly once, and nothing else.
      const saves = windows.filter((w) => w.kind === 'checkpoint');
      expect(saves).toHaveLength(2);
      for (const w of saves) {
        expect(w.transfers.every((t) => t.via === 'download')).toBe(true);
        expect(w.transfers.map((t) => t.name).sort()).toEqual(state);
      }
      // The final checkpoint and the result share the step-4 download: nothing crossed after it.
      expect(windows.at(-1)!.kind).toBe('end');
      expect(windows.at(-1)!.transfers).toEqual([]);
      expect(backend.transfers.slice(seen)).toEqual([]);
      expect(checkpoints.map((c) => c.state.step)).toEqual([2, 4]);
      expect(backend.liveHandles()).toBe(0);
      expect(backend.liveExecutables()).toBe(0);
      console.log(`${method.kind}: per step ${4 * 6 * 4 * 2 + 4 * 8 * 4 * 2 + 3 * 8} bytes in, 8 out; ${state.length} state tensors stayed resident`);
    });
  }

  it('equals the host round-trip run bit for bit, and reads the loss only every lossEvery steps', async () => {
    const method = { kind: 'lora', rank: 2 } as const;
    const resident = countingBackend();
    const host = countingBackend({ resident: false });
    const residentEvents: TrainerEvent[] = [];
    const a = await train(options(resident, method, { lossEvery: 2 }), (e) => residentEvents.push(e));
    const b = await train(options(host, method));
    for (const [name, t] of b.checkpoint.parameters) expect(Buffer.from(a.checkpoint.parameters.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    for (const [name, t] of b.checkpoint.moments) expect(Buffer.from(a.checkpoint.moments.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    expect(residentEvents.flatMap((e) => (e.kind === 'step' ? [e.loss === undefined] : []))).toEqual([true, false, true, false]);
    expect(a.lastLoss).toBe(b.lastLoss);
    // Without residency every state tensor comes back to the host each step (and goes in again).
    let stateBytes = 0;
    for (const t of [...b.checkpoint.parameters.values(), ...b.checkpoint.moments.values()]) stateBytes += t.data.byteLength;
    const runBytes = (backend: typeof host) => backend.transfers.filter((t) => t.direction === 'to-host' && t.via === 'run').reduce((n, t) => n + t.bytes, 0);
    expect(runBytes(host)).toBe(4 * (stateBytes + 8));
    expect(runBytes(resident)).toBe(2 * 8);
    expect(resident.transfers.filter((t) => t.direction === 'to-host' && t.via === 'run').map((t) => t.name)).toEqual(['loss', 'loss']);
  });

  it('GradCache: parameters, moments and the gradient sums stay resident; a step moves the batch, embeddings and their gradients, and equals the host run bit for bit', async () => {
    const B = 4;
    const C = TINY.hiddenSize;
    const backend = countingBackend();
    const host = countingBackend({ resident: false });
    const windows: { kind: TrainerEvent['kind']; transfers: Transfer[] }[] = [];
    let seen = 0;
    const checkpoints: TrainerCheckpoint[] = [];
    const gc = { miniBatch: 2, checkpointEvery: 2, onCheckpoint: (c: TrainerCheckpoint) => void checkpoints.push(c) };
    // GradCache reports its compiles after the step that caused them: those transfers belong to the step.
    const result = await train(options(backend, { kind: 'lora', rank: 2 }, gc), (e) => {
      if (e.kind === 'compile') return;
      windows.push({ kind: e.kind, transfers: backend.transfers.slice(seen) });
      seen = backend.transfers.length;
    });
    const trainable = result.state.trainable;
    const state = new Set(trainable.flatMap((n) => [n, momentName('m', n), momentName('v', n), gradientSumName(n)]));
    // Before the first step: the frozen tensors, the state and the zero gradient sums, uploaded once.
    expect(windows[0]!.transfers.every((t) => t.via === 'upload')).toBe(true);
    const steps = windows.filter((w) => w.kind === 'step');
    expect(steps).toHaveLength(4);
    const embeddingIn = [EMBEDDING_LOSS_INPUTS.query, EMBEDDING_LOSS_INPUTS.positive];
    const embeddingGrad = [EMBEDDING_LOSS_OUTPUTS.queryGradient, EMBEDDING_LOSS_OUTPUTS.positiveGradient];
    for (const w of steps) {
      expect(w.transfers.every((t) => t.via === 'run' && !state.has(t.name))).toBe(true);
      const toHost = w.transfers.filter((t) => t.direction === 'to-host');
      const toDevice = w.transfers.filter((t) => t.direction === 'to-device');
      // Out: each mini-batch's embeddings (2 a side), the loss and the two embedding gradients: B·C values a side each.
      expect(toHost.map((t) => t.name).sort()).toEqual([...Array(4).fill(EMBEDDING_OUTPUTS.embedding), ...embeddingGrad, 'loss'].sort());
      expect(toHost.reduce((n, t) => n + t.bytes, 0)).toBe(2 * B * C * 8 + 2 * B * C * 8 + 8);
      // In: ids and masks per mini-batch (embed and backward), the embeddings for the loss, the upstream rows, three scalars.
      expect(new Set(toDevice.map((t) => t.name))).toEqual(new Set([EMBEDDING_INPUTS.ids, EMBEDDING_INPUTS.mask, UPSTREAM_INPUT, ...embeddingIn, ...SCALARS]));
    }
    // A checkpoint downloads each trainable tensor and moment once (the sums are zero between steps and not saved).
    for (const w of windows.filter((x) => x.kind === 'checkpoint')) {
      expect(w.transfers.every((t) => t.via === 'download')).toBe(true);
      expect(w.transfers.map((t) => t.name).sort()).toEqual(trainable.flatMap((n) => [n, momentName('m', n), momentName('v', n)]).sort());
    }
    expect(checkpoints.map((c) => c.state.step)).toEqual([2, 4]);
    expect(backend.liveHandles()).toBe(0);
    expect(backend.liveExecutables()).toBe(0);
    const b = await train(options(host, { kind: 'lora', rank: 2 }, { miniBatch: 2 }));
    for (const [name, t] of b.checkpoint.parameters) expect(Buffer.from(result.checkpoint.parameters.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    for (const [name, t] of b.checkpoint.moments) expect(Buffer.from(result.checkpoint.moments.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    // Errors release too.
    const diverging = countingBackend();
    await expect(train(options(diverging, { kind: 'full' }, { miniBatch: 2, peakLearningRate: 1e300 }))).rejects.toThrow(/diverged/);
    expect(diverging.liveHandles()).toBe(0);
    expect(diverging.liveExecutables()).toBe(0);
  });

  it('releases everything on error and on abort', async () => {
    const diverging = countingBackend();
    await expect(train(options(diverging, { kind: 'full' }, { peakLearningRate: 1e300 }))).rejects.toThrow(/diverged/);
    expect(diverging.liveHandles()).toBe(0);
    expect(diverging.liveExecutables()).toBe(0);

    const aborted = countingBackend();
    const controller = new AbortController();
    const r = await train(options(aborted, { kind: 'bias' }, { steps: 10, signal: controller.signal }), (e) => e.kind === 'step' && e.step === 2 && controller.abort());
    expect(r.reason).toBe('aborted');
    expect(aborted.liveHandles()).toBe(0);

    // A consumer that stops iterating the generator early also releases (the generator's finally).
    const early = countingBackend();
    const { trainEvents } = await import('./trainer.js');
    const events = trainEvents(options(early, { kind: 'full' }));
    for await (const e of events) if (e.kind === 'step') break;
    expect(early.liveHandles()).toBe(0);
  });
});
