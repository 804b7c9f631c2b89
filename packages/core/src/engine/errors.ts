/**
 * The engine's error class. A GraphError names the field (an op argument, a feed, an attribute), the
 * value it got and what was expected: it is a ValidationError with its own name, so callers can catch
 * engine errors apart or with everything else the library throws.
 */
import { ValidationError } from '../errors.js';

export class GraphError extends ValidationError {
  override name = 'GraphError';
}
