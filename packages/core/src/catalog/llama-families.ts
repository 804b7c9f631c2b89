/**
 * Catalogs of three public Llama-family model families, for planning over a family
 * (`optimalRecipe(budget, { models: 'qwen3' })`): SmolLM2 (Hugging Face, model_type llama), Qwen2.5
 * (Alibaba, qwen2) and Qwen3 (Alibaba, qwen3), three sizes each. Not a downloader and not the engine.
 *
 * Where the numbers come from: each entry restates the fields of the model's published `config.json`
 * on the Hugging Face hub (HuggingFaceTB/SmolLM2-135M, -360M, -1.7B; Qwen/Qwen2.5-0.5B, -1.5B, -3B;
 * Qwen/Qwen3-0.6B, -1.7B, -4B, file `config.json` at the main branch) as recalled by the author. No
 * session so far could reach the hub, so none was checked against the live files. A second session
 * re-read every field against its own recollection (they agree), and the tests check the counts
 * against the sizes the model cards publish (Qwen3: 0.6B / 1.7B / 4.0B total, 0.44B / 1.4B / 3.6B
 * non-embedding; Qwen2.5: 0.49B / 1.54B / 3.09B and 0.36B / 1.31B / 2.77B; SmolLM2 totals 135M /
 * 360M / 1.7B). rope_theta, rms_norm_eps and max_position_embeddings enter no count, so nothing
 * independent checks them (docs/models.md). A user with the real file should prefer
 * `architectureFromConfig(config)`: it reads every field.
 *
 * Pre-training learning rates are left out: the model cards do not publish them in a form this
 * library can cite.
 */
import type { LlamaArchitecture, LlamaModelType } from './llama-architecture.js';

interface FamilyRow {
  readonly name: string;
  readonly L: number;
  readonly d: number;
  readonly NH: number;
  readonly KV: number;
  readonly HS: number;
  readonly I: number;
  readonly positions: number;
  readonly theta: number;
}

interface FamilyCommon {
  readonly modelType: LlamaModelType;
  readonly vocabSize: number;
  readonly rmsNormEps: number;
  readonly tieWordEmbeddings: boolean;
}

function family(common: FamilyCommon, rows: readonly FamilyRow[]): Record<string, LlamaArchitecture> {
  const out: Record<string, LlamaArchitecture> = {};
  for (const r of rows) {
    out[r.name] = {
      kind: 'llama',
      modelType: common.modelType,
      name: r.name,
      numLayers: r.L,
      hiddenSize: r.d,
      numHeads: r.NH,
      numKeyValueHeads: r.KV,
      headDim: r.HS,
      intermediateSize: r.I,
      vocabSize: common.vocabSize,
      maxPositionEmbeddings: r.positions,
      rotaryPct: 1,
      rotaryEmbBase: r.theta,
      layerNormEps: common.rmsNormEps,
      useParallelResidual: false,
      qkvBias: common.modelType === 'qwen2',
      outputBias: false,
      mlpBias: false,
      qkNorm: common.modelType === 'qwen3',
      tieWordEmbeddings: common.tieWordEmbeddings,
      hiddenAct: 'silu',
    };
  }
  return out;
}

/** SmolLM2 base models: model_type llama, vocab 49,152, rms_norm_eps 1e-5, tied embeddings. */
export const SMOLLM2 = family({ modelType: 'llama', vocabSize: 49152, rmsNormEps: 1e-5, tieWordEmbeddings: true }, [
  { name: 'smollm2-135m', L: 30, d: 576, NH: 9, KV: 3, HS: 64, I: 1536, positions: 8192, theta: 100000 },
  { name: 'smollm2-360m', L: 32, d: 960, NH: 15, KV: 5, HS: 64, I: 2560, positions: 8192, theta: 100000 },
  { name: 'smollm2-1.7b', L: 24, d: 2048, NH: 32, KV: 32, HS: 64, I: 8192, positions: 8192, theta: 130000 },
]);

/** Qwen2.5 base models: model_type qwen2 (q/k/v biases), vocab 151,936, rms_norm_eps 1e-6, rope_theta 1e6, tied embeddings. */
export const QWEN2_5 = family({ modelType: 'qwen2', vocabSize: 151936, rmsNormEps: 1e-6, tieWordEmbeddings: true }, [
  { name: 'qwen2.5-0.5b', L: 24, d: 896, NH: 14, KV: 2, HS: 64, I: 4864, positions: 32768, theta: 1e6 },
  { name: 'qwen2.5-1.5b', L: 28, d: 1536, NH: 12, KV: 2, HS: 128, I: 8960, positions: 131072, theta: 1e6 },
  { name: 'qwen2.5-3b', L: 36, d: 2048, NH: 16, KV: 2, HS: 128, I: 11008, positions: 32768, theta: 1e6 },
]);

/** Qwen3 base models: model_type qwen3 (q_norm/k_norm, no biases), head_dim 128, vocab 151,936, rms_norm_eps 1e-6, rope_theta 1e6, tied embeddings. */
export const QWEN3 = family({ modelType: 'qwen3', vocabSize: 151936, rmsNormEps: 1e-6, tieWordEmbeddings: true }, [
  { name: 'qwen3-0.6b', L: 28, d: 1024, NH: 16, KV: 8, HS: 128, I: 3072, positions: 40960, theta: 1e6 },
  { name: 'qwen3-1.7b', L: 28, d: 2048, NH: 16, KV: 8, HS: 128, I: 6144, positions: 40960, theta: 1e6 },
  { name: 'qwen3-4b', L: 36, d: 2560, NH: 32, KV: 8, HS: 128, I: 9728, positions: 40960, theta: 1e6 },
]);
