/**
 * writeExportedFolder: the folder appears whole under its name or not at all — a new path, an empty
 * folder, a non-empty one refused unless overwrite (then swapped), a failing write leaving nothing,
 * staging folders of dead writers swept — and exportModelDir end to end on disk.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../io/safetensors-write.js';
import { loadCheckpointDir } from '../model/checkpoint-file.js';
import { writeTrainerCheckpointFile } from '../train/checkpoint-file.js';
import { exportModelDir } from './export-dir.js';
import { sweepStaleExports, writeExportedFolder } from './write-folder.js';
import { TINY_CONFIG, embed, maxRelativeDifference, tinyBase, trainedCheckpoint } from './ship.test-helper.js';

const root = mkdtempSync(join(tmpdir(), 'repurpose-write-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bytes = (text: string) => new TextEncoder().encode(text);
const folder = (tag: string) => ({ format: 'test', files: [{ path: 'a.json', bytes: bytes(`{"tag":"${tag}"}`) }, { path: '1_Pooling/config.json', bytes: bytes('{}') }] });

describe('writeExportedFolder', () => {
  it('writes a new folder, fills an empty one, refuses a full one unless overwrite', async () => {
    const out = join(root, 'new');
    await writeExportedFolder(out, folder('one'));
    expect(readFileSync(join(out, 'a.json'), 'utf8')).toBe('{"tag":"one"}');
    expect(existsSync(join(out, '1_Pooling/config.json'))).toBe(true);
    await expect(writeExportedFolder(out, folder('two'))).rejects.toThrow(/new or empty folder/);
    await writeExportedFolder(out, folder('two'), { overwrite: true });
    expect(readFileSync(join(out, 'a.json'), 'utf8')).toBe('{"tag":"two"}');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await writeExportedFolder(empty, folder('three'));
    expect(readdirSync(empty).sort()).toEqual(['1_Pooling', 'a.json']);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('leaves nothing when a write fails, and refuses unsafe paths before writing', async () => {
    const out = join(root, 'failing');
    // The second file needs a directory where the first is a file: the write fails half-way.
    const bad = { format: 'test', files: [{ path: 'a.json', bytes: bytes('{}') }, { path: 'a.json/b.json', bytes: bytes('{}') }] };
    await expect(writeExportedFolder(out, bad)).rejects.toThrow();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('failing'))).toEqual([]);
    await expect(writeExportedFolder(out, { format: 't', files: [{ path: '../x', bytes: bytes('') }] })).rejects.toThrow(/relative file path/);
    await expect(writeExportedFolder(out, { format: 't', files: [{ path: 'x', bytes: 'text' as unknown as Uint8Array }] })).rejects.toThrow(/Uint8Array/);
    expect(existsSync(out)).toBe(false);
    await expect(writeExportedFolder(join(root, 'no/such/parent'), folder('x'))).rejects.toThrow(/does not exist/);
  });

  it('sweeps staging folders whose writer is gone, and keeps live ones', async () => {
    const dead = join(root, '.gone.repurpose-export-999999999-abcdef');
    const live = join(root, `.live.repurpose-export-${process.pid}-abcdef`);
    mkdirSync(dead);
    writeFileSync(join(dead, 'config.json'), '{}');
    mkdirSync(live);
    expect(await sweepStaleExports(root)).toEqual(['.gone.repurpose-export-999999999-abcdef']);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true });
  });
});

describe('exportModelDir', () => {
  it('reads the base folder and a checkpoint file, hashes the data, writes an hf folder that reloads with identical embeddings', async () => {
    const baseDir = join(root, 'base');
    mkdirSync(baseDir);
    const base = tinyBase();
    writeFileSync(join(baseDir, 'config.json'), JSON.stringify(TINY_CONFIG));
    writeFileSync(join(baseDir, 'model.safetensors'), writeSafetensors(new Map([...base.parameters].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }]))));
    writeFileSync(join(baseDir, 'tokenizer.json'), '{"model":{"type":"BPE"}}');
    const checkpoint = await trainedCheckpoint({ kind: 'full' }, 1);
    const ckpt = join(root, 'run.safetensors');
    await writeTrainerCheckpointFile(ckpt, checkpoint);
    const data = join(root, 'pairs.jsonl');
    writeFileSync(data, '{"query":"a","pos":["b"]}\n');
    const out = join(root, 'exported');
    await exportModelDir({ format: 'hf', model: baseDir, checkpoint: ckpt, out, data });
    expect(readdirSync(out).sort()).toEqual(['README.md', 'config.json', 'model.safetensors', 'tokenizer.json']);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('sha256:');
    const reloaded = await loadCheckpointDir(out);
    const trained = new Map([...base.parameters, ...checkpoint.parameters]);
    expect(maxRelativeDifference(await embed(base.architecture, trained), await embed(reloaded.architecture, reloaded.parameters))).toBe(0);
  });
});
