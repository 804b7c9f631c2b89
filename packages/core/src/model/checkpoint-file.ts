/**
 * Node helper: load a Hugging Face GPT-NeoX model directory (`config.json` with `model.safetensors`,
 * or with `model.safetensors.index.json` and its shards) through the byte-level `loadCheckpoint`.
 * Kept apart so the model barrel never imports node:fs. Not a hub downloader.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { type LoadCheckpointOptions, type LoadedCheckpoint, loadCheckpoint } from './checkpoint.js';

const SINGLE = 'model.safetensors';
const INDEX = 'model.safetensors.index.json';

export async function loadCheckpointDir(dir: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const config = await readOrExplain(join(dir, 'config.json'), `${dir}: a model directory with config.json`);
  const weights = await weightFiles(dir);
  try {
    return loadCheckpoint({ config, weights }, options);
  } catch (error) {
    if (error instanceof Error) error.message = `${dir}: ${error.message}`;
    throw error;
  }
}

async function weightFiles(dir: string): Promise<Uint8Array[]> {
  const single = await readFile(join(dir, SINGLE)).catch(() => undefined);
  if (single) return [toBytes(single)];
  const indexBytes = await readOrExplain(join(dir, INDEX), `${dir}: ${SINGLE} or ${INDEX}`);
  let shards: string[];
  try {
    const index = JSON.parse(new TextDecoder().decode(indexBytes)) as { weight_map?: Record<string, string> };
    shards = [...new Set(Object.values(index.weight_map ?? {}))];
  } catch {
    throw new ValidationError(join(dir, INDEX), 'unparseable JSON', 'a safetensors index with a weight_map');
  }
  if (shards.length === 0 || shards.some((s) => typeof s !== 'string' || s.includes('/') || s.includes('\\'))) {
    throw new ValidationError(`${join(dir, INDEX)} weight_map`, shards, 'shard file names in the same directory');
  }
  return Promise.all(shards.map((s) => readOrExplain(join(dir, s), `shard ${s} listed in ${INDEX}`)));
}

async function readOrExplain(path: string, expected: string): Promise<Uint8Array> {
  try {
    return toBytes(await readFile(path));
  } catch {
    throw new ValidationError('model directory', path, expected);
  }
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
