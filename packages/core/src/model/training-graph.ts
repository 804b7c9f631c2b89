/**
 * The whole training graph of the paper's recipe, built in one call:
 *
 *   query ids/mask [B, Tq] ─┐                       ┌─ mean pool ─ L2 ─┐
 *                           ├─ model ∘ method ──────┤                  ├─ S = 40·q·pᵀ ─ symmetric InfoNCE ─ loss
 *   positive ids/mask [B, Tp]┘  (shared weights)    └─ mean pool ─ L2 ─┘
 *
 * then `grad` adds one `grad:<name>` output per trainable parameter; nodes off every loss→trainable
 * path are never built (frozen blocks cost no backward). Queries and positives run as two forward
 * passes over the same weights, each padded to its own length, as the authors' code does. "model" is
 * the architecture's family forward (model-family.ts: GPT-NeoX or Llama/Mistral/Qwen2/Qwen3), so
 * this one graph serves every family and method.
 *
 * Mixed precision (`computeDtype: 'f16'`): parameters stay f32 inputs (master weights; the
 * optimiser and its moments stay f32 too), each is cast to f16 where the graph starts, the forward
 * and backward run in f16, and the gradients arrive as f32 through the casts' rule. A static loss
 * scale S (default 1024 = 2¹⁰) multiplies the loss before the backward and divides the f32 gradients
 * after it: f16's smallest subnormal is 6·10⁻⁸ and its smallest normal 6·10⁻⁵, below which
 * per-element gradients of a small loss would flush to zero or lose their digits, while S·|dy| must
 * stay under 65504 (activations' gradients here are O(1), so 2¹⁰ leaves a wide margin). A power of
 * two makes the scaling exact; `grad`'s `lossScale` does it. The loss and scores outputs are cast
 * back to f32.
 *
 * Not the optimiser (train/ appends AdamW) and not a data pipeline: ids arrive tokenised and padded.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { GraphBuilder } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import type { Graph } from '../engine/graph.js';
import { grad } from '../engine/grad.js';
import { withMasterWeights } from '../engine/passes/master-weights.js';
import type { FineTuningMethod } from '../methods/method.js';
import { expect, integerAtLeast, validate } from '../validate.js';
import { similarityScores, symmetricInfoNce } from './info-nce.js';
import { type AdapterSpec, type MethodOptions, type MethodPlan, methodPlan } from './method-plan.js';
import { modelFamily } from './model-family.js';
import { declareWeights } from './model-weights.js';
import { type Pooling, l2Normalize, pool } from './pooling.js';
import { HeadOptionsSchema } from './head-options.js';

/** Data inputs of the training graph (i32; masks are 1 for real tokens, 0 for padding). */
export const TRAINING_INPUTS = {
  queryIds: 'query.input_ids',
  queryMask: 'query.attention_mask',
  positiveIds: 'positive.input_ids',
  positiveMask: 'positive.attention_mask',
} as const;

/** Output names: the scalar loss and the [B, B] score matrix (rows = queries). */
export const LOSS_OUTPUT = 'loss';
export const SCORES_OUTPUT = 'scores';

/** B query/positive pairs; queries padded to Tq tokens, positives to Tp. */
export interface TrainingBatchShape {
  readonly B: number;
  readonly Tq: number;
  readonly Tp: number;
}

export interface TrainingGraphOptions extends MethodOptions {
  /** Float dtype of parameters (and of activations unless `computeDtype` says otherwise). Default f32; tests use f64. */
  readonly dtype?: 'f32' | 'f64';
  /** Dtype the forward and backward compute in: `dtype` (default), or 'f16' with f32 parameters (mixed precision, header). */
  readonly computeDtype?: FloatDType;
  /** Static loss scale for f16 compute; default 1024. Only with `computeDtype: 'f16'`. */
  readonly lossScale?: number;
  /** Default 'mean' (the paper's). */
  readonly pooling?: Pooling;
  /** τ⁻¹ in S = τ⁻¹·cos. Default 40 (the paper's). */
  readonly inverseTemperature?: number;
}

export interface TrainingGraph {
  /**
   * Inputs: the four TRAINING_INPUTS (data, i32), then every parameter of `plan.parameters` and
   * `plan.adapters` (param, `dtype`). Outputs: `loss` [], `scores` [B, B] and, unless built with
   * `buildLossGraph`, `grad:<name>` for each name in `trainable`.
   */
  readonly graph: Graph;
  readonly trainable: readonly string[];
  readonly frozen: readonly string[];
  /** Parameters the method adds (LoRA), with their initialisation; feed them from `initAdapters`. */
  readonly adapters: readonly AdapterSpec[];
  readonly plan: MethodPlan;
  readonly shape: TrainingBatchShape;
  /** The parameters' (and gradients') dtype. */
  readonly dtype: FloatDType;
  /** The forward/backward dtype: `dtype`, or f16 under mixed precision. */
  readonly computeDtype: FloatDType;
  /** The static loss scale of mixed precision; 1 otherwise. */
  readonly lossScale: number;
}

