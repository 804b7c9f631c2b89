/**
 * Node helpers for text: a tokenizer from a model folder, a pair file from a path. Exported from
 * `@repurpose/core/node` only (this file imports node:fs); the browser passes parsed JSON and a
 * stream or Blob to createTokenizer / readPairFile instead. Files are opened through
 * io/read-regular-file.ts, so a FIFO, a device or a directory is refused instead of hanging, and a
 * pair file is read up to its size at open time.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openRegularFile, readRegularTextFile } from '../io/read-regular-file.js';
import { TokenizerError } from './errors.js';
import { type PairFile, type ReadPairFileOptions, readPairFile } from './pair-file.js';
import type { PairFileFormat } from './pair-line.js';
import { type TextTokenizer, type TextTokenizerOptions, createTokenizer } from './tokenizer.js';

/** tokenizer.json of the largest vocabularies is tens of MB; this refuses what cannot be one. */
const MAX_TOKENIZER_BYTES = 256 * 2 ** 20;

/** Reads `dir`/tokenizer.json (required) and `dir`/tokenizer_config.json (if present). */
export async function loadTokenizerDir(dir: string, options: TextTokenizerOptions = {}): Promise<TextTokenizer> {
  const tokenizerJson = await readJson(join(dir, 'tokenizer.json'), true);
  const tokenizerConfig = await readJson(join(dir, 'tokenizer_config.json'), false);
  return createTokenizer(tokenizerConfig === undefined ? { tokenizerJson } : { tokenizerJson, tokenizerConfig }, options);
}

/** Streams the file at `path`; the format defaults from the extension (.jsonl/.json → jsonl, .tsv/.txt → tsv), else from the first line. */
export async function readPairFilePath(path: string, options: ReadPairFileOptions = {}): Promise<PairFile> {
  const format = options.format ?? formatOf(path);
  const { handle, size } = await openRegularFile(path, { what: 'a pair file (JSONL or TSV)' });
  try {
    const source = size === 0 ? new Uint8Array(0) : handle.createReadStream({ start: 0, end: size - 1, autoClose: false });
    return await readPairFile(source, { name: path, ...options, ...(format ? { format } : {}) });
  } finally {
    await handle.close();
  }
}

function formatOf(path: string): PairFileFormat | undefined {
  if (/\.jsonl?$/i.test(path)) return 'jsonl';
  if (/\.(tsv|txt)$/i.test(path)) return 'tsv';
  return undefined;
}

async function readJson(path: string, required: boolean): Promise<unknown> {
  if (!required) {
    try {
      await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    }
  }
  const text = await readRegularTextFile(path, { field: path, what: 'a tokenizer file (JSON)', maxBytes: MAX_TOKENIZER_BYTES });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TokenizerError(path, `is not valid JSON (${(error as Error).message})`);
  }
}
