/**
 * Turns what a user passes as "a model" — a Pythia name or an architecture object — into a validated
 * ModelArchitecture. The single place an unknown model name becomes an error.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ModelArchitecture } from './architecture.js';
import { PYTHIA, PYTHIA_NAMES } from './pythia.js';
import { expect, integerAtLeast, validate } from '../validate.js';

const ArchitectureSchema = z.object({
  name: z.string(expect('a model name')).min(1),
  numLayers: integerAtLeast(1),
  hiddenSize: integerAtLeast(1),
  numHeads: integerAtLeast(1),
  intermediateSize: integerAtLeast(1),
  vocabSize: integerAtLeast(1),
  maxPositionEmbeddings: integerAtLeast(1),
  rotaryPct: z.number(expect('a number in (0, 1]')).gt(0).lte(1),
  rotaryEmbBase: z.number(expect('a positive number')).positive(),
  layerNormEps: z.number(expect('a positive number')).positive(),
  useParallelResidual: z.boolean(expect('a boolean')),
  preTrainingLr: z.number(expect('a positive number')).positive().optional(),
});

/** A Pythia name (`pythia-160m`) or a full architecture (e.g. from `architectureFromConfig`). */
export type ModelRef = string | ModelArchitecture;

export function resolveModel(model: unknown, field = 'model'): ModelArchitecture {
  if (typeof model === 'string') {
    const found = (PYTHIA as Record<string, ModelArchitecture>)[model.toLowerCase()];
    if (!found) throw new ValidationError(field, model, `one of ${PYTHIA_NAMES.join(', ')}, or an architecture object`);
    return found;
  }
  if (model === null || typeof model !== 'object') {
    throw new ValidationError(field, model, `a model name (${PYTHIA_NAMES.join(', ')}) or an architecture object`);
  }
  return validate(ArchitectureSchema, model, field);
}
