/**
 * One line of a pair file → a text pair, or a message saying what is wrong with it. Two formats:
 *   jsonl: BGE / FlagEmbedding style, `{"query": "...", "pos": ["..."], "neg": ["..."]}` (`neg`
 *          optional; BGE's `pos_scores`, `neg_scores`, `prompt` and `type` allowed and ignored; any
 *          other key is an error, so a typo such as "positive" is not silently dropped);
 *   tsv:   `query<TAB>positive`, exactly two fields, no quoting (MS MARCO style).
 * Texts must contain a non-space character. JSON nesting is checked before JSON.parse, so a line of
 * a million `[` is refused in linear time with a clear message.
 *
 * Not a line splitter (line-reader.ts) and not a file reader (pair-file.ts).
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { expect, validate } from '../validate.js';

export type PairFileFormat = 'jsonl' | 'tsv';

export interface TextPair {
  readonly query: string;
  readonly positive: string;
  /** Hard negatives from the file (kept for later use; in-batch negatives need none). */
  readonly negatives: readonly string[];
  /** Where it came from, for diagnostics (1-based). */
  readonly line: number;
}

/** A pair, the other positives of its line, or a problem. */
export type ParsedLine =
  | { readonly kind: 'pairs'; readonly query: string; readonly positives: readonly string[]; readonly negatives: readonly string[] }
  | { readonly kind: 'error'; readonly message: string };

/** Our records nest 2 deep (object → array); 4 leaves room and refuses pathological input. */
export const MAX_JSON_DEPTH = 4;

const text = z.string(expect('a text')).refine((s) => s.trim() !== '', { error: 'a text with a non-space character' });
const texts = z.array(text, expect('an array of texts'));
const BgeRecord = z
  .object(
    {
      query: text,
      pos: texts.min(1, { error: 'a non-empty array of texts' }),
      neg: texts.default([]),
      pos_scores: z.array(z.number()).optional(),
      neg_scores: z.array(z.number()).optional(),
      prompt: z.string().optional(),
      type: z.string().optional(),
    },
    expect('a JSON object {"query": ..., "pos": [...], "neg": [...]}'),
  )
  .strict();

export function parsePairLine(format: PairFileFormat, line: string): ParsedLine {
  return format === 'jsonl' ? parseJsonLine(line) : parseTsvLine(line);
}

function parseJsonLine(line: string): ParsedLine {
  const depth = jsonDepth(line);
  if (depth > MAX_JSON_DEPTH) return { kind: 'error', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels; expected {"query": ..., "pos": [...]}` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { kind: 'error', message: `not valid JSON (${(error as Error).message})` };
  }
  try {
    const r = validate(BgeRecord, value, 'record');
    return { kind: 'pairs', query: r.query, positives: r.pos, negatives: r.neg };
  } catch (error) {
    if (error instanceof ValidationError) return { kind: 'error', message: error.message };
    throw error;
  }
}

function parseTsvLine(line: string): ParsedLine {
  if (line.includes('\0')) return { kind: 'error', message: 'contains a NUL byte; is this a binary file?' };
  const fields = line.split('\t');
  if (fields.length !== 2) return { kind: 'error', message: `expected 2 tab-separated fields (query, positive), got ${fields.length}` };
  const [query, positive] = fields as [string, string];
  if (query.trim() === '') return { kind: 'error', message: 'the query (field 1) is empty' };
  if (positive.trim() === '') return { kind: 'error', message: 'the positive (field 2) is empty' };
  return { kind: 'pairs', query, positives: [positive], negatives: [] };
}

/** TSV files may start with this header (case-insensitive); it is skipped. */
export function isTsvHeader(line: string): boolean {
  return /^query\t(pos|positive|passage|document)$/i.test(line.trim());
}

/** Deepest `[`/`{` nesting outside strings, in one pass. */
function jsonDepth(line: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
