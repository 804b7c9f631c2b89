/**
 * Error classes of @repurpose/core. Every error a user can cause names the field, the value and what
 * was expected, so a CLI can print it as one readable line. Not a logging or error-reporting framework.
 */

/** Base class: everything the library throws on purpose is a RepurposeError. */
export class RepurposeError extends Error {
  override name = 'RepurposeError';
}

/** A public input failed validation. `field` is a dotted path such as `options.methods.1.rank`. */
export class ValidationError extends RepurposeError {
  override name = 'ValidationError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`invalid ${field}: expected ${expected}, got ${describeValue(value)}`);
  }
}

/** Renders a value for an error message: short, unambiguous, never throws (not even on cyclic or 100,000-deep values). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    // cyclic, too deep, or a getter that throws: fall through to a description of its type
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === 'string' && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}
