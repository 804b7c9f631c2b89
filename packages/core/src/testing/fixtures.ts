/**
 * The golden PyTorch fixtures (test/fixtures/golden, written by tools/golden/make_golden.py) as the
 * conformance suite reads them: through a `FixtureSource` the caller passes — a function from a file
 * name to its bytes — so the suite runs wherever the backend does (Node, a browser test runner, a
 * worker). The files ship in the package (`test/fixtures/golden/`, ~1 MB); in Node,
 * `nodeFixtureSource()` reads them from there (or from a directory given), importing node:fs only
 * when called so this module stays browser-safe.
 *
 * Not a fixture generator (that is the Python script) and not a cache beyond one suite's lifetime.
 */
import type { FloatDType } from '../engine/dtype.js';
import { ValidationError } from '../errors.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { readSafetensors, type SafetensorsContents } from '../io/safetensors-read.js';
import { type LoadedCheckpoint, loadCheckpoint } from '../model/checkpoint.js';
import { castParameters } from '../model/parameter-map.js';
import { TRAINING_INPUTS } from '../model/training-graph.js';
import type { TokenPair } from '../train/pairs.js';

/** Bytes of a fixture file by name (e.g. `manifest.json`, `grads-full.safetensors`). */
export type FixtureSource = (name: string) => Uint8Array | Promise<Uint8Array>;

export type GoldenMethod = 'full' | 'freeze' | 'bias' | 'lora';

export interface GoldenManifest {
  readonly loss: number;
  readonly batch: Record<'query' | 'positive', { input_ids: number[][]; attention_mask: number[][] }>;
  readonly schedule: { peak_lr: number; total_steps: number };
  readonly methods: Record<GoldenMethod, { trainable: string[]; grads_file: string; after_file: string; loss_at_init?: number; losses_before_each_step: number[]; lrs: number[] }>;
}

/** The fixtures, loaded once: manifest, model, batch and any result file. */
export interface GoldenFixtures {
  readonly manifest: GoldenManifest;
  model(dtype: FloatDType): LoadedCheckpoint;
  /** The training batch (ids and masks) as i32 feeds. */
  batchFeeds(): Record<string, HostTensor>;
  /** The batch as unpadded pairs (the trainer pads them back to Tq 6, Tp 9). */
  pairs(): TokenPair[];
  file(name: string): Promise<SafetensorsContents>;
  tensors(name: string, dtype: FloatDType): Promise<Map<string, HostTensor>>;
}

/**
 * Reads the fixtures shipped in this package (or `directory`: a path or file: URL ending in /).
 * Node only; in a browser pass a FixtureSource that fetches the files.
 */
export function nodeFixtureSource(directory?: string | URL): FixtureSource {
  // dist/conformance.js (the ./testing entry) → ../test/fixtures/golden/ is where package.json's "files" ships them. The CommonJS
  // build has no import.meta.url: there the directory must be given.
  const here = import.meta.url as string | undefined;
  if (directory === undefined && here === undefined) throw new ValidationError('nodeFixtureSource directory', directory, 'the fixtures directory (this CommonJS build cannot locate its own files)');
  const dir = directory ?? new URL('../test/fixtures/golden/', here);
  return async (name) => {
    const { readFile } = await import('node:fs/promises');
    const path = typeof dir === 'string' ? `${dir.endsWith('/') ? dir : `${dir}/`}${name}` : new URL(name, dir);
    return new Uint8Array(await readFile(path));
  };
}

export async function loadGoldenFixtures(source: FixtureSource): Promise<GoldenFixtures> {
  const manifest = JSON.parse(new TextDecoder().decode(await source('manifest.json'))) as GoldenManifest;
  const config = await source('config.json');
  const weights = await source('model.safetensors');
  const base = loadCheckpoint({ config, weights }, { dtype: 'f64' });
  const files = new Map<string, Promise<SafetensorsContents>>();
  const file = (name: string) => {
    let f = files.get(name);
    if (!f) files.set(name, (f = Promise.resolve(source(name)).then((bytes) => readSafetensors(bytes))));
    return f;
  };
  const ids = (rows: number[][]) => hostTensor('i32', [rows.length, rows[0]!.length], rows.flat());
  return {
    manifest,
    model: (dtype) => (dtype === 'f64' ? base : { ...base, parameters: castParameters(base.parameters, dtype) }),
    batchFeeds: () => ({
      [TRAINING_INPUTS.queryIds]: ids(manifest.batch.query.input_ids),
      [TRAINING_INPUTS.queryMask]: ids(manifest.batch.query.attention_mask),
      [TRAINING_INPUTS.positiveIds]: ids(manifest.batch.positive.input_ids),
      [TRAINING_INPUTS.positiveMask]: ids(manifest.batch.positive.attention_mask),
    }),
    pairs: () => {
      const { query, positive } = manifest.batch;
      const unpad = (row: number[], mask: number[]) => row.filter((_, i) => mask[i] === 1);
      return query.input_ids.map((row, i) => ({ query: unpad(row, query.attention_mask[i]!), positive: unpad(positive.input_ids[i]!, positive.attention_mask[i]!) }));
    },
    file,
    tensors: async (name, dtype) => {
      const out = new Map<string, HostTensor>();
      for (const [n, t] of (await file(name)).tensors) out.set(n, hostTensor(dtype, t.shape, t.data as Float32Array | Float64Array));
      return out;
    },
  };
}
