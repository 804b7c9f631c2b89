/**
 * The inference graph: token ids and attention mask → pooled embedding per sequence (not normalised,
 * as `repurpose embed-ids` prints it), optionally the L2-normalised embedding and the last hidden
 * state. Built for any method plan, so an unmerged LoRA model embeds without merging; a merged or
 * full model uses the default `{ kind: 'full' }`.
 *
 * Shapes: B sequences padded to T tokens, C hidden size. Not a tokenizer and not a batcher.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { GraphBuilder } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import type { Graph } from '../engine/graph.js';
import type { FineTuningMethod } from '../methods/method.js';
import { integerAtLeast, validate } from '../validate.js';
import { HeadOptionsSchema } from './head-options.js';
import { type MethodOptions, type MethodPlan, methodPlan } from './method-plan.js';
import { modelFamily } from './model-family.js';
import { declareWeights } from './model-weights.js';
import { type Pooling, l2Normalize, pool } from './pooling.js';

export const EMBEDDING_INPUTS = { ids: 'input_ids', mask: 'attention_mask' } as const;
export const EMBEDDING_OUTPUTS = {
  embedding: 'embedding',
  normalized: 'embedding_normalized',
  hidden: 'last_hidden_state',
} as const;

export interface EmbeddingGraphOptions extends MethodOptions {
  /** Default `{ kind: 'full' }` (the plain model, or a merged LoRA). */
  readonly method?: FineTuningMethod;
  readonly dtype?: FloatDType;
  readonly pooling?: Pooling;
  /** Also output `embedding_normalized` [B, C]. */
  readonly normalized?: boolean;
  /** Also output `last_hidden_state` [B, T, C]. */
  readonly hiddenStates?: boolean;
}

export interface EmbeddingGraph {
  /** Inputs: `input_ids`, `attention_mask` [B, T] i32, then the plan's parameters and adapters. */
  readonly graph: Graph;
  readonly plan: MethodPlan;
  readonly dtype: FloatDType;
}

const ShapeSchema = z.object({ B: integerAtLeast(1, '(sequences)'), T: integerAtLeast(1, '(tokens)') }).strict();

export function buildEmbeddingGraph(arch: ModelArchitecture, shape: { readonly B: number; readonly T: number }, options: EmbeddingGraphOptions = {}): EmbeddingGraph {
  const { B, T } = validate(ShapeSchema, shape, 'shape');
  const head = validate(HeadOptionsSchema, { pooling: options.pooling }, 'options');
  const plan = methodPlan(arch, options.method ?? { kind: 'full' }, { loraEmbedIn: options.loraEmbedIn });
  const dtype = options.dtype ?? 'f32';
  const b = new GraphBuilder({ dtype });
  const ids = b.data(EMBEDDING_INPUTS.ids, [B, T]); //                                  [B, T] i32
  const mask = b.data(EMBEDDING_INPUTS.mask, [B, T]); //                                [B, T] i32
  const hidden = modelFamily(arch).forward(b, arch, declareWeights(b, plan), ids, mask); // [B, T, C]
  const embedding = b.scope('pool', () => pool(b, hidden, mask, head.pooling)); //      [B, C]
  b.output(EMBEDDING_OUTPUTS.embedding, embedding);
  if (options.normalized) b.output(EMBEDDING_OUTPUTS.normalized, b.scope('pool', () => l2Normalize(b, embedding))); // [B, C]
  if (options.hiddenStates) b.output(EMBEDDING_OUTPUTS.hidden, hidden);
  return Object.freeze({ graph: b.build(), plan, dtype });
}
