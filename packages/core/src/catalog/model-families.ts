/**
 * The model families the planner can search over by name (`models: 'qwen3'`), and the one lookup of a
 * catalog model by name across them. Not the catalogs themselves (pythia.ts, llama-families.ts).
 */
import type { ModelArchitecture } from './architecture.js';
import { QWEN2_5, QWEN3, SMOLLM2 } from './llama-families.js';
import { PYTHIA } from './pythia.js';

export const MODEL_FAMILIES = {
  pythia: PYTHIA,
  smollm2: SMOLLM2,
  'qwen2.5': QWEN2_5,
  qwen3: QWEN3,
} as const satisfies Record<string, Record<string, ModelArchitecture>>;

export type ModelFamily = keyof typeof MODEL_FAMILIES;
export const MODEL_FAMILY_NAMES = Object.keys(MODEL_FAMILIES) as readonly ModelFamily[];

/** Every catalog model by lower-case name, smallest first within each family. */
export const CATALOG_MODELS: Readonly<Record<string, ModelArchitecture>> = Object.assign(Object.create(null), ...Object.values(MODEL_FAMILIES));

/** The names of a family's models, smallest first. */
export function familyModelNames(family: ModelFamily): readonly string[] {
  return Object.keys(MODEL_FAMILIES[family]);
}
