/**
 * Node: writes an exported folder so that a crash never leaves a half folder under the final name.
 *
 *   1. every file goes into a staging directory beside the target, `.<name>.repurpose-export-<pid>-<hex>`,
 *      each flushed to disk (fsync), then the staging directory itself is flushed;
 *   2. the staging directory is renamed to the target (one atomic rename; a target that exists must be
 *      an empty directory, which rename replaces, unless `overwrite`, when the old folder is first
 *      renamed aside and removed only after the new one is in place);
 *   3. on any error the staging directory is removed; staging directories of writers that are gone
 *      (killed, crashed: no such pid) are swept before the next export into the same parent.
 *
 * A reader therefore sees no folder, the old folder, or the whole new one. Not a lock: two exports to
 * one path race and the last rename wins.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ValidationError } from '../errors.js';
import { type ExportedFolder, checkRelativePath } from './exported-folder.js';

const STAGING = /^\.(.+)\.repurpose-(export|old)-(\d+)-[0-9a-f]+$/;

export interface WriteFolderOptions {
  /** Replace an existing non-empty folder. Default false: refused. */
  readonly overwrite?: boolean;
}

export async function writeExportedFolder(dir: string, folder: ExportedFolder, options: WriteFolderOptions = {}): Promise<void> {
  if (typeof dir !== 'string' || dir.trim() === '') throw new ValidationError('dir', dir, 'the path of the folder to write');
  const target = resolve(dir);
  const parent = dirname(target);
  const parentInfo = await stat(parent).catch(() => undefined);
  if (!parentInfo?.isDirectory()) throw new ValidationError('dir', dir, `a folder in an existing directory (${parent} ${parentInfo ? 'is not a directory' : 'does not exist'})`);
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new ValidationError('dir', dir, 'a folder path (it is a file)');
  const nonEmpty = existing ? (await readdir(target)).length > 0 : false;
  if (nonEmpty && !options.overwrite) throw new ValidationError('dir', dir, 'a new or empty folder (it holds files; pass overwrite to replace it)');
  const paths = new Set<string>();
  for (const f of folder.files) {
    checkRelativePath(f.path, `folder file ${f.path}`);
    if (paths.has(f.path)) throw new ValidationError('folder files', f.path, 'each path once');
    if (!(f.bytes instanceof Uint8Array)) throw new ValidationError(`folder file ${f.path}`, f.bytes, 'its bytes (a Uint8Array)');
    paths.add(f.path);
  }
  await sweepStaleExports(parent);

  const staging = join(parent, `.${basename(target)}.repurpose-export-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(staging);
  } catch (error) {
    throw new ValidationError('dir', dir, `a folder that can be created in ${parent} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    for (const file of folder.files) {
      const path = join(staging, ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await handle.writeFile(file.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await syncDir(staging);
    if (nonEmpty) {
      const aside = join(parent, `.${basename(target)}.repurpose-old-${process.pid}-${randomBytes(6).toString('hex')}`);
      await rename(target, aside);
      await rename(staging, target);
      await rm(aside, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
    await syncDir(parent);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Removes staging (and set-aside) folders in `dir` whose writer pid no longer runs. Returns their names. */
export async function sweepStaleExports(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = STAGING.exec(name);
    if (!m || processAlive(Number(m[3]))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined); // some file systems refuse fsync on directories
  } finally {
    await handle.close();
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
