/**
 * Reading a file a command was given (a ledger, a law, a config, a checkpoint), checked before it is
 * opened: it must exist, be a regular file (not a directory, FIFO, socket or device such as /dev/zero,
 * which would block or never end) and be no larger than the command reads. Errors name the flag.
 * Not a general file API: whole small files only.
 */
import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import { num } from '../format/numbers.js';

/** Laws, configs and ledgers are JSON text; 64 MiB is far above any real one. */
export const MAX_TEXT_BYTES = 64 * 2 ** 20;

const show = (path: string) => JSON.stringify(path);

/** The file's status (following symlinks), or an error that says why it cannot be read. */
export function statInput(flag: string, path: string, what: string): Stats {
  if (path.trim() === '') throw new CliError(`${flag}: expected ${what}, got ""`);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is not a directory' : (code ?? 'cannot be read');
    throw new CliError(`${flag}: cannot read ${show(path)} (${why}); expected ${what}`);
  }
  if (stats.isDirectory()) throw new CliError(`${flag}: ${show(path)} is a directory; expected ${what}`);
  if (!stats.isFile()) throw new CliError(`${flag}: ${show(path)} is not a regular file (a FIFO, socket or device); expected ${what}`);
  return stats;
}

export function readInputBytes(flag: string, path: string, what: string, maxBytes: number): Buffer {
  const stats = statInput(flag, path, what);
  if (stats.size > maxBytes) throw new CliError(`${flag}: ${show(path)} is ${num(stats.size)} bytes; expected ${what} of at most ${num(maxBytes)} bytes`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`${flag}: cannot read ${show(path)} (${(error as NodeJS.ErrnoException).code ?? 'read failed'}); expected ${what}`);
  }
}

/** UTF-8 text; a file with NUL bytes is binary, not the JSON the command expects. */
export function readInputText(flag: string, path: string, what: string, maxBytes = MAX_TEXT_BYTES): string {
  const bytes = readInputBytes(flag, path, what, maxBytes);
  if (bytes.includes(0)) throw new CliError(`${flag}: ${show(path)} is a binary file; expected ${what}`);
  return bytes.toString('utf8');
}

/** JSON at most `maxDepth` levels deep (checked on the text before parsing, so 100,000 `[` cannot exhaust the stack later). */
export function parseJsonText(flag: string, text: string, what: string, maxDepth = 64): unknown {
  const depth = nestingDepth(text);
  if (depth > maxDepth) throw new CliError(`${flag}: expected ${what}, got JSON nested ${num(depth)} levels deep (at most ${maxDepth})`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag}: expected ${what}, got text that is not JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The deepest nesting of [ and { outside strings. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/**
 * A folder given as a flag (a model, an adapter): it must be a directory holding `marker`. Then each
 * of `files` present or required is checked in the order the command reads them, so a broken
 * config.json or weights file is named before a missing tokenizer.
 */
export function checkFolder(flag: string, dir: string, marker: string, what: string, files: readonly { name: string; optional?: boolean }[] = []): void {
  if (dir.trim() === '') throw new CliError(`${flag}: expected ${what}, got ""`);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new CliError(`${flag}: cannot read ${show(dir)} (no such directory); expected ${what}`);
  }
  if (!isDir) throw new CliError(`${flag}: ${show(dir)} is not a directory; expected ${what}`);
  statInput(flag, join(dir, marker), what);
  for (const f of files) if (!f.optional || existsSync(join(dir, f.name))) statInput(flag, join(dir, f.name), what);
}

/** A Hugging Face model folder read with its tokenizer: config.json, model.safetensors (or shards), tokenizer.json. */
export function checkModelFolder(flag: string, dir: string, what = 'a model folder with config.json, weights and tokenizer.json'): void {
  checkFolder(flag, dir, 'config.json', what, [{ name: 'model.safetensors', optional: true }, { name: 'tokenizer.json' }]);
}
