/**
 * `makeFolders(path)`: a folder and its missing parents, made one level at a time. Node's
 * `mkdir(path, { recursive: true })` retries without end where a parent refuses new entries with
 * ENOENT — any path under /proc hung the CLI — so every writer that makes folders goes through here.
 * Errors are the system's (code set), raised at the first level that cannot be made; callers say
 * which option it was. Node only.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeFolders(path: string): void {
  const missing: string[] = [];
  for (let p = resolve(path); !statSync(p, { throwIfNoEntry: false }); p = dirname(p)) missing.push(p);
  for (const p of missing.reverse()) mkdirSync(p);
}
