/**
 * The one place zod errors become ValidationErrors. Schemas carry their "expected" phrase as the
 * issue message (see `expect`), so the error reads `invalid budget: expected a positive finite number
 * of FLOP, got -5`. Not a schema library of its own.
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';

/** Parses `value` with `schema`; on failure throws a ValidationError for the first issue. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // A typo ("numLayer") yields both "missing numLayers" and "unknown numLayer": the unknown key says more.
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
  const path = [field, ...issue.path.map(String)].join('.');
  throw new ValidationError(path, valueAt(value, issue.path), expectedPhrase(issue));
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function expectedPhrase(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `no key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    return `a known ${String(issue.discriminator)}`;
  }
  // Our schemas put the expectation itself in the message; zod's own say "Invalid input: expected ...".
  return issue.message.replace(/^Invalid input: expected /, '').replace(/^Invalid input/, 'valid input');
}

/**
 * An options argument: `undefined` (all defaults) or a plain object whose keys are all in `keys`.
 * For functions whose options are not a zod schema; throws ValidationError naming `field`.
 */
export function checkOptions(value: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(field, value, `an options object { ${keys.join(', ')} } or nothing`);
  for (const k of Object.keys(value)) if (!keys.includes(k)) throw new ValidationError(field, value, `no key ${JSON.stringify(k)} (known: ${keys.join(', ') || 'none'})`);
  return value as Record<string, unknown>;
}

/** Custom error message helper: `z.number(expect('a positive number'))`. */
export const expect = (phrase: string) => ({ error: () => phrase });

/** A finite number > 0 (rejects NaN, ±Infinity, strings): budgets, token counts, prices. */
export const positiveNumber = (what: string) =>
  z
    .number(expect(`a positive finite number ${what}`.trim()))
    .refine((x) => Number.isFinite(x) && x > 0, { error: `a positive finite number ${what}`.trim() });

/** A whole number ≥ min. */
export const integerAtLeast = (min: number, what = '') =>
  z
    .number(expect(`an integer ≥ ${min} ${what}`.trim()))
    .refine((x) => Number.isInteger(x) && x >= min, { error: `an integer ≥ ${min} ${what}`.trim() });
