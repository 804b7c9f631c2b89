/**
 * Parameter counts by group, counted the way the authors' code counts them: "non-embedding" means
 * every parameter whose name does not contain `emb` (so LayerNorms and biases count, embed_in does not).
 *
 *   per block  = 4d² + 4d (attention: fused QKV 3d²+3d, dense d²+d)
 *              + 2dI + I + d (MLP: dense_h_to_4h dI+I, dense_4h_to_h Id+d)
 *              + 4d (two LayerNorms)                              = 12d² + 13d when I = 4d
 *   N          = L·block + 2d (final LayerNorm)                    (PAPER.md, "our derivation")
 *
 * Not the FLOP model (flops/) and not a checkpoint inspector: these are formulas of the architecture.
 */
import { ValidationError } from '../errors.js';
import type { ModelArchitecture } from './architecture.js';
import { checkedArchitecture } from './resolve-model.js';

export interface ParameterCounts {
  /** N: every parameter whose name lacks `emb`. */
  readonly nonEmbedding: number;
  /** embed_in (V·d). The embedding model has no embed_out; a causal-LM checkpoint has another V·d. */
  readonly embedding: number;
  /** One transformer block, LayerNorms included. */
  readonly perBlock: number;
  /** The final LayerNorm (weight and bias). */
  readonly finalLayerNorm: number;
  /** Every `bias` tensor, LayerNorm biases included: what bias-only tuning trains. */
  readonly biases: number;
  /** Total of the embedding model: nonEmbedding + embedding. */
  readonly total: number;
}

export function parameterCounts(model: ModelArchitecture): ParameterCounts {
  const { numLayers: L, hiddenSize: d, intermediateSize: I, vocabSize: V } = checkedArchitecture(model);
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
 * per block r·(4d + 2d + (d + I) + (I + d)) = 16·d·r when I = 4d — PAPER.md's N_lora = 16·L·d·r.
 * The embed_in adapter (r·(V + d)) is reported apart, since the paper's FLOP count leaves it out.
 */
export function loraParameterCounts(model: ModelArchitecture, rank: number): { blocks: number; embedIn: number } {
  const { numLayers: L, hiddenSize: d, intermediateSize: I, vocabSize: V } = checkedArchitecture(model);
  if (!Number.isSafeInteger(rank) || rank < 1 || rank > 65_536) throw new ValidationError('rank', rank, 'an integer in 1..65536 (LoRA rank)');
  const perBlock = rank * ((d + 3 * d) + (d + d) + (d + I) + (I + d));
  return { blocks: L * perBlock, embedIn: rank * (V + d) };
}
