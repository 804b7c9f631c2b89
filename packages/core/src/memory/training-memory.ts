/**
 * Estimated peak memory of a fine-tuning run, per configuration: an estimate for planning (what fits
 * on which GPU, and which GradCache mini-batch fits a memory cap), not a measurement and not an allocator.
 *
 * Two precisions. `mixed` (default; mixed-precision GPU training as commonly run, docs/scaling-laws.md,
 * "Memory", explains it):
 *   weights      every parameter of the embedding model (+ LoRA adapters) in bf16: 2 bytes each
 *   gradients    trainable parameters only, bf16: 2 bytes each
 *   optimizer    trainable parameters only, fp32 master copy + AdamW's two moments: 12 bytes each
 * `f32` / `f64` (this engine's trainer: every tensor w = 4 or 8 bytes, no master copy, nothing
 * recomputed, so pass gradientCheckpointing: false):
 *   weights w, gradients w per trainable value, optimizer 2w (the two moments)
 * activations  per token per block 34·d + 5·NH·T bytes at 2 bytes a value (Korthikanti et al. 2022,
 *              attention scores materialised; × w/2 for f32/f64), stored only for blocks the gradient
 *              passes through:
 *                no checkpointing: blocks × tokens × (34d + 5·NH·T)
 *                checkpointing:    blocks × tokens × 2d (block inputs) + one block recomputed
 *              tokens = 2 sequences × T × pairs in memory at once.
 * GradCache (`cachedChunkPairs` = m; Gao et al. 2021; docs/training.md) runs three phases, and the
 * activation peak is the largest of them:
 *   embed     m sequences forward only, nothing stored: one block's working set, m·T·(34d + 5·NH·T)
 *   loss      the cache: embeddings Q, P and their gradients (4·B·d fp32 values) + ~4·B² for the scores,
 *             both softmaxes and their gradient
 *   backward  m sequences' stored activations (as above with tokens = m·T; one side at a time, counted
 *             as two to cover the planner's 2·T tokens a pair) + the cache
 * and the gradients are held twice while a mini-batch's gradient is added to the running sum.
 * Symbols: L blocks, d hidden, NH heads, T padded sequence length, V vocabulary rows, r LoRA rank,
 * B pairs per batch, m pairs per GradCache mini-batch, w bytes per value.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { loraParameterCounts, parameterCounts } from '../catalog/parameter-counts.js';
import { type FineTuningMethod, trainableParameters } from '../methods/method.js';
import { DEFAULT_SEQUENCE_LENGTH } from '../flops/training-flops.js';
import { DEFAULT_BATCH_SIZE } from '../flops/units.js';
import { expect, integerAtLeast } from '../validate.js';

export interface MemoryOptions {
  /** Pairs per optimizer step. Default 1024. */
  readonly batchSize?: number;
  /** Padded sequence length T. Default 75. */
  readonly sequenceLength?: number;
  /** Recompute block activations in backward (the paper trains with it on). Default true. */
  readonly gradientCheckpointing?: boolean;
  /** GradCache: pairs whose activations are live at once; the rest of the batch is cached embeddings. */
  readonly cachedChunkPairs?: number;
  /** `mixed` (bf16 with fp32 master weights; default) or the engine's plain `f32` / `f64`. */
  readonly precision?: MemoryPrecision;
}

export type MemoryPrecision = 'mixed' | 'f32' | 'f64';

export const MemoryOptionsSchema = z
  .object({
    batchSize: integerAtLeast(1, 'pairs per batch').default(DEFAULT_BATCH_SIZE),
    sequenceLength: integerAtLeast(1, 'tokens').default(DEFAULT_SEQUENCE_LENGTH),
    gradientCheckpointing: z.boolean(expect('a boolean')).default(true),
    cachedChunkPairs: integerAtLeast(1, 'pairs').optional(),
    precision: z.enum(['mixed', 'f32', 'f64'], expect('"mixed", "f32" or "f64"')).optional(),
  })
  .strict();

export interface MemoryEstimate {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  /** Bytes. */
  readonly total: number;
  /** With GradCache: the activation bytes of each phase (`activations` is their maximum). */
  readonly phases?: { readonly embed: number; readonly loss: number; readonly backward: number };
}

const BF16 = 2;
const FP32 = 4;

/**
 * Parameters that receive gradients and optimizer state: the paper's N_tr plus what its count leaves
 * out — the embedding under full fine-tuning, LoRA's embed_in adapter.
 */
export function optimizedParameters(model: ModelArchitecture, method: FineTuningMethod): number {
  const uncounted =
    method.kind === 'full' ? parameterCounts(model).embedding : method.kind === 'lora' ? loraParameterCounts(model, method.rank).embedIn : 0;
  return trainableParameters(model, method) + uncounted;
}

export function trainingMemory(model: ModelArchitecture, method: FineTuningMethod, options: z.output<typeof MemoryOptionsSchema>): MemoryEstimate {
  const { numLayers: L, hiddenSize: d, numHeads: NH } = model;
  const T = options.sequenceLength;
  const B = options.batchSize;
  const precision = options.precision ?? 'mixed';
  const w = precision === 'f64' ? 8 : FP32;
  const adapters = method.kind === 'lora' ? optimizedParameters(model, method) : 0;
  const trainable = optimizedParameters(model, method);
  const gradCache = options.cachedChunkPairs !== undefined && options.cachedChunkPairs < B;
  const weights = (parameterCounts(model).total + adapters) * (precision === 'mixed' ? BF16 : w);
  const gradients = trainable * (precision === 'mixed' ? BF16 : w) * (gradCache ? 2 : 1);
  const optimizer = trainable * (precision === 'mixed' ? 3 * FP32 : 2 * w);

  // Bytes per token per block with 2-byte activations (Korthikanti et al. 2022, eq. 2 divided by s·b),
  // scaled to the precision's value size.
  const scale = precision === 'mixed' ? 1 : w / BF16;
  const perBlockToken = (34 * d + 5 * NH * T) * scale;
  const blocksWithGradient = method.kind === 'freeze' ? method.trainableBlocks : L;
  const stored = (pairs: number) => {
    const tokens = 2 * pairs * T;
    const full = blocksWithGradient * tokens * perBlockToken;
    const checkpointed = blocksWithGradient * tokens * d * BF16 * scale + tokens * perBlockToken;
    return options.gradientCheckpointing ? checkpointed : full;
  };
  if (!gradCache) {
    const activations = stored(B);
    return { weights, gradients, optimizer, activations, total: weights + gradients + optimizer + activations };
  }
  const m = options.cachedChunkPairs!;
  const cacheValue = precision === 'f64' ? 8 : FP32;
  const cache = 2 * B * d * cacheValue * 2;
  const phases = {
    embed: m * T * perBlockToken + cache / 2,
    loss: cache + 4 * B * B * cacheValue,
    backward: stored(m) + cache,
  };
  const activations = Math.max(phases.embed, phases.loss, phases.backward);
  return { weights, gradients, optimizer, activations, total: weights + gradients + optimizer + activations, phases };
}
