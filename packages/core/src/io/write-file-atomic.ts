/**
 * Node helper: every file the library writes goes through `writeFileAtomic`, so a reader sees the old
 * file or the new one, never a part, and a writer killed mid-write (even by SIGKILL) leaves nothing
 * that lingers. How:
 *
 *   1. the bytes go to a temporary file in the target's own directory (a rename across file systems
 *      is not atomic), named `.<target>.repurpose-tmp-<pid>-<random>`, created exclusively;
 *   2. it is flushed to disk (fsync) and renamed over the target;
 *   3. on any error the temporary file is removed;
 *   4. before writing, temporary files of this pattern in that directory whose writer process is
 *      gone (no process with that pid: a kill, a crash, a power cut) are removed — the sweep that
 *      step 3 cannot do for a process that no longer runs. A live pid (ours, or reused) is left alone.
 *
 * Data may be bytes, a string (UTF-8), or an async iterable of byte chunks (written as they come, so
 * a large checkpoint need not be assembled twice). Not a lock: two writers of one path race, and the
 * last rename wins. Not for paths on network file systems shared by several hosts (pids are local).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../errors.js';

export type AtomicData = Uint8Array | string | AsyncIterable<Uint8Array>;

const TEMP = /^\.(.+)\.repurpose-tmp-(\d+)-[0-9a-f]+$/;

/** The temporary name for `path` in its directory (exported for tests). */
export function temporaryNameFor(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.repurpose-tmp-${pid}-${randomBytes(6).toString('hex')}`);
}

/** Writes `data` to `path` atomically (see the header). Errors for a bad path or directory are ValidationErrors. */
export async function writeFileAtomic(path: string, data: AtomicData): Promise<void> {
  if (typeof path !== 'string' || path.length === 0 || path.endsWith('/')) throw new ValidationError('path', path, 'the path of a file to write');
  const ok = typeof data === 'string' || data instanceof Uint8Array || (data !== null && typeof data === 'object' && Symbol.asyncIterator in data);
  if (!ok) throw new ValidationError('data', data, 'bytes (Uint8Array), a string, or an async iterable of Uint8Array chunks');
  const dir = dirname(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ValidationError('path', path, `a file in an existing directory (${dir} ${info ? 'is not a directory' : 'does not exist'})`);
  const target = await stat(path).catch(() => undefined);
  if (target && !target.isFile()) throw new ValidationError('path', path, 'a regular file to replace (it is a directory, FIFO or device)');
  await sweepStaleTemporaries(dir);

  const temporary = temporaryNameFor(path);
  let handle;
  try {
    handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (e) {
    throw new ValidationError('path', path, `a file in a writable directory (${(e as NodeJS.ErrnoException).code ?? 'error'} creating ${basename(temporary)})`);
  }
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else {
      for await (const chunk of data) {
        if (!(chunk instanceof Uint8Array)) throw new ValidationError('data', chunk, 'Uint8Array chunks');
        await handle.write(chunk);
      }
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Removes `.*.repurpose-tmp-<pid>-*` files in `dir` whose pid names no running process. Returns what it removed. */
export async function sweepStaleTemporaries(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || processAlive(Number(m[2]))) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else — alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
