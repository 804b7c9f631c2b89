/**
 * The one check of a law query (model, method, tokens) before any law computes with it: the model may
 * be a Pythia name or an architecture object (so `law.predict({ model: 'pythia-160m', ... })` means
 * what it says instead of NaN), the method is validated against it, and D must be a positive finite
 * number. Planners query laws thousands of times with the same objects, so a model or method object
 * already checked is remembered by identity (a WeakMap: nothing is kept alive). Not a law.
 */
import { checkedArchitecture } from '../catalog/resolve-model.js';
import { ValidationError } from '../errors.js';
import { formatCount } from '../format.js';
import { MAX_TOKENS } from '../flops/units.js';
import { checkedMethod } from '../methods/method.js';
import type { LawQuery } from './law.js';

/** A LawQuery as a law may use it; throws ValidationError naming `field.model`, `field.method` or `field.tokens`. */
export function checkLawQuery(query: unknown, field = 'query', options: { tokens?: boolean } = {}): LawQuery {
  if (query === null || typeof query !== 'object') throw new ValidationError(field, query, '{ model, method, tokens }');
  const q = query as { model?: unknown; method?: unknown; tokens?: unknown };
  const model = checkedArchitecture(q.model, `${field}.model`);
  const method = checkedMethod(q.method, model, `${field}.method`);
  const tokens = q.tokens;
  if (options.tokens !== false && (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens <= 0 || tokens > MAX_TOKENS)) {
    throw new ValidationError(`${field}.tokens`, tokens, `a positive number of tokens, at most ${formatCount(MAX_TOKENS)} (2^53 − 1)`);
  }
  return { model, method, tokens: tokens as number };
}
