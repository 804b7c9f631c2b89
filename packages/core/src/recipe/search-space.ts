/**
 * The candidates the planner compares: models × methods × method hyper-parameters, and the zod schema
 * of the options that shape them. Defaults follow the paper: the eight Pythia models; full; freezing
 * with a quarter, half or three quarters of the blocks trainable; bias-only; LoRA ranks 8 … 512.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { parameterCounts } from '../catalog/parameter-counts.js';
import { familyModelNames, MODEL_FAMILY_NAMES } from '../catalog/model-families.js';
import { PYTHIA_NAMES } from '../catalog/pythia.js';
import { resolveModel } from '../catalog/resolve-model.js';
import { DEFAULT_LORA_ALPHA, type FineTuningMethod } from '../methods/method.js';
import { expect, integerAtLeast, positiveNumber } from '../validate.js';

export const DEFAULT_LORA_RANKS = [8, 16, 32, 64, 128, 256, 512] as const;
export const DEFAULT_FREEZE_FRACTIONS = [0.25, 0.5, 0.75] as const;

const fraction = z.number(expect('a fraction in (0, 1]')).gt(0, expect('a fraction in (0, 1]')).lte(1, expect('a fraction in (0, 1]'));

export const MethodGridSchema = z
  .object({
    full: z.boolean(expect('a boolean')).default(true),
    /** Trainable fractions of the L blocks; k = round(f·L), clamped to 1..L. */
    freeze: z.union([z.boolean(expect('a boolean')), z.object({ fractions: z.array(fraction).min(1) }).strict()]).default(true),
    bias: z.boolean(expect('a boolean')).default(true),
    lora: z
      .union([z.boolean(expect('a boolean')), z.object({ ranks: z.array(integerAtLeast(1, '(LoRA rank)')).min(1), alpha: positiveNumber('(LoRA alpha)').optional() }).strict()])
      .default(true),
  })
  .strict();

export type MethodGrid = z.input<typeof MethodGridSchema>;

/** Every method the grid allows on `model`, hyper-parameters expanded, duplicates removed. */
export function methodsFor(model: ModelArchitecture, grid: z.output<typeof MethodGridSchema>): FineTuningMethod[] {
  const methods: FineTuningMethod[] = [];
  if (grid.full) methods.push({ kind: 'full' });
  if (grid.freeze) {
    const fractions = grid.freeze === true ? DEFAULT_FREEZE_FRACTIONS : grid.freeze.fractions;
    const blocks = new Set(fractions.map((f) => Math.min(model.numLayers, Math.max(1, Math.round(f * model.numLayers)))));
    for (const k of [...blocks].sort((a, b) => a - b)) methods.push({ kind: 'freeze', trainableBlocks: k });
  }
  // A family without biases (SmolLM2, Qwen3) has no bias-only candidate: it would train nothing.
  if (grid.bias && parameterCounts(model).biases > 0) methods.push({ kind: 'bias' });
  if (grid.lora) {
    const ranks = grid.lora === true ? DEFAULT_LORA_RANKS : grid.lora.ranks;
    const alpha = grid.lora === true ? DEFAULT_LORA_ALPHA : (grid.lora.alpha ?? DEFAULT_LORA_ALPHA);
    for (const rank of [...new Set(ranks)].sort((a, b) => a - b)) methods.push({ kind: 'lora', rank, alpha });
  }
  return methods;
}

/** An array of models (catalog names or architecture objects), or one family name: every model of that family. */
export const ModelListSchema = z.union(
  [z.enum(MODEL_FAMILY_NAMES, expect(`a family name (${MODEL_FAMILY_NAMES.join(', ')})`)), z.array(z.unknown(), expect('an array of models')).min(1, expect('at least one model'))],
  expect(`an array of models or a family name (${MODEL_FAMILY_NAMES.join(', ')})`),
);

export function resolveModels(models: string | readonly unknown[] | undefined): ModelArchitecture[] {
  const list = typeof models === 'string' ? familyModelNames(models as (typeof MODEL_FAMILY_NAMES)[number]) : (models ?? PYTHIA_NAMES);
  return list.map((m, i) => resolveModel(m, `options.models.${i}`));
}
