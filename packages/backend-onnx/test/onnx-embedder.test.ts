/**
 * createOnnxEmbedder (the exported model with pooling in the graph, weights as initializers, one
 * session for every shape) equals createEmbedder on the engine's graph — mean pooled and normalised,
 * mixed lengths in input order, on onnxruntime-node and onnxruntime-web (wasm) — merges LoRA once,
 * and validates its inputs by name.
 */
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '@repurpose/core';
import { hostTensor, initAdapters, methodPlan, randomGptNeoXParameters } from '@repurpose/core/engine';
import { createEmbedder } from '../src/embed.js';
import { createOnnxEmbedder } from '../src/onnx-embedder.js';
import { ORT, testBackend } from '../src/test-ort.test-helper.js';
import { ORT_WEB } from '../src/web/ort-web.test-helper.js';

const arch = architectureFromConfig({ num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 64, vocab_size: 97, max_position_embeddings: 32 }, 'tiny');
const parameters = randomGptNeoXParameters(arch, { seed: 4, dtype: 'f32', std: 0.1 });
const SEQUENCES = [[5, 9, 3, 7, 1], [2], [8, 8, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [4, 4], [9, 1, 9, 1, 9, 1, 9], Array.from({ length: 32 }, (_, i) => (i * 5) % 97)];

function worstScaledError(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((row, i) => {
    const scale = Math.max(...Array.from(b[i]!, Math.abs));
    for (let j = 0; j < row.length; j++) worst = Math.max(worst, Math.abs(row[j]! - b[i]![j]!) / scale);
  });
  return worst;
}

describe('createOnnxEmbedder', () => {
  for (const [name, ort, executionProviders] of [['onnxruntime-node', ORT, ['cpu']], ['onnxruntime-web (wasm)', ORT_WEB, ['wasm']]] as const) {
    for (const normalize of [false, true]) {
      it(`${name}: equals createEmbedder on the engine's graph, in input order (normalize ${normalize})`, async () => {
        const fast = await createOnnxEmbedder({ ort, executionProviders, threads: 1, architecture: arch, parameters, normalize, batchSize: 3 });
        const engine = await createEmbedder(testBackend(1), { architecture: arch, parameters, normalize, batchSize: 3 });
        const [a, b] = [await fast.embed(SEQUENCES), await engine.embed(SEQUENCES)];
        expect(a).toHaveLength(SEQUENCES.length);
        expect(a[0]).toHaveLength(32);
        expect(worstScaledError(a, b)).toBeLessThan(2e-5);
        // sorted by length, batches of 3, each padded to its own longest: [2] [4,4] [8,8,4] | 5, 7, 11 | 32
        expect(fast.shapes).toEqual(['3x3', '3x11', '1x32']);
        if (normalize) for (const row of a) expect(Math.hypot(...row)).toBeCloseTo(1, 5);
        fast.dispose();
        engine.dispose();
      });
    }
  }

  it('merges LoRA adapters once: equals the engine running them unmerged', async () => {
    const method = { kind: 'lora', rank: 4, alpha: 8 } as const;
    const adapters = new Map([...initAdapters(methodPlan(arch, method), { seed: 5 })].map(([n, t]) => [n, hostTensor('f32', t.shape, Array.from(t.data, (x, i) => (x === 0 ? Math.cos(i) * 0.05 : x)))]));
    const fast = await createOnnxEmbedder({ ort: ORT, threads: 1, architecture: arch, parameters, adapters, method });
    const engine = await createEmbedder(testBackend(1), { architecture: arch, parameters, adapters, method });
    const base = await createEmbedder(testBackend(1), { architecture: arch, parameters });
    const [a, b, c] = [await fast.embed(SEQUENCES), await engine.embed(SEQUENCES), await base.embed(SEQUENCES)];
    expect(worstScaledError(a, b)).toBeLessThan(2e-5);
    expect(worstScaledError(a, c)).toBeGreaterThan(1e-3);
    for (const e of [fast, engine, base]) e.dispose();
  });

  it('validates options and sequences by name', async () => {
    await expect(createOnnxEmbedder({ architecture: arch, parameters } as never)).rejects.toThrow(/options\.ort: expected an ONNX Runtime module/);
    await expect(createOnnxEmbedder({ ort: ORT, architecture: arch, parameters, batchSize: 0 })).rejects.toThrow(/options\.batchSize: expected a positive integer, got 0/);
    await expect(createOnnxEmbedder({ ort: ORT, architecture: arch, parameters, executionProviders: ['no-such-ep'] })).rejects.toThrow(/options\.executionProviders: expected execution providers this ONNX Runtime build has/);
    const e = await createOnnxEmbedder({ ort: ORT, architecture: arch, parameters });
    await expect(e.embed([[1, 2], []])).rejects.toThrow(/sequences\.1: expected a non-empty array of token ids/);
    await expect(e.embed([[1, 97]])).rejects.toThrow(/sequences\.0\.1: expected a token id in \[0, 96\], got 97/);
    await expect(e.embed([Array.from({ length: 33 }, () => 1)])).rejects.toThrow(/sequences\.0: expected at most 32 tokens \(max_position_embeddings\)/);
    e.dispose();
    await expect(e.embed([[1]])).rejects.toThrow(/embedder/);
  });
});
