/**
 * Parameter counts by group, counted the way the authors' code counts them: "non-embedding" means
 * every parameter whose name does not contain `emb` (so LayerNorms and biases count, embed_in does not).
 *
 *   per block  = 4d² + 4d (attention: fused QKV 3d²+3d, dense d²+d)
 *              + 2dI + I + d (MLP: dense_h_to_4h dI+I, dense_4h_to_h Id+d)
 *              + 4d (two LayerNorms)                              = 12d² + 13d when I = 4d
 *   N          = L·block + 2d (final LayerNorm)                    (docs/flops.md)
 *
 * Llama family (HS head size, NH query and KV k/v heads; Q = NH·HS, K = KV·HS):
 *
 *   per block  = d·Q + d·K + d·K + Q·d       (q_proj, k_proj, v_proj, o_proj weights)
 *              + [Q + 2K if q/k/v biases] + [d if o_proj bias]
 *              + 2·HS                       (Qwen3's q_norm, k_norm)
 *              + 3·d·I + [2I + d if mlp_bias] (gate_proj, up_proj, down_proj)
 *              + 2d                         (input_layernorm, post_attention_layernorm: RMSNorm, weight only)
 *   N          = L·block + d                 (final norm); embed_tokens (V·d) is the embedding.
 *
 * lm_head is not part of the embedding model, tied or not, so it is counted in neither.
 *
 * Not the FLOP model (flops/) and not a checkpoint inspector: these are formulas of the architecture.
 */
import { ValidationError } from '../errors.js';
import type { GptNeoxArchitecture, ModelArchitecture } from './architecture.js';
import type { LlamaArchitecture } from './llama-architecture.js';
import { checkedArchitecture } from './resolve-model.js';

export interface ParameterCounts {
  /** N: every parameter whose name lacks `emb`. */
  readonly nonEmbedding: number;
  /** embed_in (V·d). The embedding model has no embed_out; a causal-LM checkpoint has another V·d. */
  readonly embedding: number;
  /** One transformer block, LayerNorms included. */
  readonly perBlock: number;
  /** The final norm (GPT-NeoX LayerNorm: weight and bias; Llama RMSNorm: weight). */
  readonly finalLayerNorm: number;
  /** Every `bias` tensor, LayerNorm biases included: what bias-only tuning trains. */
  readonly biases: number;
  /** Total of the embedding model: nonEmbedding + embedding. */
  readonly total: number;
}

export function parameterCounts(model: ModelArchitecture): ParameterCounts {
  const a = checkedArchitecture(model);
  return a.kind === 'llama' ? llamaParameterCounts(a) : gptNeoxParameterCounts(a);
}

function llamaParameterCounts(model: LlamaArchitecture): ParameterCounts {
  const { numLayers: L, hiddenSize: d, intermediateSize: I, vocabSize: V } = model;
  const { Q, K } = llamaProjectionWidths(model);
  const attentionBiases = (model.qkvBias ? Q + 2 * K : 0) + (model.outputBias ? d : 0);
  const mlpBiases = model.mlpBias ? 2 * I + d : 0;
  const attention = d * Q + 2 * d * K + Q * d + attentionBiases + (model.qkNorm ? 2 * model.headDim : 0);
  const mlp = 3 * d * I + mlpBiases;
  const perBlock = attention + mlp + 2 * d;
  const finalLayerNorm = d;
  const nonEmbedding = L * perBlock + finalLayerNorm;
  const embedding = V * d;
  return { nonEmbedding, embedding, perBlock, finalLayerNorm, biases: L * (attentionBiases + mlpBiases), total: nonEmbedding + embedding };
}

/** Q = NH·HS (q_proj's output width), K = KV·HS (k_proj's and v_proj's). */
export function llamaProjectionWidths(model: LlamaArchitecture): { Q: number; K: number } {
  return { Q: model.numHeads * model.headDim, K: model.numKeyValueHeads * model.headDim };
}

function gptNeoxParameterCounts(model: GptNeoxArchitecture): ParameterCounts {
  const { numLayers: L, hiddenSize: d, intermediateSize: I, vocabSize: V } = model;
  const attention = 3 * d * d + 3 * d + d * d + d;
  const mlp = d * I + I + I * d + d;
  const layerNorms = 4 * d;
  const perBlock = attention + mlp + layerNorms;
  const finalLayerNorm = 2 * d;
  const nonEmbedding = L * perBlock + finalLayerNorm;
  const embedding = V * d;
  // Biases per block: two LayerNorm biases (2d), QKV (3d), dense (d), h_to_4h (I), 4h_to_h (d).
  const biases = L * (2 * d + 3 * d + d + I + d) + d;
  return { nonEmbedding, embedding, perBlock, finalLayerNorm, biases, total: nonEmbedding + embedding };
}

/**
 * LoRA adapter parameters for rank r on the paper's targets in every block (query_key_value, dense,
 * dense_h_to_4h, dense_4h_to_h): an adapter on a (in → out) matrix has r·(in + out) parameters, so
 * per block r·(4d + 2d + (d + I) + (I + d)) = 16·d·r when I = 4d — the paper's N_lora = 16·L·d·r.
 * The embed_in adapter (r·(V + d)) is reported apart, since the paper's FLOP count leaves it out.
 * Llama family: per block r·((d+Q) + 2(d+K) + (Q+d) + 2(d+I) + (I+d)) on PEFT's q_proj, k_proj,
 * v_proj, o_proj, gate_proj, up_proj, down_proj; = r·(8d + 3I) per block when K = Q = d; the
 * embed_tokens adapter r·(V + d) apart.
 */
export function loraParameterCounts(model: ModelArchitecture, rank: number): { blocks: number; embedIn: number } {
  const a = checkedArchitecture(model);
  if (!Number.isSafeInteger(rank) || rank < 1 || rank > 65_536) throw new ValidationError('rank', rank, 'an integer in 1..65536 (LoRA rank)');
  if (a.kind === 'llama') {
    // PEFT's seven Llama targets, each (in → out): q d→Q, k d→K, v d→K, o Q→d, gate d→I, up d→I, down I→d.
    // The embed_tokens adapter (r·(V + d)) is reported apart, as embed_in's is for GPT-NeoX.
    const { hiddenSize: d, intermediateSize: I, vocabSize: V } = a;
    const { Q, K } = llamaProjectionWidths(a);
    const perBlock = rank * ((d + Q) + 2 * (d + K) + (Q + d) + 2 * (d + I) + (I + d));
    return { blocks: a.numLayers * perBlock, embedIn: rank * (V + d) };
  }
  const { numLayers: L, hiddenSize: d, intermediateSize: I, vocabSize: V } = a;
  const perBlock = rank * ((d + 3 * d) + (d + d) + (d + I) + (I + d));
  return { blocks: L * perBlock, embedIn: rank * (V + d) };
}