/** The default static loss scale of f16 compute (header). */
export const DEFAULT_LOSS_SCALE = 1024;

const PrecisionSchema = z
  .object({
    dtype: z.enum(['f32', 'f64'], expect('"f32" or "f64" (for f16, use computeDtype: "f16" with f32 parameters)')).default('f32'),
    computeDtype: z.enum(['f16', 'f32', 'f64'], expect('"f16", "f32" or "f64"')).optional(),
    lossScale: z
      .number(expect('a positive finite number'))
      .refine((x) => Number.isFinite(x) && x > 0, { error: 'a positive finite number' })
      .optional(),
  })
  .superRefine((o, ctx) => {
    const compute = o.computeDtype ?? o.dtype;
    if (compute !== o.dtype && !(compute === 'f16' && o.dtype === 'f32')) {
      ctx.addIssue({ code: 'custom', path: ['computeDtype'], message: `${o.dtype} (the parameter dtype) or "f16" with f32 parameters` });
    }
    if (o.lossScale !== undefined && compute !== 'f16') {
      ctx.addIssue({ code: 'custom', path: ['lossScale'], message: 'no loss scale unless computeDtype is "f16"' });
    }
  });

const ShapeSchema = z
  .object({ B: integerAtLeast(1, '(pairs per batch)'), Tq: integerAtLeast(1, '(query tokens)'), Tp: integerAtLeast(1, '(positive tokens)') })
  .strict();

/** The forward + loss graph only (evaluation); `buildTrainingGraph` adds gradients. */
export function buildLossGraph(
  arch: ModelArchitecture,
  method: FineTuningMethod,
  shape: TrainingBatchShape,
  options: TrainingGraphOptions = {},
): TrainingGraph {
  const { B, Tq, Tp } = validate(ShapeSchema, shape, 'shape');
  const head = validate(HeadOptionsSchema, { pooling: options.pooling, inverseTemperature: options.inverseTemperature }, 'options');
  const plan = methodPlan(arch, method, { loraEmbedIn: options.loraEmbedIn });
  const precision = validate(PrecisionSchema, { dtype: options.dtype, computeDtype: options.computeDtype, lossScale: options.lossScale }, 'options');
  const dtype = precision.dtype;
  const computeDtype = precision.computeDtype ?? dtype;
  const mixed = computeDtype !== dtype;
  const b = new GraphBuilder({ dtype: computeDtype });
  const queryIds = b.data(TRAINING_INPUTS.queryIds, [B, Tq]); //                       [B, Tq] i32
  const queryMask = b.data(TRAINING_INPUTS.queryMask, [B, Tq]); //                     [B, Tq] i32
  const positiveIds = b.data(TRAINING_INPUTS.positiveIds, [B, Tp]); //                 [B, Tp] i32
  const positiveMask = b.data(TRAINING_INPUTS.positiveMask, [B, Tp]); //               [B, Tp] i32
  const w = declareWeights(b, plan);
  const forward = modelFamily(arch).forward;
  const hq = forward(b, arch, w, queryIds, queryMask); //                              [B, Tq, C]
  const hp = forward(b, arch, w, positiveIds, positiveMask); //                        [B, Tp, C]
  const qn = b.scope('pool', () => l2Normalize(b, pool(b, hq, queryMask, head.pooling))); //    [B, C]
  const pn = b.scope('pool', () => l2Normalize(b, pool(b, hp, positiveMask, head.pooling))); // [B, C]
  const scores = b.scope('loss', () => similarityScores(b, qn, pn, head.inverseTemperature)); // [B, B]
  const loss = b.scope('loss', () => symmetricInfoNce(b, scores)); //                   []
  b.output(LOSS_OUTPUT, mixed ? b.scope('loss', () => b.cast(loss, dtype)) : loss);
  b.output(SCORES_OUTPUT, mixed ? b.scope('loss', () => b.cast(scores, dtype)) : scores);
  return Object.freeze({
    graph: mixed ? withMasterWeights(b.build(), computeDtype, dtype) : b.build(),
    trainable: plan.trainable,
    frozen: plan.frozen,
    adapters: plan.adapters,
    plan,
    shape: Object.freeze({ B, Tq, Tp }),
    dtype,
    computeDtype,
    lossScale: mixed ? (precision.lossScale ?? DEFAULT_LOSS_SCALE) : 1,
  });
}

/**
 * The training graph: loss, scores and `grad:<name>` for every trainable parameter (see
 * `TrainingGraph`). Build once per batch shape; feed ids/masks, every parameter and every adapter.
 */
export function buildTrainingGraph(
  arch: ModelArchitecture,
  method: FineTuningMethod,
  shape: TrainingBatchShape,
  options: TrainingGraphOptions = {},
): TrainingGraph {
  const forward = buildLossGraph(arch, method, shape, options);
  const lossScale = forward.lossScale === 1 ? {} : { lossScale: forward.lossScale };
  const graph = grad(forward.graph, { loss: LOSS_OUTPUT, wrt: forward.trainable, ...lossScale });
  return Object.freeze({ ...forward, graph });
}
