/**
 * Test helper: the PyTorch golden fixtures (test/fixtures/golden, written by
 * tools/golden/make_golden.py) as engine values — the model loaded through `loadCheckpoint`, the
 * batch as i32 feeds, and result tensors as Float64Arrays — plus the scale-relative error measure the
 * fixtures' README asks for. Not a test itself.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { readSafetensors, type SafetensorsContents } from '../io/safetensors-read.js';
import { type LoadedCheckpoint, loadCheckpoint } from './checkpoint.js';
import { TRAINING_INPUTS } from './training-graph.js';

export const GOLDEN_DIR = fileURLToPath(new URL('../../test/fixtures/golden/', import.meta.url));

type MethodName = 'full' | 'freeze' | 'bias' | 'lora';
export interface GoldenManifest {
  loss: number;
  inverse_temperature: number;
  batch: Record<'query' | 'positive', { input_ids: number[][]; attention_mask: number[][] }>;
  methods: Record<MethodName, { trainable: string[]; grads_file: string; loss_at_init?: number; frozen_blocks?: number; rank?: number; alpha?: number }>;
  variants: { heads2: { loss: number } };
}

export const goldenManifest = JSON.parse(readFileSync(`${GOLDEN_DIR}manifest.json`, 'utf8')) as GoldenManifest;

export function goldenBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${GOLDEN_DIR}${name}`));
}

export function goldenFile(name: string): SafetensorsContents {
  return readSafetensors(goldenBytes(name));
}

/** The golden model (main config or the 2-head variant) in f64. */
export function goldenModel(config: 'config.json' | 'config-heads2.json' = 'config.json'): LoadedCheckpoint {
  return loadCheckpoint({ config: goldenBytes(config), weights: goldenBytes('model.safetensors') }, { dtype: 'f64' });
}

/** A tensor of a golden file as f64 values. */
export function goldenValues(file: SafetensorsContents, name: string): Float64Array {
  const t = file.tensors.get(name);
  if (!t) throw new Error(`golden tensor ${name} missing`);
  return Float64Array.from(t.data as Float32Array | Float64Array);
}

/** The golden file's tensors as HostTensors of `dtype` (e.g. lora-init as f64). */
export function goldenTensors(name: string, dtype: 'f32' | 'f64' = 'f64'): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [n, t] of goldenFile(name).tensors) out.set(n, hostTensor(dtype, t.shape, t.data as Float32Array | Float64Array));
  return out;
}

export function ids2d(rows: number[][]): HostTensor {
  return hostTensor('i32', [rows.length, rows[0]!.length], rows.flat());
}

/** The training batch feeds (query and positive ids and masks). */
export function goldenBatchFeeds(): Record<string, HostTensor> {
  const { query, positive } = goldenManifest.batch;
  return {
    [TRAINING_INPUTS.queryIds]: ids2d(query.input_ids),
    [TRAINING_INPUTS.queryMask]: ids2d(query.attention_mask),
    [TRAINING_INPUTS.positiveIds]: ids2d(positive.input_ids),
    [TRAINING_INPUTS.positiveMask]: ids2d(positive.attention_mask),
  };
}

/** max|a − b| / max|b|: error relative to the reference tensor's scale. */
export function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  if (Number.isNaN(diff)) return Number.NaN;
  return scale === 0 ? diff : diff / scale;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? diff : Number.POSITIVE_INFINITY;
}
