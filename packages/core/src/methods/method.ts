/**
 * Fine-tuning methods as plain data (a discriminated union on `kind`) with zod schemas, and what each
 * trains, counted exactly as the authors' code counts it (docs/flops.md):
 *
 *   full    every parameter                                   N_tr = N
 *   freeze  first L − k blocks and embed_in frozen, last k     N_tr = k·block + 2d (final LN trainable)
 *           blocks and the final LayerNorm trainable
 *   bias    every `bias` tensor, LayerNorm biases included    N_tr = number of bias entries
 *   lora    rank-r adapters on query_key_value, dense,        N_lora = 16·L·d·r (embed_in adapter
 *           dense_h_to_4h, dense_4h_to_h (and embed_in)        not counted, as in the paper)
 *
 * Llama family: freeze keeps the final RMSNorm (d) trainable; bias-only trains q/k/v (and o, MLP)
 * biases where the config has them and is refused where it has none (Llama, Mistral, Qwen3 by
 * default); LoRA targets PEFT's q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj.
 *
 * Not the graph rewrites that apply a method (engine/) and not the FLOP model (flops/).
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { loraParameterCounts, parameterCounts } from '../catalog/parameter-counts.js';
import { checkedArchitecture } from '../catalog/resolve-model.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';

/** Above any model's width (ARCHITECTURE_LIMITS.hiddenSize), so a larger rank is a typo. */
export const MAX_LORA_RANK = 65_536;
/** The update is (alpha / rank)·B·A; an alpha past 10^6 is a typo, not a scale. */
export const MAX_LORA_ALPHA = 1e6;

export const FullMethodSchema = z.object({ kind: z.literal('full') }).strict();
export const FreezeMethodSchema = z.object({
  kind: z.literal('freeze'),
  /** k: how many of the last blocks train (1..L). */
  trainableBlocks: integerAtLeast(1, '(trainable blocks)'),
}).strict();
export const BiasMethodSchema = z.object({ kind: z.literal('bias') }).strict();
export const LoraMethodSchema = z.object({
  kind: z.literal('lora'),
  rank: integerAtLeast(1, '(LoRA rank)').refine((r) => r <= MAX_LORA_RANK, { error: `an integer in 1..${MAX_LORA_RANK} (LoRA rank)` }),
  /** LoRA scale numerator; the update is (alpha / rank)·B·A. The authors' default is 8. */
  alpha: positiveNumber('(LoRA alpha)').refine((a) => a <= MAX_LORA_ALPHA, { error: `a positive number up to ${MAX_LORA_ALPHA} (LoRA alpha)` }).optional(),
}).strict();

export const FineTuningMethodSchema = z.discriminatedUnion(
  'kind',
  [FullMethodSchema, FreezeMethodSchema, BiasMethodSchema, LoraMethodSchema],
  expect('a method with kind "full", "freeze", "bias" or "lora"'),
);

export type FineTuningMethod = z.infer<typeof FineTuningMethodSchema>;
export type MethodKind = FineTuningMethod['kind'];
export const METHOD_KINDS = ['full', 'freeze', 'bias', 'lora'] as const satisfies readonly MethodKind[];

/** The authors' LoRA alpha when none is given. */
export const DEFAULT_LORA_ALPHA = 8;

/**
 * Validates a method against a model: the shape by zod, then what only the model can tell
 * (trainable blocks ≤ L). Errors name `field`.
 */
export function checkMethod(method: unknown, model: ModelArchitecture, field = 'method'): FineTuningMethod {
  const m = validate(FineTuningMethodSchema, method, field);
  model = checkedArchitecture(model, 'model');
  if (m.kind === 'freeze' && m.trainableBlocks > model.numLayers) {
    throw new ValidationError(`${field}.trainableBlocks`, m.trainableBlocks, `an integer in 1..${model.numLayers} (${model.name} has ${model.numLayers} blocks)`);
  }
  if (m.kind === 'bias' && parameterCounts(model).biases === 0) {
    throw new ValidationError(`${field}.kind`, 'bias', `a method other than bias-only: ${model.name} has no bias parameters (RMSNorm has none and its projections are bias-free), so bias-only would train nothing`);
  }
  return m;
}

const checkedMethods = new WeakMap<object, WeakSet<object>>();

/** checkMethod for hot paths: a (method, model) pair of objects already checked is remembered by identity. */
export function checkedMethod(method: unknown, model: ModelArchitecture, field = 'method'): FineTuningMethod {
  if (typeof method !== 'object' || method === null) return checkMethod(method, model, field);
  const seen = checkedMethods.get(method);
  if (seen?.has(model)) return method as FineTuningMethod;
  checkMethod(method, model, field);
  const set = seen ?? new WeakSet<object>();
  set.add(model);
  checkedMethods.set(method, set);
  return method as FineTuningMethod;
}

/** N_tr: trainable parameters as the paper's FLOP formulas count them (embedding excluded). */
export function trainableParameters(model: ModelArchitecture, method: FineTuningMethod): number {
  model = checkedArchitecture(model);
  method = checkedMethod(method, model);
  const counts = parameterCounts(model);
  switch (method.kind) {
    case 'full':
      return counts.nonEmbedding;
    case 'freeze':
      return method.trainableBlocks * counts.perBlock + counts.finalLayerNorm;
    case 'bias':
      return counts.biases;
    case 'lora':
      return loraParameterCounts(model, method.rank).blocks;
  }
}

/** Short human label: `full`, `freeze 3/6`… needs L, so it takes the model. */
export function describeMethod(method: FineTuningMethod, model?: ModelArchitecture): string {
  method = validate(FineTuningMethodSchema, method, 'method');
  if (model !== undefined) model = checkedArchitecture(model);
  switch (method.kind) {
    case 'full':
      return 'full';
    case 'bias':
      return 'bias-only';
    case 'freeze':
      return model ? `freeze (train last ${method.trainableBlocks}/${model.numLayers})` : `freeze (train last ${method.trainableBlocks})`;
    case 'lora':
      return `LoRA r=${method.rank}`;
  }
}
