/**
 * Test helper for the fuzz suite: the table of malformed values every public argument is tried with,
 * each labelled with its class (the classes), and how to substitute them into an argument or
 * into one field of an object argument. Not a property-based testing library: the cases are a fixed,
 * systematic product of entry points × values, so a failure names exactly which call misbehaved.
 */

export type FuzzClass = 'null-undefined' | 'wrong-type' | 'non-finite' | 'negative' | 'huge' | 'unknown-key' | 'deep-nesting' | 'hostile-file';

export interface BadValue {
  readonly label: string;
  readonly class: FuzzClass;
  readonly make: () => unknown;
}

function deepArray(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function deepObject(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function cyclic(): unknown {
  const o: Record<string, unknown> = { kind: 'full' };
  o['self'] = o;
  return o;
}

const DEEP_ARRAY = deepArray(100_000);
const DEEP_OBJECT = deepObject(100_000);

export const BAD_VALUES: readonly BadValue[] = [
  { label: 'null', class: 'null-undefined', make: () => null },
  { label: 'undefined', class: 'null-undefined', make: () => undefined },
  { label: 'true', class: 'wrong-type', make: () => true },
  { label: '"text"', class: 'wrong-type', make: () => 'text' },
  { label: '""', class: 'wrong-type', make: () => '' },
  { label: '[]', class: 'wrong-type', make: () => [] },
  { label: '{}', class: 'wrong-type', make: () => ({}) },
  { label: 'function', class: 'wrong-type', make: () => () => 1 },
  { label: '1n', class: 'wrong-type', make: () => 1n },
  { label: 'cyclic object', class: 'wrong-type', make: cyclic },
  { label: 'NaN', class: 'non-finite', make: () => Number.NaN },
  { label: 'Infinity', class: 'non-finite', make: () => Number.POSITIVE_INFINITY },
  { label: '-Infinity', class: 'non-finite', make: () => Number.NEGATIVE_INFINITY },
  { label: '-1', class: 'negative', make: () => -1 },
  { label: '0', class: 'negative', make: () => 0 },
  { label: '-0.5', class: 'negative', make: () => -0.5 },
  { label: '1e308', class: 'huge', make: () => 1e308 },
  { label: '2^60', class: 'huge', make: () => 2 ** 60 },
  // Built once: nothing the library does may mutate an argument, and building them per case is slow.
  { label: '100,000-deep array', class: 'deep-nesting', make: () => DEEP_ARRAY },
  { label: '100,000-deep object', class: 'deep-nesting', make: () => DEEP_OBJECT },
];

/** The value a field-level fuzz puts in for an unknown key. */
export const UNKNOWN_KEY = 'zzUnknownKey';
