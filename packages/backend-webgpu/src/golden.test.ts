/**
 * The tiny GPT-NeoX of core's golden fixtures (written by PyTorch, tools/golden/make_golden.py) on the
 * WebGPU backend in f32: last hidden states and normalised embeddings, the InfoNCE loss, and every
 * gradient of full fine-tuning, each against the fixture's float64 values.
 *
 * Tolerances (scaled error = max|got − want| / max|want|): 1e-5 for hidden states, embeddings,
 * scores and the loss; 2e-5 for gradients. Measured on lavapipe: 2.7e-7 (hidden), 3.0e-7 (loss),
 * 1.6e-6 (worst gradient, layers.0.attention.dense.weight) — about what f32 gives: each value passes
 * through a few hundred roundings of 6e-8, and the backward goes through softmax and layerNorm, where
 * the InfoNCE logits (τ⁻¹ = 40) amplify rounding. The bounds leave a factor ≥ 10 for drivers that fuse
 * multiply-adds or order sums differently, and are still an order below core's f64 check (1e-4).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  EMBEDDING_INPUTS,
  type HostTensor,
  TRAINING_INPUTS,
  buildEmbeddingGraph,
  buildLossGraph,
  buildTrainingGraph,
  castParameters,
  gradOutputName,
  hostTensor,
  loadCheckpoint,
  parameterFeeds,
  readSafetensors,
} from '@repurpose/core/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from './test-support/test-gpu.js';

const DIR = fileURLToPath(new URL('../../core/test/fixtures/golden/', import.meta.url));
const bytes = (name: string) => new Uint8Array(readFileSync(`${DIR}${name}`));
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as {
  loss: number;
  batch: Record<'query' | 'positive', { input_ids: number[][]; attention_mask: number[][] }>;
};
const ids2d = (rows: number[][]): HostTensor => hostTensor('i32', [rows.length, rows[0]!.length], rows.flat());
const golden = (file: string, name: string): Float64Array => {
  const t = readSafetensors(bytes(file)).tensors.get(name);
  if (t === undefined) throw new Error(`golden tensor ${name} missing`);
  return Float64Array.from(t.data as Float32Array | Float64Array);
};
function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return Number.isNaN(diff) ? Number.NaN : diff / scale;
}

const gpu = await testGpu();
afterAll(() => gpu.backend?.dispose());

describe.skipIf(gpu.backend === null)(`tiny GPT-NeoX vs PyTorch on webgpu, f32 (${gpu.backend?.description ?? gpu.skip})`, () => {
  const backend = gpu.backend!;
  const model = loadCheckpoint({ config: bytes('config.json'), weights: bytes('model.safetensors') }, { dtype: 'f32' });
  const params = castParameters(model.parameters, 'f32');
  const { query, positive } = manifest.batch;
  const batchFeeds = {
    [TRAINING_INPUTS.queryIds]: ids2d(query.input_ids),
    [TRAINING_INPUTS.queryMask]: ids2d(query.attention_mask),
    [TRAINING_INPUTS.positiveIds]: ids2d(positive.input_ids),
    [TRAINING_INPUTS.positiveMask]: ids2d(positive.attention_mask),
  };
  const shape = { B: query.input_ids.length, Tq: query.input_ids[0]!.length, Tp: positive.input_ids[0]!.length };

  it('positive side: last hidden state and normalised embedding to 1e-5 of scale', async () => {
    const { graph } = buildEmbeddingGraph(model.architecture, { B: shape.B, T: shape.Tp }, { dtype: 'f32', normalized: true, hiddenStates: true });
    const exe = await backend.compile(graph);
    const out = await exe.run({ [EMBEDDING_INPUTS.ids]: ids2d(positive.input_ids), [EMBEDDING_INPUTS.mask]: ids2d(positive.attention_mask), ...parameterFeeds(graph, params) });
    exe.dispose();
    const errors = {
      hidden: scaledError(out.last_hidden_state!.data, golden('forward.safetensors', 'positive.last_hidden_state')),
      normalized: scaledError(out.embedding_normalized!.data, golden('forward.safetensors', 'positive.embedding_normalized')),
    };
    console.info('golden forward on webgpu (f32) scaled errors', errors);
    expect(errors.hidden).toBeLessThan(1e-5);
    expect(errors.normalized).toBeLessThan(1e-5);
  });

  it('InfoNCE loss and scores to 1e-5', async () => {
    const { graph } = buildLossGraph(model.architecture, { kind: 'full' }, shape, { dtype: 'f32' });
    const exe = await backend.compile(graph);
    const out = await exe.run({ ...batchFeeds, ...parameterFeeds(graph, params) });
    exe.dispose();
    const lossError = Math.abs(out.loss!.data[0]! - manifest.loss) / manifest.loss;
    const scoreError = scaledError(out.scores!.data, golden('forward.safetensors', 'scores'));
    console.info('golden loss on webgpu (f32)', { loss: out.loss!.data[0], expected: manifest.loss, lossError, scoreError });
    expect(lossError).toBeLessThan(1e-5);
    expect(scoreError).toBeLessThan(1e-5);
  });

  it('full fine-tuning: every gradient to 2e-5 of its scale', async () => {
    const t = buildTrainingGraph(model.architecture, { kind: 'full' }, shape, { dtype: 'f32' });
    const exe = await backend.compile(t.graph);
    const out = await exe.run({ ...batchFeeds, ...parameterFeeds(t.graph, params) });
    exe.dispose();
    let worst = { name: '', error: 0 };
    for (const p of t.trainable) {
      const error = scaledError(out[gradOutputName(p)]!.data, golden('grads-full.safetensors', p));
      if (!(error <= worst.error)) worst = { name: p, error };
    }
    console.info(`golden gradients on webgpu (f32): worst scaled error ${worst.error.toExponential(2)} (${worst.name}) over ${t.trainable.length} tensors`);
    expect(worst.error).toBeLessThan(2e-5);
  });
});
