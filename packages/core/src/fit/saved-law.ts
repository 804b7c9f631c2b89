/**
 * A law as a JSON file: what `repurpose fit --out law.json` writes and `repurpose plan --law law.json`
 * reads. It keeps the coefficients, where they came from, and the bootstrap replicates' coefficients,
 * so a loaded law predicts exactly as the fitted one and still gives intervals. Not a general model
 * registry: the capacity-law family only.
 */
import { z } from 'zod';
import { capacityLaw, type CapacityLawCoefficients, supportedKinds } from '../laws/capacity-law.js';
import type { LawQuery, ScalingLaw } from '../laws/law.js';
import { expect, validate } from '../validate.js';
import { percentileInterval } from './bootstrap.js';
import type { FittedLaw } from './fitted-law.js';

export const SAVED_LAW_FORMAT = 'repurpose-law/1';

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
    name: z.string(expect('a law name')).min(1),
    provenance: z.string(expect('a sentence saying where the coefficients came from')),
    fittedToRuns: z.boolean(expect('a boolean')),
    budgetRange: z.tuple([finite, finite]).optional(),
    coefficients: CoefficientsSchema,
    /** Coverage of `interval()`; with `replicates`. */
    level: z.number(expect('a level in (0, 1)')).gt(0).lt(1).optional(),
    replicates: z.array(CoefficientsSchema).optional(),
  })
  .strict();

export type SavedLaw = z.infer<typeof SavedLawSchema>;

/** The JSON form of a fitted law. */
export function saveLaw(law: FittedLaw): SavedLaw {
  const range = law.metadata.budgetRange;
  return {
    format: SAVED_LAW_FORMAT,
    name: law.name,
    provenance: law.metadata.provenance,
    fittedToRuns: law.metadata.fittedToRuns,
    ...(range ? { budgetRange: [range[0], range[1]] as [number, number] } : {}),
    coefficients: law.coefficients as SavedLaw['coefficients'],
    ...(law.replicates && law.intervals ? { level: law.intervals.level, replicates: law.replicates as SavedLaw['replicates'] } : {}),
  };
}

/** A ScalingLaw from its JSON form; errors name the field (`law.coefficients.alpha`, ...). */
export function loadLaw(json: unknown, field = 'law'): ScalingLaw {
  const saved = validate(SavedLawSchema, json, field);
  const coefficients: CapacityLawCoefficients = saved.coefficients;
  const metadata = {
    provenance: saved.provenance,
    fittedToRuns: saved.fittedToRuns,
    ...(saved.budgetRange ? { budgetRange: saved.budgetRange } : {}),
    methods: supportedKinds(coefficients),
  };
  const law = capacityLaw(saved.name, coefficients, metadata);
  const replicates = saved.replicates?.map((c, i) => capacityLaw(`${saved.name}#${i}`, c, metadata));
  if (!replicates || replicates.length === 0) return law;
  const level = saved.level ?? 0.9;
  return {
    ...law,
    interval(query: LawQuery) {
      const [low, high] = percentileInterval(replicates.map((r) => r.predict(query)), level);
      return { low, high, level };
    },
  };
}
