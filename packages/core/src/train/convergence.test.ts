/**
 * Acceptance (issue 4): the trainer drives a tiny GPT-NeoX's in-batch InfoNCE loss on synthetic
 * paired data from about ln B to below 0.3·ln B. The real training graph (GPT-NeoX ∘ full
 * fine-tuning ∘ mean pool ∘ symmetric InfoNCE at inverse temperature 40, AdamW appended), reference
 * backend, f32, B = 8, 80 steps of the paper's schedule. The loss is measured before and after on
 * the same 8 held-out batches (data positions never trained on), so it is generalisation, not
 * memorisation of the last batch.
 */
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../engine/host-tensor.js';
import { parameterFeeds } from '../model/parameter-map.js';
import { buildLossGraph, LOSS_OUTPUT } from '../model/training-graph.js';
import { referenceBackend } from '../reference/index.js';
import { padBatch } from './batch.js';
import { syntheticPairs } from './pairs.js';
import { TINY, tinyParameters } from './tiny-model.test-helper.js';
import { type TrainerEvent, train } from './trainer.js';

const B = 8;
const SHAPE = { B, Tq: 6, Tp: 8 };
const HELD_OUT = 1_000_000;

describe('trainer acceptance', () => {
  it('drives the in-batch InfoNCE loss from ≈ ln B to below 0.3·ln B', async () => {
    const backend = referenceBackend();
    const data = syntheticPairs({ vocabSize: TINY.vocabSize, topics: 16, seed: 3 });
    const evaluator = backend.compileSync(buildLossGraph(TINY, { kind: 'full' }, SHAPE, { dtype: 'f32' }).graph);
    const heldOutLoss = async (params: ReadonlyMap<string, HostTensor>) => {
      let sum = 0;
      for (let k = 0; k < 8; k++) {
        const batch = padBatch(await data.read(HELD_OUT + k * B, B), SHAPE);
        sum += evaluator.runSync({ ...batch.feeds, ...parameterFeeds(evaluator.graph, params) })[LOSS_OUTPUT]!.data[0]!;
      }
      return sum / 8;
    };
    const initial = tinyParameters('f32');
    const before = await heldOutLoss(initial);
    const events: TrainerEvent[] = [];
    const result = await train(
      { backend, architecture: TINY, method: { kind: 'full' }, parameters: initial, data, batch: SHAPE, steps: 80, peakLearningRate: 1e-2, dtype: 'f32' },
      (e) => events.push(e),
    );
    const after = await heldOutLoss(result.parameters);
    const losses = events.flatMap((e) => (e.kind === 'step' ? [e.loss!] : []));
    const lnB = Math.log(B);
    console.log(
      `InfoNCE, B = ${B}: held-out loss ${before.toFixed(3)} → ${after.toFixed(3)} (ln B = ${lnB.toFixed(3)}, 0.3·ln B = ${(0.3 * lnB).toFixed(3)}); ` +
        `training batches ${losses[0]!.toFixed(3)} → mean of last 10 ${(losses.slice(-10).reduce((a, b) => a + b, 0) / 10).toFixed(3)}`,
    );
    expect(result.reason).toBe('steps');
    expect(Math.abs(before - lnB)).toBeLessThan(0.1 * lnB);
    expect(after).toBeLessThan(0.3 * lnB);
  }, 60_000);
});
