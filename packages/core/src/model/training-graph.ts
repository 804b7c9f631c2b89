/**
 * The whole training graph of the paper's recipe, built in one call:
 *
 *   query ids/mask [B, Tq] ─┐                       ┌─ mean pool ─ L2 ─┐
 *                           ├─ GPT-NeoX ∘ method ───┤                  ├─ S = 40·q·pᵀ ─ symmetric InfoNCE ─ loss
 *   positive ids/mask [B, Tp]┘  (shared weights)    └─ mean pool ─ L2 ─┘
 *
 * then `grad` adds one `grad:<name>` output per trainable parameter; nodes off every loss→trainable
 * path are never built (frozen blocks cost no backward). Queries and positives run as two forward
 * passes over the same weights, each padded to its own length, as the authors' code does.
 *
 * Not the optimiser (train/ appends AdamW) and not a data pipeline: ids arrive tokenised and padded.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { GraphBuilder } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import type { Graph } from '../engine/graph.js';
import { grad } from '../engine/grad.js';
import type { FineTuningMethod } from '../methods/method.js';
import { integerAtLeast, validate } from '../validate.js';
import { gptNeoXForward } from './gpt-neox.js';
import { similarityScores, symmetricInfoNce } from './info-nce.js';
import { type AdapterSpec, type MethodOptions, type MethodPlan, methodPlan } from './method-plan.js';
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
  /** Float dtype of parameters and activations. Default f32; tests use f64. */
  readonly dtype?: FloatDType;
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
  readonly dtype: FloatDType;
}

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
  const dtype = options.dtype ?? 'f32';
  const b = new GraphBuilder({ dtype });
  const queryIds = b.data(TRAINING_INPUTS.queryIds, [B, Tq]); //                       [B, Tq] i32
  const queryMask = b.data(TRAINING_INPUTS.queryMask, [B, Tq]); //                     [B, Tq] i32
  const positiveIds = b.data(TRAINING_INPUTS.positiveIds, [B, Tp]); //                 [B, Tp] i32
  const positiveMask = b.data(TRAINING_INPUTS.positiveMask, [B, Tp]); //               [B, Tp] i32
  const w = declareWeights(b, plan);
  const hq = gptNeoXForward(b, arch, w, queryIds, queryMask); //                       [B, Tq, C]
  const hp = gptNeoXForward(b, arch, w, positiveIds, positiveMask); //                 [B, Tp, C]
  const qn = b.scope('pool', () => l2Normalize(b, pool(b, hq, queryMask, head.pooling))); //    [B, C]
  const pn = b.scope('pool', () => l2Normalize(b, pool(b, hp, positiveMask, head.pooling))); // [B, C]
  const scores = b.scope('loss', () => similarityScores(b, qn, pn, head.inverseTemperature)); // [B, B]
  const loss = b.scope('loss', () => symmetricInfoNce(b, scores)); //                   []
  b.output(LOSS_OUTPUT, loss);
  b.output(SCORES_OUTPUT, scores);
  return Object.freeze({
    graph: b.build(),
    trainable: plan.trainable,
    frozen: plan.frozen,
    adapters: plan.adapters,
    plan,
    shape: Object.freeze({ B, Tq, Tp }),
    dtype,
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
  const graph = grad(forward.graph, { loss: LOSS_OUTPUT, wrt: forward.trainable });
  return Object.freeze({ ...forward, graph });
}
