/**
 * Reads the golden fixtures that tools/golden/make_golden.py (PyTorch) wrote, with our reader: files
 * produced by another implementation decode, match the manifest, use Hugging Face's GPT-NeoX names and
 * shapes, and are internally consistent (pooling, scores and loss recomputed here from the stored
 * tensors). It does not run the engine; the engine's comparison against these numbers lives with it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLayout, type ExpectedTensor } from './safetensors-layout.js';
import { readSafetensors, type LoadedTensor, type SafetensorsContents } from './safetensors-read.js';
import { writeSafetensors } from './safetensors-write.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/golden/', import.meta.url));

interface Manifest {
  config: Record<string, unknown> & { vocab_size: number; hidden_size: number; num_hidden_layers: number; intermediate_size: number };
  loss: number;
  batch: Record<'query' | 'positive', { lengths: number[]; input_ids: number[][]; attention_mask: number[][] }> & { pad_token_id: number };
  schedule: { peak_lr: number; total_steps: number; warmup_steps: number; lrs: number[] };
  methods: Record<'full' | 'freeze' | 'bias' | 'lora', { trainable: string[]; trainable_count: number; grads_file: string; after_file: string; lrs: number[] }>;
  files: Record<string, { dtype: string; bytes: number; tensors: Record<string, number[]> }>;
}

const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as Manifest;
const raw = (name: string): Uint8Array => new Uint8Array(readFileSync(`${DIR}${name}`));
const load = (name: string): SafetensorsContents => readSafetensors(raw(name));
const get = (file: SafetensorsContents, name: string): LoadedTensor => {
  const tensor = file.tensors.get(name);
  if (tensor === undefined) throw new Error(`fixture tensor ${name} missing`);
  return tensor;
};
const f64 = (t: LoadedTensor): Float64Array => {
  expect(t.data).toBeInstanceOf(Float64Array);
  return t.data as Float64Array;
};

/** HF GPTNeoXModel parameter layout for a config, written here independently of the Python script. */
function gptNeoXLayout(cfg: Manifest['config']): Record<string, ExpectedTensor> {
  const { vocab_size: V, hidden_size: C, intermediate_size: I, num_hidden_layers: L } = cfg;
  const layout: Record<string, ExpectedTensor> = { 'embed_in.weight': { shape: [V, C], dtype: 'F32' } };
  for (let l = 0; l < L; l++) {
    const p = `layers.${l}.`;
    for (const ln of ['input_layernorm', 'post_attention_layernorm']) {
      layout[`${p}${ln}.weight`] = { shape: [C], dtype: 'F32' };
      layout[`${p}${ln}.bias`] = { shape: [C], dtype: 'F32' };
    }
    const linears: [string, number, number][] = [
      ['attention.query_key_value', 3 * C, C],
      ['attention.dense', C, C],
      ['mlp.dense_h_to_4h', I, C],
      ['mlp.dense_4h_to_h', C, I],
    ];
    for (const [name, out, inp] of linears) {
      layout[`${p}${name}.weight`] = { shape: [out, inp], dtype: 'F32' };
      layout[`${p}${name}.bias`] = { shape: [out], dtype: 'F32' };
    }
  }
  layout['final_layer_norm.weight'] = { shape: [C], dtype: 'F32' };
  layout['final_layer_norm.bias'] = { shape: [C], dtype: 'F32' };
  return layout;
}

