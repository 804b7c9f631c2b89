/**
 * The engine's error class. A GraphError names the field (an op argument, a feed, an attribute), the
 * value it got and what was expected, like the rest of the library's errors. It is not a second error
 * hierarchy: it extends the core RepurposeError so callers can catch everything the library throws.
 */
import { RepurposeError, describeValue } from '../errors.js';

export class GraphError extends RepurposeError {
  override name = 'GraphError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`invalid ${field}: expected ${expected}, got ${describeValue(value)}`);
  }
}
