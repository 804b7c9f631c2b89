/**
 * An exported model folder as data: relative file paths (POSIX, no `..`) and their bytes, in the
 * order they are written. Writers (hf-folder.ts, …) produce it; write-folder.ts puts it on disk
 * atomically; a browser can zip it or hand it to a download. Not a file system.
 */
import { ValidationError } from '../errors.js';

export interface ExportedFile {
  /** Relative path, `/`-separated, e.g. `1_Pooling/config.json`. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface ExportedFolder {
  readonly format: string;
  readonly files: readonly ExportedFile[];
}

const SAFE_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** A relative path of plain segments (no `.`/`..`, no absolute paths, no odd characters). */
export function checkRelativePath(path: string, field = 'path'): string {
  const segments = typeof path === 'string' ? path.split('/') : [];
  if (segments.length === 0 || segments.some((s) => !SAFE_SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new ValidationError(field, path, 'a relative file path of plain names (letters, digits, _ . -), "/"-separated');
  }
  return path;
}

export function jsonFile(path: string, value: unknown): ExportedFile {
  return { path: checkRelativePath(path), bytes: new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`) };
}

export function textFile(path: string, text: string): ExportedFile {
  return { path: checkRelativePath(path), bytes: new TextEncoder().encode(text) };
}
