/**
 * Turns what a user passes as "a model" — a catalog name (Pythia, SmolLM2, Qwen2.5, Qwen3) or an
 * architecture object of either kind (`kind: 'llama'`, or GPT-NeoX when `kind` is absent) — into a validated
 * ModelArchitecture. The single place an unknown model name becomes an error. Architecture objects are
 * strict (a typo such as `numLayer` is an error, not a silently ignored key) and bounded by
 * ARCHITECTURE_LIMITS.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ModelArchitecture } from './architecture.js';
import { ARCHITECTURE_LIMITS, checkArchitectureConsistency } from './architecture-limits.js';
import { LLAMA_MODEL_TYPES } from './llama-architecture.js';
import { CATALOG_MODELS } from './model-families.js';
import { parameterCounts } from './parameter-counts.js';
import { expect, integerAtLeast, validate } from '../validate.js';

const bounded = (field: keyof typeof ARCHITECTURE_LIMITS) => {
  const max = ARCHITECTURE_LIMITS[field];
  return integerAtLeast(1).refine((x) => x <= max, { error: `an integer in 1..${max.toLocaleString('en-US')}` });
};
const positive = z.number(expect('a positive finite number')).refine((x) => Number.isFinite(x) && x > 0, { error: 'a positive finite number' });

export const ArchitectureSchema = z
  .object(
    {
      kind: z.literal('gpt_neox', expect('"gpt_neox" (or absent)')).optional(),
      name: z.string(expect('a model name')).min(1, expect('a non-empty model name')).max(200, expect('a model name of at most 200 characters')),
      numLayers: bounded('numLayers'),
      hiddenSize: bounded('hiddenSize'),
      numHeads: bounded('numHeads'),
      intermediateSize: bounded('intermediateSize'),
      vocabSize: bounded('vocabSize'),
      maxPositionEmbeddings: bounded('maxPositionEmbeddings'),
      rotaryPct: z.number(expect('a number in (0, 1]')).refine((x) => x > 0 && x <= 1, { error: 'a number in (0, 1]' }),
      rotaryEmbBase: positive.refine((x) => x <= ARCHITECTURE_LIMITS.rotaryEmbBase, { error: 'a positive number up to 1e12' }),
      layerNormEps: positive.refine((x) => x <= ARCHITECTURE_LIMITS.layerNormEps, { error: 'a number in (0, 1]' }),
      useParallelResidual: z.boolean(expect('a boolean')),
      preTrainingLr: positive.optional(),
    },
    expect('an architecture object'),
  )
  .strict();

const headsBounded = bounded('numHeads');

/** A Llama-family architecture object (see llama-architecture.ts for what each field means). */
export const LlamaArchitectureSchema = ArchitectureSchema.omit({ kind: true, rotaryPct: true, useParallelResidual: true })
  .extend({
    kind: z.literal('llama'),
    modelType: z.enum(LLAMA_MODEL_TYPES, expect(`one of ${LLAMA_MODEL_TYPES.join(', ')}`)),
    numKeyValueHeads: headsBounded,
    headDim: bounded('hiddenSize'),
    rotaryPct: z.literal(1, expect('1 (this family rotates the whole head)')),
    useParallelResidual: z.literal(false, expect('false (this family has sequential residuals)')),
    qkvBias: z.boolean(expect('a boolean')),
    outputBias: z.boolean(expect('a boolean')),
    mlpBias: z.boolean(expect('a boolean')),
    qkNorm: z.boolean(expect('a boolean')),
    tieWordEmbeddings: z.boolean(expect('a boolean')),
    hiddenAct: z.literal('silu', expect('"silu"')),
  })
  .strict();

const catalogNames = () => Object.keys(CATALOG_MODELS).join(', ');

/** A catalog name (`pythia-160m`) or a full architecture (e.g. from `architectureFromConfig`). */
export type ModelRef = string | ModelArchitecture;

const checked = new WeakMap<object, ModelArchitecture>();

/**
 * resolveModel for hot paths: an architecture object already checked is remembered by identity
 * (WeakMap), so parameter counts and law queries can validate every call for the cost of a lookup.
 */
export function checkedArchitecture(model: unknown, field = 'model'): ModelArchitecture {
  if (typeof model === 'object' && model !== null) {
    const hit = checked.get(model);
    if (hit) return hit;
    const resolved = resolveModel(model, field);
    checked.set(model, resolved);
    return resolved;
  }
  return resolveModel(model, field);
}

export function resolveModel(model: unknown, field = 'model'): ModelArchitecture {
  if (typeof model === 'string') {
    const key = model.toLowerCase();
    const found = Object.hasOwn(CATALOG_MODELS, key) ? CATALOG_MODELS[key] : undefined;
    if (!found) throw new ValidationError(field, model, `one of ${catalogNames()}, or an architecture object`);
    return found;
  }
  if (model === null || typeof model !== 'object' || Array.isArray(model)) {
    throw new ValidationError(field, model, `a model name (${catalogNames()}) or an architecture object`);
  }
  // A recipe's model carries its derived N (`nonEmbeddingParameters`), so a recipe's model — or its JSON
  // — can be passed back wherever an architecture is taken. The field is checked, never trusted.
  const { nonEmbeddingParameters: claimedN, ...rest } = model as Record<string, unknown>;
  const checkClaim = (x: ModelArchitecture): ModelArchitecture => {
    if (claimedN === undefined) return x; // parameterCounts re-resolves x: only count when asked to
    const n = parameterCounts(x).nonEmbedding;
    if (claimedN !== n) throw new ValidationError(`${field}.nonEmbeddingParameters`, claimedN, `${n}, the non-embedding parameter count of this architecture (or no such key)`);
    return x;
  };
  if (rest.kind === 'llama') {
    const a = validate(LlamaArchitectureSchema, rest, field);
    if (a.numHeads % a.numKeyValueHeads !== 0) throw new ValidationError(`${field}.numKeyValueHeads`, a.numKeyValueHeads, `a divisor of numHeads (${a.numHeads})`);
    if (a.headDim % 2 !== 0) throw new ValidationError(`${field}.headDim`, a.headDim, 'an even head size (rotate-half)');
    return checkClaim(a);
  }
  const a = validate(ArchitectureSchema, rest, field);
  checkArchitectureConsistency(a, field, { hiddenSize: 'hiddenSize', rotaryPct: 'rotaryPct' });
  return checkClaim(a);
}
