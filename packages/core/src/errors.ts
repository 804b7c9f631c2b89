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

/** Renders a value for an error message: short, unambiguous, never throws. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
