/**
 * JSON.parse with a bound on nesting, checked by a linear scan before parsing. V8's parser copes with
 * 100,000 nested brackets, but everything that walks the result afterwards (validation, error
 * messages, JSON.stringify) recurses and overflows the stack; a config, ledger line or index that
 * deep is hostile, so it is refused up front with a ValidationError naming the depth. Not a
 * streaming parser.
 */
import { ValidationError } from '../errors.js';

/** Deeper than any config.json, ledger line or safetensors index we read (they nest 3 or 4 levels). */
export const MAX_JSON_DEPTH = 64;

/** The deepest bracket nesting of `text`, ignoring brackets inside strings; stops counting past `limit`. */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Parses `text` as JSON after checking its nesting; throws ValidationError(field) for nesting over
 * `maxDepth` or for text that is not JSON (the parser's message included).
 */
export function parseJsonBounded(text: string, field: string, expected: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (typeof text !== 'string') throw new ValidationError(field, text, expected);
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth) throw new ValidationError(field, `JSON nested over ${maxDepth} levels deep`, `${expected}, nested at most ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError(field, text, `${expected} (${(e as Error).message})`);
  }
}
