/**
 * Estimated peak memory of a fine-tuning run, per configuration: an estimate for planning (what fits
 * on which GPU), not a measurement and not an allocator.
 *
 * Assumptions (mixed-precision training as commonly run; docs/scaling-laws.md, "Memory", explains them):
 *   weights      every parameter of the embedding model (+ LoRA adapters) in bf16: 2 bytes each
 *   gradients    trainable parameters only, bf16: 2 bytes each
 *   optimizer    trainable parameters only, fp32 master copy + AdamW's two moments: 12 bytes each
 *   activations  bf16, per token per block 34·d + 5·NH·T bytes (Korthikanti et al. 2022, attention
 *                scores materialised), stored only for blocks the gradient passes through:
 *                  no checkpointing: blocks × tokens × (34d + 5·NH·T)
 *                  checkpointing:    blocks × tokens × 2d (block inputs) + one block recomputed
 *                tokens per step = 2 sequences × T × pairs in memory at once (the batch, or one
 *                GradCache chunk, whose cached embeddings add 2 × batch × d × 4 bytes × 2 for grads)
 * Symbols: L blocks, d hidden, NH heads, T padded sequence length, V vocabulary rows, r LoRA rank.
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
}

export const MemoryOptionsSchema = z
  .object({
    batchSize: integerAtLeast(1, 'pairs per batch').default(DEFAULT_BATCH_SIZE),
    sequenceLength: integerAtLeast(1, 'tokens').default(DEFAULT_SEQUENCE_LENGTH),
    gradientCheckpointing: z.boolean(expect('a boolean')).default(true),
    cachedChunkPairs: integerAtLeast(1, 'pairs').optional(),
  })
  .strict();

export interface MemoryEstimate {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  /** Bytes. */
  readonly total: number;
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
  const adapters = method.kind === 'lora' ? optimizedParameters(model, method) : 0;
  const trainable = optimizedParameters(model, method);
  const weights = (parameterCounts(model).total + adapters) * BF16;
  const gradients = trainable * BF16;
  const optimizer = trainable * 3 * FP32;

  const livePairs = Math.min(options.cachedChunkPairs ?? options.batchSize, options.batchSize);
  const tokens = 2 * livePairs * T;
  const blocksWithGradient = method.kind === 'freeze' ? method.trainableBlocks : L;
  // Bytes per token per block with 2-byte activations (Korthikanti et al. 2022, eq. 2 divided by s·b).
  const perBlockToken = 34 * d + 5 * NH * T;
  const full = blocksWithGradient * tokens * perBlockToken;
  const checkpointed = blocksWithGradient * tokens * d * BF16 + tokens * perBlockToken;
  const cache = options.cachedChunkPairs !== undefined ? 2 * options.batchSize * d * FP32 * 2 : 0;
  const activations = (options.gradientCheckpointing ? checkpointed : full) + cache;
  return { weights, gradients, optimizer, activations, total: weights + gradients + optimizer + activations };
}