describe('golden fixtures written by PyTorch', () => {
  it('every file decodes and matches the manifest (dtype, tensor shapes, size)', () => {
    const names = Object.keys(manifest.files);
    expect(names.length).toBe(13);
    for (const name of names) {
      const bytes = raw(name);
      const entry = manifest.files[name]!;
      expect(bytes.length, name).toBe(entry.bytes);
      const file = readSafetensors(bytes);
      expect(file.metadata).toEqual({ format: 'pt' });
      expect(Object.fromEntries([...file.tensors].map(([n, t]) => [n, t.shape]))).toEqual(entry.tensors);
      for (const [n, t] of file.tensors) expect(t.dtype, `${name} ${n}`).toBe(entry.dtype);
    }
    const config = JSON.parse(readFileSync(`${DIR}config.json`, 'utf8')) as unknown;
    expect(config).toEqual(manifest.config);
  });

  it('our writer reproduces the Python-written files byte for byte', () => {
    for (const name of ['model.safetensors', 'grads-full.safetensors', 'batch.safetensors']) {
      const bytes = raw(name);
      const file = readSafetensors(bytes);
      const tensors = new Map([...file.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data, dtype: t.dtype as 'F32' | 'F64' | 'I64' }]));
      const ours = writeSafetensors(tensors, file.metadata);
      // First differing byte (or -1): comparing numbers keeps failures readable and the test fast.
      const firstDiff = ours.length === bytes.length ? ours.findIndex((b, i) => b !== bytes[i]) : Math.min(ours.length, bytes.length);
      expect(firstDiff, name).toBe(-1);
    }
  });

  it('model.safetensors has exactly the Hugging Face GPTNeoXModel layout', () => {
    const model = load('model.safetensors');
    expect(() => checkLayout(model, gptNeoXLayout(manifest.config))).not.toThrow();
    expect(manifest.config['rotary_pct']).toBe(0.25);
    expect(manifest.config['use_parallel_residual']).toBe(true);
  });

  it('batch.safetensors equals the manifest batch: right padding with the pad id, masks from lengths', () => {
    const batch = load('batch.safetensors');
    for (const side of ['query', 'positive'] as const) {
      const b = manifest.batch[side];
      const T = Math.max(...b.lengths);
      const ids = get(batch, `${side}.input_ids`);
      const mask = get(batch, `${side}.attention_mask`);
      expect(ids.dtype).toBe('I64');
      expect(ids.shape).toEqual([b.lengths.length, T]);
      expect(Array.from(ids.data as BigInt64Array, Number)).toEqual(b.input_ids.flat());
      expect(Array.from(mask.data as BigInt64Array, Number)).toEqual(b.attention_mask.flat());
      b.lengths.forEach((n, i) => {
        expect(b.attention_mask[i]).toEqual(Array.from({ length: T }, (_, t) => (t < n ? 1 : 0)));
        b.input_ids[i]!.forEach((id, t) => expect(id === manifest.batch.pad_token_id).toBe(t >= n));
      });
    }
    expect(manifest.batch.query.lengths).not.toEqual(manifest.batch.positive.lengths);
  });

  it('forward.safetensors is self-consistent: mean pooling, normalisation, scores and loss recomputed', () => {
    const fwd = load('forward.safetensors');
    const C = manifest.config.hidden_size;
    const emb: Record<string, Float64Array> = {};
    for (const side of ['query', 'positive'] as const) {
      const lengths = manifest.batch[side].lengths;
      const B = lengths.length;
      const T = Math.max(...lengths);
      const hidden = get(fwd, `${side}.last_hidden_state`);
      expect(hidden.shape).toEqual([B, T, C]);
      const pooled = f64(get(fwd, `${side}.embedding`));
      const normalized = f64(get(fwd, `${side}.embedding_normalized`));
      const h = f64(hidden);
      for (let b = 0; b < B; b++) {
        let norm = 0;
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let t = 0; t < lengths[b]!; t++) sum += h[(b * T + t) * C + c]!;
          expect(pooled[b * C + c]).toBeCloseTo(sum / lengths[b]!, 12);
          norm += pooled[b * C + c]! ** 2;
        }
        for (let c = 0; c < C; c++) expect(normalized[b * C + c]).toBeCloseTo(pooled[b * C + c]! / Math.sqrt(norm), 12);
      }
      emb[side] = normalized;
    }
    const B = manifest.batch.query.lengths.length;
    const scores = f64(get(fwd, 'scores'));
    const S = (i: number, j: number): number => scores[i * B + j]!;
    let ce = 0;
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < B; j++) {
        let dot = 0;
        for (let c = 0; c < C; c++) dot += emb['query']![i * C + c]! * emb['positive']![j * C + c]!;
        expect(S(i, j)).toBeCloseTo(40 * dot, 10);
      }
      const row = Array.from({ length: B }, (_, j) => S(i, j));
      const col = Array.from({ length: B }, (_, j) => S(j, i));
      ce += logSumExp(row) - S(i, i) + logSumExp(col) - S(i, i);
    }
    const loss = f64(get(fwd, 'loss'));
    expect(get(fwd, 'loss').shape).toEqual([]);
    expect(loss[0]).toBe(manifest.loss);
    expect(loss[0]).toBeCloseTo(ce / (2 * B), 10);
  });

  it('each method records gradients and updated values for exactly its trainable parameters', () => {
    const model = load('model.safetensors');
    const lora = load('lora-init.safetensors');
    const L = manifest.config.num_hidden_layers;
    const methods = manifest.methods;
    expect([...methods.full.trainable].sort()).toEqual([...model.tensors.keys()].sort());
    expect(methods.freeze.trainable.some((n) => n.startsWith('embed_in.') || n.startsWith('layers.0.'))).toBe(false);
    expect(methods.freeze.trainable).toContain('final_layer_norm.weight');
    expect(methods.freeze.trainable).toContain(`layers.${L - 1}.attention.query_key_value.weight`);
    expect([...methods.bias.trainable].sort()).toEqual([...model.tensors.keys()].filter((n) => n.endsWith('.bias')).sort());
    expect([...methods.lora.trainable].sort()).toEqual([...lora.tensors.keys()].sort());
    expect(lora.tensors.size).toBe(L * 4 * 2);
    for (const [name, t] of lora.tensors) {
      const base = get(model, name.replace(/\.lora_[AB]\.weight$/, '.weight'));
      expect(t.shape, name).toEqual(name.includes('lora_A') ? [4, base.shape[1]] : [base.shape[0], 4]);
      expect(Array.from(t.data as Float32Array).some((v) => v !== 0), `${name} is nonzero`).toBe(true);
    }
    for (const [method, m] of Object.entries(methods)) {
      const source = method === 'lora' ? lora : model;
      const grads = load(m.grads_file);
      const after = load(m.after_file);
      expect([...grads.tensors.keys()].sort()).toEqual([...m.trainable].sort());
      expect([...after.tensors.keys()].sort()).toEqual([...m.trainable].sort());
      let count = 0;
      for (const name of m.trainable) {
        const start = get(source, name);
        expect(get(grads, name).shape).toEqual(start.shape);
        expect(get(after, name).shape).toEqual(start.shape);
        count += start.data.length;
        // Three steps of lr ≤ 1e-3 move each value by at most about 3e-3 (Adam's step is ≈ lr per element).
        const moved = f64(get(after, name)).reduce((worst, v, i) => Math.max(worst, Math.abs(v - Number(start.data[i]))), 0);
        expect(moved, `${method} ${name}`).toBeLessThan(3.5e-3);
      }
      expect(count).toBe(m.trainable_count);
      expect(m.lrs).toEqual(manifest.schedule.lrs);
    }
  });

  it('the heads-2 variant reuses the weights under a config that differs only in the head count', () => {
    const config2 = JSON.parse(readFileSync(`${DIR}config-heads2.json`, 'utf8')) as Record<string, unknown>;
    expect(config2).toEqual({ ...manifest.config, num_attention_heads: 2 });
    const C = manifest.config.hidden_size;
    const HS = C / 2;
    expect(Math.trunc(HS * 0.25)).toBe(4); // two rotary frequencies, unlike the main config's one
    const fwd = load('forward-heads2.safetensors');
    const main = load('forward.safetensors');
    expect(get(fwd, 'query.last_hidden_state').shape).toEqual(get(main, 'query.last_hidden_state').shape);
    expect(f64(get(fwd, 'loss'))[0]).not.toBe(manifest.loss);
  });

  it('the schedule in the manifest follows its stated formula', () => {
    const { peak_lr: peak, total_steps: total, warmup_steps: warmup, lrs } = manifest.schedule;
    expect(warmup).toBe(1);
    const lr = (i: number): number =>
      i < warmup ? (peak * (i + 1)) / warmup : peak * 0.5 * (1 + Math.cos((Math.PI * (i - warmup)) / (total - warmup)));
    lrs.forEach((value, i) => expect(value).toBeCloseTo(lr(i), 15));
  });
});

function logSumExp(xs: number[]): number {
  const max = Math.max(...xs);
  return max + Math.log(xs.reduce((s, x) => s + Math.exp(x - max), 0));
}
