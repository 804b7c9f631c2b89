/**
 * Node helpers: load a Hugging Face model directory as `save_pretrained` writes it (`config.json`
 * with `model.safetensors`, or with `model.safetensors.index.json` and its shards; GPT-NeoX or a
 * Llama-family model_type; F32/F16/BF16) through the byte-level `loadCheckpoint`, and a PEFT adapter
 * directory (`adapter_config.json` + `adapter_model.safetensors`) against a loaded base, through
 * ship/peft-adapter.ts. Kept apart so the model barrel never imports node:fs. Not a hub downloader.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { parseJsonBounded } from '../io/bounded-json.js';
import { readRegularFile } from '../io/read-regular-file.js';
import { type PeftAdapter, readPeftAdapter } from '../ship/peft-adapter.js';
import { type LoadCheckpointOptions, type LoadedCheckpoint, loadCheckpoint } from './checkpoint.js';

const SINGLE = 'model.safetensors';
const INDEX = 'model.safetensors.index.json';

/** config.json and the shard index are a few kB; anything over this is not one. */
export const MAX_CONFIG_BYTES = 16 * 2 ** 20;

/**
 * Loads a model directory. Every file is read through readRegularFile: a `model.safetensors` that is
 * (or links to) a FIFO or /dev/zero is refused before a byte is read, and no read goes past the size
 * the file had when opened. The config is checked against the weights (block count) before the
 * layout is built.
 */
export async function loadCheckpointDir(dir: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  if (typeof dir !== 'string' || dir.length === 0) throw new ValidationError('dir', dir, 'the path of a model directory');
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ValidationError('dir', dir, 'an existing model directory (config.json with model.safetensors)');
  const config = await readOrExplain(join(dir, 'config.json'), `${dir}: a model directory with config.json`, MAX_CONFIG_BYTES);
  const weights = await weightFiles(dir);
  try {
    return loadCheckpoint({ config, weights }, options);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${error.field} (in ${dir})`, error.value, error.expected);
    if (error instanceof Error) error.message = `${dir}: ${error.message}`;
    throw error;
  }
}

const ADAPTER_CONFIG = 'adapter_config.json';
const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

/**
 * Loads a PEFT LoRA adapter directory for `base` (a loaded model): every factor checked against the
 * base's modules and shapes and the config's rank and targets. Merge it with `mergePeftAdapter`, or
 * run it unmerged via `peftAdapterMethod` when it is the paper's adapter set.
 */
export async function loadAdapterDir(dir: string, base: Pick<LoadedCheckpoint, 'architecture' | 'parameters'>): Promise<PeftAdapter> {
  if (typeof dir !== 'string' || dir.length === 0) throw new ValidationError('adapter dir', dir, 'the path of a PEFT adapter directory');
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ValidationError('adapter dir', dir, `an existing PEFT adapter directory (${ADAPTER_CONFIG} with ${ADAPTER_WEIGHTS})`);
  const config = await readOrExplain(join(dir, ADAPTER_CONFIG), `${dir}: a PEFT adapter directory with ${ADAPTER_CONFIG}`, MAX_CONFIG_BYTES);
  const weights = await readOrExplain(join(dir, ADAPTER_WEIGHTS), `${dir}: a PEFT adapter directory with ${ADAPTER_WEIGHTS}`);
  const shapes = new Map([...base.parameters].map(([name, t]) => [name, t.shape]));
  try {
    return readPeftAdapter({ config, weights }, base.architecture, shapes, dir);
  } catch (error) {
    if (error instanceof Error && !error.message.includes(dir)) error.message = `${dir}: ${error.message}`;
    throw error;
  }
}

async function weightFiles(dir: string): Promise<Uint8Array[]> {
  const singleInfo = await stat(join(dir, SINGLE)).catch(() => undefined);
  if (singleInfo) return [await readRegularFile(join(dir, SINGLE), { field: `${dir}/${SINGLE}`, what: 'a safetensors file' })];
  const indexBytes = await readOrExplain(join(dir, INDEX), `${dir}: ${SINGLE} or ${INDEX}`, MAX_CONFIG_BYTES);
  const index = parseJsonBounded(new TextDecoder().decode(indexBytes), join(dir, INDEX), 'a safetensors index with a weight_map') as { weight_map?: unknown };
  const map = index !== null && typeof index === 'object' ? index.weight_map : undefined;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new ValidationError(`${join(dir, INDEX)} weight_map`, map, 'an object from tensor names to shard file names');
  const shards = [...new Set(Object.values(map as Record<string, unknown>))] as string[];
  if (shards.length === 0 || shards.some((s) => typeof s !== 'string' || s.includes('/') || s.includes('\\'))) {
    throw new ValidationError(`${join(dir, INDEX)} weight_map`, shards, 'shard file names in the same directory');
  }
  return Promise.all(shards.map((s) => readOrExplain(join(dir, s), `shard ${s} listed in ${INDEX}`)));
}

async function readOrExplain(path: string, expected: string, maxBytes?: number): Promise<Uint8Array> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ValidationError('model directory', path, expected);
  return readRegularFile(path, { field: path, what: expected, ...(maxBytes !== undefined ? { maxBytes } : {}) });
}
