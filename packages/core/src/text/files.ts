/**
 * Node helpers for text: a tokenizer from a model folder, a pair file from a path. Exported from
 * `@repurpose/core/node` only (this file imports node:fs); the browser passes parsed JSON and a
 * stream or Blob to createTokenizer / readPairFile instead.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PairFileError, TokenizerError } from './errors.js';
import { type PairFile, type ReadPairFileOptions, readPairFile } from './pair-file.js';
import type { PairFileFormat } from './pair-line.js';
import { type TextTokenizer, type TextTokenizerOptions, createTokenizer } from './tokenizer.js';

/** Reads `dir`/tokenizer.json (required) and `dir`/tokenizer_config.json (if present). */
export async function loadTokenizerDir(dir: string, options: TextTokenizerOptions = {}): Promise<TextTokenizer> {
  const tokenizerJson = await readJson(join(dir, 'tokenizer.json'), true);
  const tokenizerConfig = await readJson(join(dir, 'tokenizer_config.json'), false);
  return createTokenizer(tokenizerConfig === undefined ? { tokenizerJson } : { tokenizerJson, tokenizerConfig }, options);
}

/** Streams the file at `path`; the format defaults from the extension (.jsonl/.json → jsonl, .tsv/.txt → tsv), else from the first line. */
export async function readPairFilePath(path: string, options: ReadPairFileOptions = {}): Promise<PairFile> {
  const format = options.format ?? formatOf(path);
  try {
    return await readPairFile(createReadStream(path), { name: path, ...options, ...(format ? { format } : {}) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !(error instanceof PairFileError)) throw new PairFileError(path, [{ line: 0, message: `cannot be read (${(error as Error).message})` }], 1);
    throw error;
  }
}

function formatOf(path: string): PairFileFormat | undefined {
  if (/\.jsonl?$/i.test(path)) return 'jsonl';
  if (/\.(tsv|txt)$/i.test(path)) return 'tsv';
  return undefined;
}

async function readJson(path: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TokenizerError(path, `cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TokenizerError(path, `is not valid JSON (${(error as Error).message})`);
  }
}
