/**
 * Checks a set of tensors (a parsed header or a loaded file) against the layout a model expects:
 * missing names, unexpected names, wrong shapes and wrong dtypes, all reported together. Not a name
 * mapper: stripping `gpt_neox.` or dropping `embed_out.weight` is the model loader's business.
 */
import { ValidationError } from '../errors.js';
import type { SafetensorsDtype } from './safetensors-dtype.js';
import { LayoutMismatchError, formatShape, type LayoutProblem } from './safetensors-error.js';

/** What a tensor must look like. `dtype` may list several accepted dtypes; leave it out to accept any. */
export interface ExpectedTensor {
  readonly shape: readonly number[];
  readonly dtype?: SafetensorsDtype | readonly SafetensorsDtype[];
}

export type ExpectedLayout = Readonly<Record<string, ExpectedTensor>> | ReadonlyMap<string, ExpectedTensor>;

export interface LayoutOptions {
  /** Tolerate tensors the layout does not name (e.g. `embed_out.weight` of a causal-LM checkpoint). */
  allowUnexpected?: boolean;
}

/** Anything with a name → {dtype, shape} map: a `SafetensorsHeader` or a `SafetensorsContents`. */
export interface TensorDescriptions {
  readonly tensors: ReadonlyMap<string, { readonly dtype: string; readonly shape: readonly number[] }>;
}

/** Every difference between `source` and `expected`; empty when they match. */
export function findLayoutProblems(
  source: TensorDescriptions,
  expected: ExpectedLayout,
  options: LayoutOptions = {},
): LayoutProblem[] {
  if (source === null || typeof source !== 'object' || !(source.tensors instanceof Map)) {
    throw new ValidationError('source', source, 'a header or contents with a `tensors` Map (what parseSafetensorsHeader or readSafetensors returns)');
  }
  if (expected === null || typeof expected !== 'object') throw new ValidationError('expected', expected, 'a Map or object of { shape, dtype? } by tensor name');
  const wanted = expected instanceof Map ? expected : new Map(Object.entries(expected as Record<string, ExpectedTensor>));
  for (const [name, want] of wanted) {
    if (want === null || typeof want !== 'object' || !Array.isArray(want.shape)) throw new ValidationError(`expected.${name}`, want, '{ shape: number[], dtype? }');
  }
  const problems: LayoutProblem[] = [];
  for (const [name, want] of wanted) {
    const accepted = want.dtype === undefined ? undefined : typeof want.dtype === 'string' ? [want.dtype] : [...want.dtype];
    const have = source.tensors.get(name);
    if (have === undefined) {
      const dtypeText = accepted === undefined ? '' : `${accepted.join(' or ')} `;
      problems.push({ kind: 'missing', name, expected: `${dtypeText}${formatShape(want.shape)}` });
      continue;
    }
    if (!sameShape(have.shape, want.shape)) {
      problems.push({ kind: 'shape', name, expected: [...want.shape], actual: [...have.shape] });
    }
    if (accepted !== undefined && !(accepted as readonly string[]).includes(have.dtype)) {
      problems.push({ kind: 'dtype', name, expected: accepted, actual: have.dtype });
    }
  }
  if (!options.allowUnexpected) {
    for (const [name, have] of source.tensors) {
      if (!wanted.has(name)) problems.push({ kind: 'unexpected', name, actual: `${have.dtype} ${formatShape(have.shape)}` });
    }
  }
  return problems;
}

/** Throws a LayoutMismatchError listing every problem, or returns when `source` matches `expected`. */
export function checkLayout(source: TensorDescriptions, expected: ExpectedLayout, options: LayoutOptions = {}): void {
  const problems = findLayoutProblems(source, expected, options);
  if (problems.length > 0) throw new LayoutMismatchError(problems);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
