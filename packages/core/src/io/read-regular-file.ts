/**
 * Node helper: read a file the library was pointed at, refusing what would hang or exhaust memory. A
 * path that is (or links to) a FIFO, a device such as /dev/zero, a socket or a directory is refused
 * before any byte is read — the open is non-blocking, so a FIFO without a writer cannot stall it —
 * and a regular file is read up to its size at open time (never past it, so a file that grows while
 * being read cannot make us read forever) and at most `maxBytes`. Not a general file API.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ValidationError } from '../errors.js';
import { formatBytes } from '../format.js';

export interface ReadRegularFileOptions {
  /** Refuse files larger than this. */
  readonly maxBytes?: number;
  /** The field named in errors (default `path`). */
  readonly field?: string;
  /** What the file should be, for errors ("a safetensors file", "a ledger (JSONL)"). */
  readonly what?: string;
}

/** The largest file we read whole: a Uint8Array's limit on 64-bit Node (2^32 − 1 bytes would be 4 GiB; Buffer caps lower). */
export const MAX_WHOLE_FILE_BYTES = 2 ** 31 - 1;

/** Opens `path` for reading without blocking and checks it is a regular file; returns the handle and its size. */
export async function openRegularFile(path: string, options: ReadRegularFileOptions = {}) {
  const field = options.field ?? 'path';
  const what = options.what ?? 'a regular file';
  if (typeof path !== 'string' || path.length === 0) throw new ValidationError(field, path, `the path of ${what}`);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ValidationError(field, path, `${what} that exists and can be read (${code})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isFIFO() ? 'a FIFO' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isDirectory() ? 'a directory' : stat.isSocket() ? 'a socket' : 'not a regular file';
      throw new ValidationError(field, path, `${what}, a regular file (after following links it is ${kind})`);
    }
    const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
    if (stat.size > max) throw new ValidationError(field, path, `${what} of at most ${formatBytes(max)} (it has ${formatBytes(stat.size)})`);
    return { handle, size: stat.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Reads a whole regular file (see the header for what is refused). */
export async function readRegularFile(path: string, options: ReadRegularFileOptions = {}): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(path, { ...options, maxBytes: Math.min(options.maxBytes ?? MAX_WHOLE_FILE_BYTES, MAX_WHOLE_FILE_BYTES) });
  try {
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break; // shrank while reading: the parser reports the truncation
      filled += bytesRead;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Reads a whole regular file as UTF-8 text. */
export async function readRegularTextFile(path: string, options: ReadRegularFileOptions = {}): Promise<string> {
  return new TextDecoder('utf-8').decode(await readRegularFile(path, options));
}
