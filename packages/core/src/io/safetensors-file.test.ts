/**
 * The Node file helpers: atomic write, whole-file read, header-only read, and errors that name the path.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile } from './safetensors-file.js';
import { writeSafetensors } from './safetensors-write.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repurpose-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safetensors files', () => {
  it('writes atomically and reads back, leaving no temporary file', async () => {
    const path = join(dir, 'model.safetensors');
    await writeSafetensorsFile(path, { w: { shape: [2], data: new Float32Array([1, 2]) } }, { format: 'pt' });
    await writeSafetensorsFile(path, { w: { shape: [3], data: new Float32Array([4, 5, 6]) } });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    const file = await readSafetensorsFile(path);
    expect(file.tensors.get('w')).toEqual({ dtype: 'F32', shape: [3], data: new Float32Array([4, 5, 6]) });
    const header = await readSafetensorsHeaderFile(path);
    expect(header.tensors.get('w')?.shape).toEqual([3]);
    expect(header.dataBytes).toBe(12);
  });

  it('puts the path in format errors', async () => {
    const path = join(dir, 'cut.safetensors');
    const bytes = writeSafetensors({ w: { shape: [4], data: [1, 2, 3, 4] } });
    await writeFile(path, bytes.subarray(0, bytes.length - 4));
    await expect(readSafetensorsFile(path)).rejects.toThrow(
      `${path}: safetensors file is truncated: the header declares 16 data bytes (tensor "w" ends at 16) but only 12 follow the header`,
    );
    await expect(readSafetensorsHeaderFile(path)).rejects.toThrow(`${path}: safetensors file is truncated`);
    await writeFile(path, new Uint8Array(3));
    await expect(readSafetensorsHeaderFile(path)).rejects.toThrow('3 bytes, expected at least the 8-byte header length');
  });
});
