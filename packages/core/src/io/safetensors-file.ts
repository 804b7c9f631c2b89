/**
 * Node conveniences over the byte-level safetensors reader and writer: read a file by path, read only
 * the header of a large file, and write atomically (temporary file, then rename) so a crash mid-write
 * never leaves a half-written checkpoint under the final name. Kept apart so the core reader imports
 * nothing from Node and bundles for browsers. Not a checkpoint manager (no directories, no rotation).
 */
import { openRegularFile, readRegularFile } from './read-regular-file.js';
import { writeFileAtomic } from './write-file-atomic.js';

export { writeFileAtomic };
import { SafetensorsError } from './safetensors-error.js';
import { DEFAULT_MAX_HEADER_BYTES, parseSafetensorsHeader, type SafetensorsHeader } from './safetensors-header.js';
import { readSafetensors, type ReadOptions, type SafetensorsContents } from './safetensors-read.js';
import { writeSafetensors, type TensorsToWrite } from './safetensors-write.js';

/** Reads and decodes a whole file. Errors from the format name the path. */
export async function readSafetensorsFile(path: string, options: ReadOptions = {}): Promise<SafetensorsContents> {
  const bytes = await readRegularFile(path, { what: 'a safetensors file' });
  return withPath(path, () => readSafetensors(bytes, options));
}

/** Reads only the length prefix and the header, so a multi-gigabyte checkpoint can be inspected cheaply. */
export async function readSafetensorsHeaderFile(
  path: string,
  options: { maxHeaderBytes?: number } = {},
): Promise<SafetensorsHeader> {
  const { handle, size } = await openRegularFile(path, { what: 'a safetensors file', maxBytes: Number.MAX_SAFE_INTEGER });
  try {
    const prefix = new Uint8Array(Math.min(size, 8));
    await handle.read(prefix, 0, prefix.length, 0);
    const declared = prefix.length === 8 ? new DataView(prefix.buffer).getUint32(0, true) : 0;
    const high = prefix.length === 8 ? new DataView(prefix.buffer).getUint32(4, true) : 0;
    const limit = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    // Read at most what the limit and the file allow; the parser then reports what is wrong, if anything.
    const want = high === 0 && declared <= limit ? Math.min(size, 8 + declared) : prefix.length;
    const head = new Uint8Array(want);
    await handle.read(head, 0, want, 0);
    return withPath(path, () => parseSafetensorsHeader(head, { maxHeaderBytes: limit, fileBytes: size }));
  } finally {
    await handle.close();
  }
}

/** Writes atomically (io/write-file-atomic.ts): a temporary file beside `path`, flushed, then renamed over it. */
export async function writeSafetensorsFile(
  path: string,
  tensors: TensorsToWrite,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFileAtomic(path, writeSafetensors(tensors, metadata));
}

function withPath<T>(path: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof SafetensorsError) throw new SafetensorsError(error.kind, `${path}: ${error.message}`, error.tensor);
    throw error;
  }
}
