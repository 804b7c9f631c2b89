/**
 * Test helper for the export tests: a tiny GPT-NeoX base (config.json + weights), trainer
 * checkpoints of real short runs on it (LoRA with the embed_in adapter, bias-only), and the
 * reference embedder, so every test compares real embeddings. Not a test itself.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { hostTensor, type HostTensor } from '../engine/host-tensor.js';
import { EMBEDDING_INPUTS, EMBEDDING_OUTPUTS, buildEmbeddingGraph } from '../model/embedding-graph.js';
import type { FineTuningMethod } from '../methods/method.js';
import { type ParameterMap, parameterFeeds } from '../model/parameter-map.js';
import { referenceBackend } from '../reference/backend.js';
import type { TrainerCheckpoint } from '../train/checkpoint.js';
import { syntheticPairs } from '../train/pairs.js';
import { TINY, tinyParameters } from '../train/tiny-model.test-helper.js';
import { train } from '../train/trainer.js';

export const TINY_CONFIG = {
  architectures: ['GPTNeoXModel'],
  model_type: 'gpt_neox',
  vocab_size: 128,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 128,
  hidden_act: 'gelu',
  rotary_pct: 0.25,
  rotary_emb_base: 10000,
  max_position_embeddings: 64,
  layer_norm_eps: 1e-5,
  use_parallel_residual: true,
  attention_bias: true,
  tie_word_embeddings: false,
};

export const tinyBase = () => ({ architecture: TINY, config: TINY_CONFIG, parameters: tinyParameters('f32', 3) });

export async function trainedCheckpoint(method: FineTuningMethod, steps = 2): Promise<TrainerCheckpoint> {
  const result = await train({
    backend: referenceBackend(),
    architecture: TINY,
    method,
    parameters: tinyParameters('f32', 3),
    data: syntheticPairs({ vocabSize: 128, topics: 8 }),
    batch: { B: 4, Tq: 6, Tp: 8 },
    steps,
    peakLearningRate: 5e-2,
    warmupFraction: 0,
  });
  return result.checkpoint;
}

export const IDS = [
  [5, 17, 99, 3, 42, 8],
  [11, 64, 2, 90],
];

/** Mean-pooled embeddings of IDS (right-padded) on the reference backend, as rows. */
export async function embed(arch: ModelArchitecture, params: ParameterMap, options: { method?: FineTuningMethod; loraEmbedIn?: boolean; adapters?: ParameterMap; dtype?: 'f32' | 'f64' } = {}): Promise<number[][]> {
  const B = IDS.length;
  const T = Math.max(...IDS.map((r) => r.length));
  const dtype = options.dtype ?? 'f32';
  const built = buildEmbeddingGraph(arch, { B, T }, { dtype, ...(options.method ? { method: options.method } : {}), ...(options.loraEmbedIn !== undefined ? { loraEmbedIn: options.loraEmbedIn } : {}) });
  const ids = new Int32Array(B * T);
  const mask = new Int32Array(B * T);
  IDS.forEach((r, i) => r.forEach((id, t) => ((ids[i * T + t] = id), (mask[i * T + t] = 1))));
  const cast = (m: ParameterMap) => new Map([...m].map(([n, t]) => [n, t.dtype === dtype ? t : hostTensor(dtype, t.shape, t.data)] as [string, HostTensor]));
  const exe = await referenceBackend().compile(built.graph);
  const out = await exe.run({ [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], ids), [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], mask), ...parameterFeeds(built.graph, cast(params), cast(options.adapters ?? new Map())) });
  exe.dispose();
  const e = out[EMBEDDING_OUTPUTS.embedding]!;
  const C = e.shape[1]!;
  return Array.from({ length: B }, (_, r) => Array.from(e.data.subarray(r * C, (r + 1) * C)));
}

export function maxRelativeDifference(a: number[][], b: number[][]): number {
  let diff = 0;
  let scale = 0;
  a.flat().forEach((x, i) => {
    diff = Math.max(diff, Math.abs(x - b.flat()[i]!));
    scale = Math.max(scale, Math.abs(x));
  });
  return diff / scale;
}
