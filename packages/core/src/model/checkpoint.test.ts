/**
 * Checkpoint loading: the golden GPTNeoXModel directory loads with the right architecture; a
 * GPTNeoXForCausalLM-style file (prefix `gpt_neox.`, `embed_out.weight`, legacy attention buffers)
 * loads to the same parameters; sharded files merge; every missing, unexpected or mis-shaped tensor is
 * reported by name; configs this forward does not implement are refused; the Node directory helper
 * reads single and sharded directories; LoRA adapters round-trip through PEFT's file names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { LayoutMismatchError } from '../io/safetensors-error.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-write.js';
import { loadAdapters, peftAdapterTensors } from './adapter-checkpoint.js';
import { initAdapters } from './lora.js';
import { methodPlan } from './method-plan.js';
import { loadCheckpoint } from './checkpoint.js';
import { loadCheckpointDir } from './checkpoint-file.js';
import { GOLDEN_DIR, goldenBytes, goldenFile } from './golden.test-helper.js';
import { gptNeoXParameters } from './parameter-layout.js';

const config = readFileSync(join(GOLDEN_DIR, 'config.json'), 'utf8');
const stored = goldenFile('model.safetensors').tensors;
const tensors = (rename: (name: string) => string = (n) => n): Map<string, TensorToWrite> =>
  new Map([...stored].map(([n, t]) => [rename(n), { shape: t.shape, data: t.data as Float32Array }]));
const reference = loadCheckpoint({ config, weights: goldenBytes('model.safetensors') });

function layoutProblems(weights: Uint8Array): LayoutMismatchError {
  try {
    loadCheckpoint({ config, weights });
  } catch (error) {
    if (error instanceof LayoutMismatchError) return error;
    throw error;
  }
  throw new Error('expected a LayoutMismatchError');
}

describe('loadCheckpoint (bytes)', () => {
  it('reads the architecture and every parameter of the golden GPTNeoXModel in layout order', () => {
    const a = reference.architecture;
    expect([a.numLayers, a.hiddenSize, a.numHeads, a.intermediateSize, a.vocabSize, a.rotaryPct]).toEqual([2, 32, 4, 128, 128, 0.25]);
    expect([...reference.parameters.keys()]).toEqual(gptNeoXParameters(a).map((p) => p.name));
    const qkv = reference.parameters.get('layers.1.attention.query_key_value.weight')!;
    expect(qkv.dtype).toBe('f32');
    expect(qkv.shape).toEqual([96, 32]);
    expect(Array.from(qkv.data)).toEqual(Array.from(stored.get('layers.1.attention.query_key_value.weight')!.data as Float32Array));
  });

  it('loads a GPTNeoXForCausalLM checkpoint unmapped: prefix stripped, LM head and legacy buffers ignored', () => {
    const causal = tensors((n) => `gpt_neox.${n}`);
    causal.set('embed_out.weight', { shape: [128, 32], data: new Float32Array(128 * 32).fill(9) });
    causal.set('gpt_neox.layers.0.attention.masked_bias', { shape: [], data: [-1e9] });
    causal.set('gpt_neox.layers.1.attention.rotary_emb.inv_freq', { shape: [1], data: [1] });
    // A shard with the BOOL causal-mask buffer older Pythia checkpoints carry (our writer has no BOOL).
    const header = new TextEncoder().encode(JSON.stringify({ 'gpt_neox.layers.0.attention.bias': { dtype: 'BOOL', shape: [1, 1, 2, 2], data_offsets: [0, 4] } }));
    const maskShard = new Uint8Array(8 + header.length + 4);
    new DataView(maskShard.buffer).setUint32(0, header.length, true);
    maskShard.set(header, 8);
    maskShard.set([1, 0, 1, 1], 8 + header.length);
    const loaded = loadCheckpoint({ config: JSON.parse(config) as object, weights: [writeSafetensors(causal), maskShard] });
    expect([...loaded.parameters.keys()]).toEqual([...reference.parameters.keys()]);
    for (const [name, t] of reference.parameters) expect(Array.from(loaded.parameters.get(name)!.data), name).toEqual(Array.from(t.data));
  });

  it('merges shards and widens to f64 on request', () => {
    const all = [...tensors()];
    const half = Math.floor(all.length / 2);
    const loaded = loadCheckpoint(
      { config: new TextEncoder().encode(config), weights: [writeSafetensors(new Map(all.slice(half))), writeSafetensors(new Map(all.slice(0, half)))] },
      { dtype: 'f64', name: 'tiny' },
    );
    expect(loaded.architecture.name).toBe('tiny');
    expect(loaded.parameters.get('embed_in.weight')!.data).toBeInstanceOf(Float64Array);
    expect(loaded.parameters.size).toBe(reference.parameters.size);
  });

  it('reports missing, unexpected and wrongly shaped tensors together, by name', () => {
    const broken = tensors();
    broken.delete('layers.1.mlp.dense_h_to_4h.bias');
    broken.set('layers.0.attention.dense.weight', { shape: [16, 64], data: new Float32Array(1024) });
    broken.set('layers.0.attention.extra.weight', { shape: [2], data: [1, 2] });
    const error = layoutProblems(writeSafetensors(broken));
    expect(error.problems.map((p) => `${p.kind} ${p.name}`).sort()).toEqual([
      'missing layers.1.mlp.dense_h_to_4h.bias',
      'shape layers.0.attention.dense.weight',
      'unexpected layers.0.attention.extra.weight',
    ]);
    expect(error.message).toContain('[16,64]');
  });

  it('reports a tensor present twice (once with the causal-LM prefix)', () => {
    const twice = tensors();
    twice.set('gpt_neox.final_layer_norm.bias', twice.get('final_layer_norm.bias')!);
    expect(layoutProblems(writeSafetensors(twice)).message).toContain('final_layer_norm.bias');
  });

  it('refuses configs this forward does not implement, naming the key', () => {
    const cfg = JSON.parse(config) as Record<string, unknown>;
    const weights = goldenBytes('model.safetensors');
    expect(() => loadCheckpoint({ config: { ...cfg, hidden_act: 'gelu_new' }, weights })).toThrow(/config\.hidden_act/);
    expect(() => loadCheckpoint({ config: { ...cfg, attention_bias: false }, weights })).toThrow(ValidationError);
    expect(() => loadCheckpoint({ config: { ...cfg, num_attention_heads: 5 }, weights })).toThrow(/hidden_size/);
    expect(() => loadCheckpoint({ config: '{not json', weights })).toThrow(ValidationError);
    expect(() => loadCheckpoint({ config: cfg, weights: [] })).toThrow(ValidationError);
  });

  it('takes rope_theta when rotary_emb_base is absent (newer transformers)', () => {
    const cfg = JSON.parse(config) as Record<string, unknown>;
    delete cfg.rotary_emb_base;
    const loaded = loadCheckpoint({ config: { ...cfg, rope_theta: 500 }, weights: goldenBytes('model.safetensors') });
    expect(loaded.architecture.rotaryEmbBase).toBe(500);
  });
});

describe('loadCheckpointDir (Node)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'repurpose-ckpt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the golden directory', async () => {
    const loaded = await loadCheckpointDir(GOLDEN_DIR);
    expect(loaded.parameters.size).toBe(reference.parameters.size);
  });

  it('loads a sharded directory through model.safetensors.index.json', async () => {
    const all = [...tensors()];
    writeFileSync(join(dir, 'config.json'), config);
    writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), writeSafetensors(new Map(all.slice(0, 10))));
    writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), writeSafetensors(new Map(all.slice(10))));
    const weightMap = Object.fromEntries(all.map(([n], i) => [n, i < 10 ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors']));
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const loaded = await loadCheckpointDir(dir);
    expect([...loaded.parameters.keys()]).toEqual([...reference.parameters.keys()]);
  });

  it('names the directory when files are missing', async () => {
    await expect(loadCheckpointDir(join(dir, 'nope'))).rejects.toThrow(/config\.json/);
  });
});

describe('PEFT adapter files', () => {
  const plan = methodPlan(reference.architecture, { kind: 'lora', rank: 4, alpha: 8 });
  const adapters = initAdapters(plan, { seed: 5 });

  it('round-trips through PEFT names, with or without the causal-LM prefix', () => {
    for (const causalLm of [false, true]) {
      const bytes = writeSafetensors(peftAdapterTensors(adapters, { causalLm }));
      const names = [...readSafetensorsNames(bytes)];
      expect(names).toContain(causalLm ? 'base_model.model.gpt_neox.embed_in.lora_embedding_A' : 'base_model.model.embed_in.lora_embedding_A');
      const loaded = loadAdapters(bytes, plan);
      expect([...loaded.keys()]).toEqual(plan.adapters.map((a) => a.name));
      for (const [n, t] of adapters) expect(Array.from(loaded.get(n)!.data), n).toEqual(Array.from(t.data));
    }
  });

  it('reports adapters of the wrong rank', () => {
    const rank8 = methodPlan(reference.architecture, { kind: 'lora', rank: 8 });
    expect(() => loadAdapters(writeSafetensors(peftAdapterTensors(adapters)), rank8)).toThrow(LayoutMismatchError);
  });
});

function readSafetensorsNames(bytes: Uint8Array): string[] {
  return [...readSafetensors(bytes).tensors.keys()];
}
