/**
 * A law as a JSON file: what `repurpose fit --out law.json` writes and `repurpose plan --law law.json`
 * reads. It keeps the coefficients, where they came from, the LoRA ranks it may speak about, and the
 * bootstrap replicates' coefficients, so a loaded law predicts exactly as the fitted one and still
 * gives intervals. `saveLaw` checks that what it returns loads (`loadLaw`), so a file it wrote can
 * always be read back. Not a general model registry: the capacity-law family only.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { capacityLaw, type CapacityLawCoefficients, supportedKinds } from '../laws/capacity-law.js';
import type { LawQuery, ScalingLaw } from '../laws/law.js';
import { checkLawQuery } from '../laws/law-query.js';
import { expect, integerAtLeast, validate } from '../validate.js';
import { percentileInterval } from './bootstrap.js';
import type { FittedLaw } from './fitted-law.js';

export const SAVED_LAW_FORMAT = 'repurpose-law/1';
/** More replicates than any bootstrap runs by default (200), with room; bounds what a file may make us compute. */
export const MAX_SAVED_REPLICATES = 10_000;

const finite = z.number(expect('a finite number')).refine(Number.isFinite, { error: 'a finite number' });
const DataTermSchema = z.object({ B: finite, beta: finite }).strict();
const CoefficientsSchema = z
  .object({
    E: finite,
    A: finite,
    alpha: finite,
    delta: finite.optional(),
    rho: finite.optional(),
    data: z.object({ full: DataTermSchema, freeze: DataTermSchema, bias: DataTermSchema, lora: DataTermSchema }).partial().strict(),
    penalty: z.object({ freeze: finite, bias: finite, lora: finite }).partial().strict(),
  })
  .strict();

export const SavedLawSchema = z
  .object({
    format: z.literal(SAVED_LAW_FORMAT, expect(`"${SAVED_LAW_FORMAT}"`)),
    name: z.string(expect('a law name')).min(1, expect('a non-empty law name')),
    provenance: z.string(expect('a sentence saying where the coefficients came from')),
    fittedToRuns: z.boolean(expect('a boolean')),
    budgetRange: z.tuple([finite, finite]).optional(),
    coefficients: CoefficientsSchema,
    /** LoRA ranks the law may predict (fitted at one rank: ρ fixed). Absent: every rank. */
    loraRanks: z.array(integerAtLeast(1, '(LoRA rank)')).min(1).optional(),
    /** Coverage of `interval()`; with `replicates`. */
    level: z.number(expect('a level in (0, 1)')).gt(0, expect('a level in (0, 1)')).lt(1, expect('a level in (0, 1)')).optional(),
    replicates: z.array(CoefficientsSchema).max(MAX_SAVED_REPLICATES, expect(`at most ${MAX_SAVED_REPLICATES} replicates`)).optional(),
  })
  .strict();

export type SavedLaw = z.infer<typeof SavedLawSchema>;

const isFittedLaw = (x: unknown): x is FittedLaw =>
  typeof x === 'object' && x !== null && typeof (x as FittedLaw).name === 'string' && typeof (x as FittedLaw).coefficients === 'object' &&
  typeof (x as FittedLaw).metadata === 'object' && (x as FittedLaw).metadata !== null && typeof (x as FittedLaw).metadata.provenance === 'string';

/** The JSON form of a fitted law; throws ValidationError if `law` is not one or its form would not load. */
export function saveLaw(law: FittedLaw): SavedLaw {
  if (!isFittedLaw(law)) throw new ValidationError('law', law, 'a fitted law (what fitLaw returns)');
  const range = law.metadata.budgetRange;
  const saved: SavedLaw = {
    format: SAVED_LAW_FORMAT,
    name: law.name,
    provenance: law.metadata.provenance,
    fittedToRuns: law.metadata.fittedToRuns,
    ...(range ? { budgetRange: [range[0], range[1]] as [number, number] } : {}),
    coefficients: law.coefficients as SavedLaw['coefficients'],
    ...(law.loraRanks ? { loraRanks: [...law.loraRanks] } : {}),
    ...(law.replicates && law.intervals && law.replicates.length > 0 ? { level: law.intervals.level, replicates: law.replicates as SavedLaw['replicates'] } : {}),
  };
  loadLaw(saved, 'law (as saved)');
  return saved;
}

/** A ScalingLaw from its JSON form; errors name the field (`law.coefficients.alpha`, ...). */
export function loadLaw(json: unknown, field = 'law'): ScalingLaw {
  if (typeof field !== 'string' || field.length === 0) throw new ValidationError('field', field, 'a non-empty name for error messages');
  const saved = validate(SavedLawSchema, json, field);
  const coefficients: CapacityLawCoefficients = saved.coefficients;
  const metadata = {
    provenance: saved.provenance,
    fittedToRuns: saved.fittedToRuns,
    ...(saved.budgetRange ? { budgetRange: saved.budgetRange } : {}),
    methods: supportedKinds(coefficients),
  };
  const options = saved.loraRanks ? { loraRanks: saved.loraRanks } : {};
  const law = withField(field, 'coefficients', () => capacityLaw(saved.name, coefficients, metadata, options));
  const replicates = saved.replicates?.map((c, i) => withField(field, `replicates.${i}`, () => capacityLaw(`${saved.name}#${i}`, c, metadata, options)));
  if (!replicates || replicates.length === 0) return law;
  const level = saved.level ?? 0.9;
  return {
    ...law,
    interval(query: LawQuery) {
      const q = checkLawQuery(query);
      law.predict(q);
      const [low, high] = percentileInterval(replicates.map((r) => r.predict(q)), level);
      return { low, high, level };
    },
  };
}

/** capacityLaw's errors name `coefficients.E`; inside a file they are `law.replicates.3.E`. */
function withField<T>(field: string, part: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof ValidationError && e.field.startsWith('coefficients')) {
      throw new ValidationError(`${field}.${part}${e.field.slice('coefficients'.length)}`, e.value, e.expected);
    }
    throw e;
  }
}
