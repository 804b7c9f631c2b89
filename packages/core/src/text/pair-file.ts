/**
 * Reads a whole pair file (BGE-style JSONL or query/positive TSV) from a stream, checking every line
 * before anything is trained: all problems are collected (the first `maxErrors` kept, all counted)
 * and thrown as one PairFileError with line numbers. An empty file, or one with no usable pair, is
 * an error too. Browser-safe: the source is a ReadableStream, Blob/File, async iterable, bytes or a
 * string; `readPairFilePath` in `@repurpose/core/node` opens a path.
 *
 * Not a tokenizer and not a shuffler: it returns text pairs in file order.
 */
import { z } from 'zod';
import { expect, integerAtLeast, validate } from '../validate.js';
import { PairFileError, type PairFileProblem } from './errors.js';
import { type ByteSource, DEFAULT_MAX_LINE_BYTES, readLines } from './line-reader.js';
import { type PairFileFormat, type TextPair, isTsvHeader, parsePairLine } from './pair-line.js';

export interface ReadPairFileOptions {
  /** Default: from the first non-blank line (`{` → jsonl, else tsv). */
  readonly format?: PairFileFormat;
  /** A JSONL line with several positives: use the first (default), or make one pair per positive. */
  readonly positives?: 'first' | 'each';
  /** Problems listed in the error (all are counted). Default 20. */
  readonly maxErrors?: number;
  /** Longest line read, in bytes. Default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Names the source in messages (a path or file name). Default "pair file". */
  readonly name?: string;
}

export interface PairFile {
  readonly format: PairFileFormat;
  readonly pairs: readonly TextPair[];
  /** Lines read, blank ones included. */
  readonly lines: number;
  readonly blankLines: number;
  /** A TSV header line was skipped. */
  readonly header: boolean;
  /** Positives not used because `positives` is 'first'. */
  readonly unusedPositives: number;
}

const OptionsSchema = z
  .object({
    format: z.enum(['jsonl', 'tsv'], expect('"jsonl" or "tsv"')).optional(),
    positives: z.enum(['first', 'each'], expect('"first" or "each"')).default('first'),
    maxErrors: integerAtLeast(1, '(errors listed)').default(20),
    maxLineBytes: integerAtLeast(16, '(bytes)').default(DEFAULT_MAX_LINE_BYTES),
    name: z.string().default('pair file'),
  })
  .strict();

export async function readPairFile(source: ByteSource, options: ReadPairFileOptions = {}): Promise<PairFile> {
  const o = validate(OptionsSchema, options, 'options');
  const name = o.name === 'pair file' && typeof File !== 'undefined' && source instanceof File ? source.name : o.name;
  const problems: PairFileProblem[] = [];
  let count = 0;
  const problem = (line: number, message: string) => {
    count++;
    if (problems.length < o.maxErrors) problems.push({ line, message });
  };
  const pairs: TextPair[] = [];
  let format = o.format;
  let lines = 0;
  let blankLines = 0;
  let header = false;
  let unusedPositives = 0;
  for await (const l of readLines(source, o.maxLineBytes)) {
    lines = l.line;
    if (l.kind === 'error') {
      problem(l.line, l.message);
      continue;
    }
    if (l.text.trim() === '') {
      blankLines++;
      continue;
    }
    if (format === undefined) format = l.text.trimStart().startsWith('{') ? 'jsonl' : 'tsv';
    if (format === 'tsv' && pairs.length === 0 && count === 0 && !header && isTsvHeader(l.text)) {
      header = true;
      continue;
    }
    const parsed = parsePairLine(format, l.text);
    if (parsed.kind === 'error') {
      problem(l.line, parsed.message);
      continue;
    }
    const used = o.positives === 'each' ? parsed.positives : parsed.positives.slice(0, 1);
    unusedPositives += parsed.positives.length - used.length;
    for (const positive of used) pairs.push({ query: parsed.query, positive, negatives: parsed.negatives, line: l.line });
  }
  if (count > 0) throw new PairFileError(name, problems, count);
  if (pairs.length === 0) {
    const what = lines === 0 ? 'the file is empty' : `no pairs in ${lines} line${lines === 1 ? '' : 's'}${blankLines === lines ? ' (all blank)' : header ? ' (only a header)' : ''}`;
    throw new PairFileError(name, [{ line: 0, message: `${what}; expected one (query, positive) pair per line` }], 1);
  }
  return { format: format!, pairs, lines, blankLines, header, unusedPositives };
}
