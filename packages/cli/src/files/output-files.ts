/**
 * The files a command writes (a law, a plot, embeddings), checked up front, before any work: each
 * path's directory exists and takes a new file (probed, since permission bits do not tell root or a
 * read-only mount), the path is not a directory, device or FIFO, and no output is an input of the same
 * command or another output. "Is" compares what the paths resolve to — real paths, and device and
 * inode, so a symlink or a hard link to the ledger counts as the ledger. Then each file is written
 * atomically (core's writeFileAtomic: a temporary file beside it, then a rename), so a killed run
 * leaves the old file or the new one, never half of one. A symlink given as an output is replaced by
 * the new file; the file it pointed to is left alone.
 * Not a general file API.
 */
import { lstatSync, realpathSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '@repurpose/core/node';
import { CliError } from '../cli-error.js';

export interface NamedPath {
  /** The flag or argument that named it, as the user typed it: `--out`, `RUNS.jsonl`. */
  readonly flag: string;
  readonly path: string;
}

const show = (path: string) => JSON.stringify(path);

function statOrUndefined(stat: (p: string) => Stats, path: string): Stats | undefined {
  try {
    return stat(path);
  } catch {
    return undefined;
  }
}

/** Everything a path can be recognised by: its resolved real path and, if it exists, device:inode. */
function identities(path: string): Set<string> {
  const ids = new Set<string>();
  const abs = resolve(path);
  try {
    ids.add(join(realpathSync(dirname(abs)), basename(abs)));
  } catch {
    ids.add(abs);
  }
  const target = statOrUndefined(statSync, path);
  if (target) {
    ids.add(`inode ${target.dev}:${target.ino}`);
    try {
      ids.add(realpathSync(path));
    } catch {
      /* a dangling link: the path itself identifies it */
    }
  }
  const link = statOrUndefined(lstatSync, path);
  if (link) ids.add(`inode ${link.dev}:${link.ino}`);
  return ids;
}

function checkWritable(output: NamedPath): void {
  const { flag, path } = output;
  if (path.trim() === '') throw new CliError(`${flag}: expected a file path to write, got ""`);
  const existing = statOrUndefined(statSync, path);
  if (existing?.isDirectory()) throw new CliError(`${flag}: ${show(path)} is a directory; expected a file path to write`);
  if (existing && !existing.isFile()) throw new CliError(`${flag}: ${show(path)} is not a regular file (a FIFO, socket or device); expected a file path to write`);
  const dir = dirname(resolve(path));
  const dirStats = statOrUndefined(statSync, dir);
  if (!dirStats) throw new CliError(`${flag}: cannot write ${show(path)}: the directory ${show(dirname(path))} does not exist`);
  if (!dirStats.isDirectory()) throw new CliError(`${flag}: cannot write ${show(path)}: ${show(dirname(path))} is not a directory`);
  const probe = join(dir, `.repurpose-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (error) {
    throw new CliError(`${flag}: cannot write ${show(path)}: the directory ${show(dirname(path))} does not take new files (${(error as NodeJS.ErrnoException).code ?? 'write failed'})`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Refuses, before any work, outputs that cannot be written or that would overwrite an input of the
 * command or another of its outputs. Inputs are only compared here (their own checks are elsewhere).
 */
export function checkOutputs(outputs: readonly (NamedPath | undefined)[], inputs: readonly (NamedPath | undefined)[]): void {
  const seen: { named: NamedPath; ids: Set<string>; role: 'input' | 'output' }[] = [];
  for (const input of inputs) if (input) seen.push({ named: input, ids: identities(input.path), role: 'input' });
  for (const output of outputs) {
    if (!output) continue;
    checkWritable(output);
    const ids = identities(output.path);
    for (const other of seen) {
      if ([...ids].some((id) => other.ids.has(id))) {
        const what = other.role === 'input' ? `an input of this command (${other.named.flag})` : `the output of ${other.named.flag}`;
        throw new CliError(`${output.flag}: ${show(output.path)} is also ${what}, ${show(other.named.path)}; no output may overwrite an input or another output — choose another path`);
      }
    }
    seen.push({ named: output, ids, role: 'output' });
  }
}

/** Writes text atomically (temporary file beside it, then rename). */
export async function writeOutput(output: NamedPath, text: string): Promise<void> {
  try {
    await writeFileAtomic(output.path, new TextEncoder().encode(text));
  } catch (error) {
    throw new CliError(`${output.flag}: cannot write ${show(output.path)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
