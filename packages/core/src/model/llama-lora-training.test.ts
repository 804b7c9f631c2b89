/**
 * Training a tiny Llama-family model with LoRA through the real trainer (`train()`, reference
 * backend, f32) lowers its held-out InfoNCE loss: a Llama config with grouped-query attention
 * (4 query heads, 2 k/v heads), HF-style random weights (randomGptNeoXParameters initialises every
 * family), LoRA r = 8 on PEFT's seven projections and embed_tokens, on synthetic pairs. The loss is
 * measured before and after on held-out batches (data positions never trained on) with the same
 * LoRA graph, so it is generalisation. A second run with last-token pooling checks the trainer
 * appends the EOS (the pad id) that pooling reads and still learns.
 */
import { describe, expect, it } from 'vitest';
import { readLlamaConfig } from '../catalog/llama-architecture.js';
import type { HostTensor } from '../engine/host-tensor.js';
import type { FineTuningMethod } from '../methods/method.js';
import { referenceBackend } from '../reference/index.js';
import { padBatch } from '../train/batch.js';
import { syntheticPairs } from '../train/pairs.js';
import { randomGptNeoXParameters } from '../train/random-parameters.js';
import { type TrainerEvent, train } from '../train/trainer.js';
import { initAdapters } from './lora.js';
import { parameterFeeds } from './parameter-map.js';
import { type Pooling } from './pooling.js';
import { LOSS_OUTPUT, buildLossGraph } from './training-graph.js';

const { architecture: TINY_LLAMA } = readLlamaConfig(
  { model_type: 'llama', num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 64, vocab_size: 128, max_position_embeddings: 64, rms_norm_eps: 1e-6 },
  'tiny-llama',
);
const B = 8;
const SHAPE = { B, Tq: 6, Tp: 8 };
const HELD_OUT = 1_000_000;
const LORA: FineTuningMethod = { kind: 'lora', rank: 8, alpha: 16 };

async function run(pooling: Pooling) {
  const backend = referenceBackend();
  const data = syntheticPairs({ vocabSize: TINY_LLAMA.vocabSize, topics: 16, seed: 5 });
  const lossGraph = buildLossGraph(TINY_LLAMA, LORA, SHAPE, { dtype: 'f32', pooling });
  const evaluator = backend.compileSync(lossGraph.graph);
  const heldOutLoss = async (params: ReadonlyMap<string, HostTensor>) => {
    let sum = 0;
    for (let k = 0; k < 6; k++) {
      const batch = padBatch(await data.read(HELD_OUT + k * B, B), SHAPE, pooling === 'last' ? { eosId: 0 } : {});
      sum += evaluator.runSync({ ...batch.feeds, ...parameterFeeds(evaluator.graph, params) })[LOSS_OUTPUT]!.data[0]!;
    }
    return sum / 6;
  };
  const parameters = randomGptNeoXParameters(TINY_LLAMA, { seed: 2, dtype: 'f32' });
  const adapters = initAdapters(lossGraph.plan, { seed: 3, dtype: 'f32' });
  const before = await heldOutLoss(new Map([...parameters, ...adapters]));
  const events: TrainerEvent[] = [];
  const result = await train(
    { backend, architecture: TINY_LLAMA, method: LORA, parameters, adapters, data, batch: SHAPE, steps: 40, peakLearningRate: 1e-2, dtype: 'f32', pooling },
    (e) => events.push(e),
  );
  const after = await heldOutLoss(result.parameters);
  return { before, after, result, events };
}

describe('Llama-family LoRA through the trainer', () => {
  for (const pooling of ['mean', 'last'] as const) {
    it(`${pooling} pooling: the held-out loss falls`, async () => {
      const { before, after, result, events } = await run(pooling);
      const start = events.find((e) => e.kind === 'start');
      console.info(`tiny Llama (GQA 4/2) LoRA r=8, ${pooling} pooling, 40 steps of B = ${B}: held-out loss ${before.toFixed(3)} → ${after.toFixed(3)} (ln B = ${Math.log(B).toFixed(3)})`);
      expect(result.reason).toBe('steps');
      expect(result.state.trainable.every((n) => n.includes('lora_'))).toBe(true);
      expect(result.state.trainable).toContain('embed_tokens.lora_embedding_B');
      expect(start?.kind === 'start' && start.trainable).toBeGreaterThan(0);
      expect(after).toBeLessThan(0.7 * before);
    }, 60_000);
  }
});
