/**
 * Training FLOP of fine-tuning a model with a method on D tokens.
 *
 * `paper` accounting (default) is exactly the authors' (docs/flops.md): forward 2N per token, backward
 * 2N for activation gradients plus 2N for weight gradients, restricted to what each method needs:
 *
 *   method   forward          backward (activations)   backward (weights)   total per token
 *   full     2N               2N                       2N                   6N
 *   freeze   2N               2N_tr                    2N_tr                2N + 4N_tr
 *   bias     2N               2N                       2N_tr                4N + 2N_tr
 *   lora     2(N + N_lora)    2(N + N_lora)            2N_lora              4N + 6N_lora
 *
 * Attention scores, the embedding, padding and checkpoint recomputation are not counted.
 *
 * `detailed` accounting adds what really runs beyond that (docs/flops.md has the derivations), for a
 * sequence length T: attention scores QKᵀ and A·V (forward 4·T·d per token per block, backward twice
 * that in every block the gradient passes through), the embedding gradient (a scatter-add, d per token,
 * full only), LoRA's embed_in adapter (forward 2·r·d, weight gradients 4·r·d per token) and an
 * estimate of the elementwise activation work (see `elementwisePerBlock`).
 *
 * Llama family: the same formulas with the family's N and N_tr (catalog/parameter-counts.ts); the
 * attention-score width is Q = NH·HS (not d: Qwen3's heads are wider than d/NH, and grouped-query
 * attention shrinks only k/v, not the scores); LoRA's embedding adapter sits on embed_tokens (same
 * 2·r·d + 4·r·d); bias-only's backward stops at block 0's projection biases, which `detailed` takes
 * off (llamaBiasPrunedPerToken); the elementwise estimate counts RMSNorm, SwiGLU and full-head RoPE
 * instead of LayerNorm and GELU.
 *
 * Totals are computed as (per-token total) × D so `paper` totals equal the paper's formulas bit for bit;
 * the three parts are each exact products too, so their sum may differ from the total in the last ulp.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { LlamaArchitecture } from '../catalog/llama-architecture.js';
import { llamaProjectionWidths, parameterCounts } from '../catalog/parameter-counts.js';
import { type ModelRef, resolveModel } from '../catalog/resolve-model.js';
import { checkMethod, type FineTuningMethod, trainableParameters } from '../methods/method.js';
import { ValidationError } from '../errors.js';
import { formatCount } from '../format.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { MAX_TOKENS } from './units.js';

export type FlopAccounting = 'paper' | 'detailed';
export const FlopAccountingSchema = z.enum(['paper', 'detailed'], expect('"paper" or "detailed"'));

export interface FlopBreakdown {
  readonly forward: number;
  readonly backwardActivations: number;
  readonly backwardWeights: number;
  readonly total: number;
}

export interface FlopOptions {
  /** Default `paper`. */
  readonly accounting?: FlopAccounting;
  /** T for the attention-score term of `detailed` accounting. Default 75 (the truncation length). */
  readonly sequenceLength?: number;
}

export const DEFAULT_SEQUENCE_LENGTH = 75;
/** ARCHITECTURE_LIMITS.maxPositionEmbeddings: no model reads a longer sequence. */
export const MAX_SEQUENCE_LENGTH = 1_048_576;

/** Options after validation: what the hot path (the optimizer) passes around. */
export interface ResolvedFlopOptions {
  readonly accounting: FlopAccounting;
  readonly sequenceLength: number;
}

const FlopOptionsSchema = z
  .object({
    accounting: FlopAccountingSchema.default('paper'),
    sequenceLength: integerAtLeast(1, 'tokens').refine((t) => t <= MAX_SEQUENCE_LENGTH, { error: `an integer in 1..${MAX_SEQUENCE_LENGTH} (tokens)` }).default(DEFAULT_SEQUENCE_LENGTH),
  })
  .strict();

export function resolveFlopOptions(options: unknown, field = 'options'): ResolvedFlopOptions {
  return validate(FlopOptionsSchema, options ?? {}, field);
}

/**
 * FLOP per training token, split by phase, for an already validated model and method. The optimizer
 * calls this for every candidate, so it validates nothing; public callers use `trainingFlops`.
 */
export function perTokenFlops(model: ModelArchitecture, method: FineTuningMethod, options: ResolvedFlopOptions): FlopBreakdown {
  const N = parameterCounts(model).nonEmbedding;
  const paper = paperPerToken(model, method, N);
  if (options.accounting === 'paper') return paper;
  const extra = detailedExtraPerToken(model, method, options.sequenceLength);
  const forward = paper.forward + extra.forward;
  const backwardActivations = paper.backwardActivations + extra.backwardActivations;
  const backwardWeights = paper.backwardWeights + extra.backwardWeights;
  return { forward, backwardActivations, backwardWeights, total: forward + backwardActivations + backwardWeights };
}

function paperPerToken(model: ModelArchitecture, method: FineTuningMethod, N: number): FlopBreakdown {
  const Ntr = trainableParameters(model, method);
  switch (method.kind) {
    case 'full':
      return { forward: 2 * N, backwardActivations: 2 * N, backwardWeights: 2 * N, total: 6 * N };
    case 'freeze':
      return { forward: 2 * N, backwardActivations: 2 * Ntr, backwardWeights: 2 * Ntr, total: 2 * N + 4 * Ntr };
    case 'bias':
      return { forward: 2 * N, backwardActivations: 2 * N, backwardWeights: 2 * Ntr, total: 4 * N + 2 * Ntr };
    case 'lora':
      return {
        forward: 2 * (N + Ntr),
        backwardActivations: 2 * (N + Ntr),
        backwardWeights: 2 * Ntr,
        total: 4 * N + 6 * Ntr,
      };
  }
}

/**
 * Elementwise activation work per token per block, forward, counting 1 FLOP per element per op (the
 * engine's convention): 8 per attention score and head (scale, mask, and softmax's max, subtract, exp,
 * sum, divide: 8·NH·T), exact GELU's 5 ops per MLP unit (5·I), and the two LayerNorm normalisations
 * with the residual adds (12·d). Backward does about twice that. An estimate from op counts, not an
 * exact tally: bias and LayerNorm affine work is already in the 2N terms.
 */
export function elementwisePerBlock(model: ModelArchitecture, T: number): number {
  if (model.kind === 'llama') return llamaElementwisePerBlock(model, T);
  return 8 * model.numHeads * T + 5 * model.intermediateSize + 12 * model.hiddenSize;
}

/**
 * The Llama-family analogue of the estimate above, same convention: 8·NH·T for the scores, SwiGLU's
 * silu(g)·u at 5 ops per MLP unit (negate, exp, add one, divide, multiply by u: 5·I), RoPE on q and k
 * at 3 ops per element (two products and a sum: 3·(Q + K)), the two RMSNorms at 5 ops per element
 * (square, sum, scale, multiply, weight: 10·d) with the two residual adds (2·d), and Qwen3's q/k norms
 * (5·(Q + K)). An estimate from op counts, not an exact tally.
 */
function llamaElementwisePerBlock(model: LlamaArchitecture, T: number): number {
  const { Q, K } = llamaProjectionWidths(model);
  return 8 * model.numHeads * T + 5 * model.intermediateSize + 3 * (Q + K) + 12 * model.hiddenSize + (model.qkNorm ? 5 * (Q + K) : 0);
}

/**
 * Bias-only on a Llama-family model: the lowest trainable tensors are block 0's projection biases,
 * not a norm at its input as in GPT-NeoX (whose LayerNorm biases make the gradient reach block 0's
 * input), so the backward stops there and what lies below is never built — the activation gradients
 * the paper's 2N charges for it. With q/k/v biases (Qwen2, Llama's attention_bias): the input
 * gradients of block 0's q_proj, k_proj, v_proj, 2·d·(Q + 2K). With MLP biases only (Llama's
 * mlp_bias): those of gate_proj and up_proj (4·d·I) and all of block 0's attention backward (its four
 * projections' input gradients, 2·d·(2Q + 2K), and the score products, 8·T·Q). Matmuls only; the
 * elementwise estimate is left as it is.
 */
function llamaBiasPrunedPerToken(model: LlamaArchitecture, T: number): number {
  const d = model.hiddenSize;
  const { Q, K } = llamaProjectionWidths(model);
  if (model.qkvBias) return 2 * d * (Q + 2 * K);
  if (model.mlpBias) return 4 * d * model.intermediateSize + 2 * d * (2 * Q + 2 * K) + 8 * T * Q;
  return 0; // no biases: checkMethod refuses bias-only before this is reached
}

function detailedExtraPerToken(model: ModelArchitecture, method: FineTuningMethod, T: number) {
  const { numLayers: L, hiddenSize: d } = model;
  const elementwise = elementwisePerBlock(model, T);
  // QKᵀ and A·V: each a T×W by W×T (resp. T×T by T×W) product per sequence, i.e. 2·T·W per token,
  // with W the width of all query heads together: d for GPT-NeoX, NH·HS for the Llama family.
  const scoreWidth = model.kind === 'llama' ? llamaProjectionWidths(model).Q : d;
  const attentionForwardPerBlock = 4 * T * scoreWidth;
  // LoRA's embedding adapter (embed_in / embed_tokens), which both families' plans add by default.
  const embedAdapter = method.kind === 'lora';
  // The gradient reaches every block except the frozen ones; attention has no weights, so its
  // backward is all activation gradients: two matmuls per forward matmul.
  const blocksWithGradient = method.kind === 'freeze' ? method.trainableBlocks : L;
  const forward = L * (attentionForwardPerBlock + elementwise) + (embedAdapter ? 2 * method.rank * d : 0);
  const pruned = method.kind === 'bias' && model.kind === 'llama' ? llamaBiasPrunedPerToken(model, T) : 0;
  const backwardActivations = blocksWithGradient * 2 * (attentionForwardPerBlock + elementwise) - pruned;
  let backwardWeights = 0;
  if (method.kind === 'full') backwardWeights = d; // embed_in gradient: scatter-add of one d-row per token
  if (method.kind === 'lora' && embedAdapter) backwardWeights = 4 * method.rank * d; // embed_in adapter: dB and dA
  return { forward, backwardActivations, backwardWeights };
}

/**
 * Training FLOP of fine-tuning `model` (a Pythia name or an architecture) with `method` on `tokens`
 * tokens. Validates every input; throws ValidationError naming the field.
 */
export function trainingFlops(model: ModelRef, method: FineTuningMethod, tokens: number, options: FlopOptions = {}): FlopBreakdown {
  if (options === null || typeof options !== 'object') throw new ValidationError('options', options, '{ accounting?, sequenceLength? }');
  const arch = resolveModel(model);
  const m = checkMethod(method, arch);
  const D = validate(positiveNumber('of tokens'), tokens, 'tokens');
  if (D > MAX_TOKENS) throw new ValidationError('tokens', D, `at most ${formatCount(MAX_TOKENS)} tokens (2^53 − 1)`);
  const perToken = perTokenFlops(arch, m, resolveFlopOptions(options));
  return {
    forward: perToken.forward * D,
    backwardActivations: perToken.backwardActivations * D,
    backwardWeights: perToken.backwardWeights * D,
    total: perToken.total * D,
  };
}
