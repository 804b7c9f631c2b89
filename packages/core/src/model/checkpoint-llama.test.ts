/**
 * Loading Llama-family checkpoints (the transformers fixtures of tools/golden/make_llama_golden.py
 * written as `save_pretrained` would: `model.` prefix of a *ForCausalLM, `lm_head.weight` for untied
 * models, shards, F64/F32/BF16) through loadCheckpoint and loadCheckpointDir, then run through the
 * Llama forward against transformers' mean-pooled embeddings; a tied file that kept only
 * `lm_head.weight`; and the refusals.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LlamaArchitecture } from '../catalog/llama-architecture.js';
import { GraphBuilder } from '../engine/builder.js';
import { hostTensor } from '../engine/host-tensor.js';
import { LayoutMismatchError } from '../io/safetensors-error.js';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-write.js';
import { referenceBackend } from '../reference/backend.js';
import { loadCheckpoint } from './checkpoint.js';
import { loadCheckpointDir } from './checkpoint-file.js';
import { ids2d } from './golden.test-helper.js';
import { llamaForward, llamaParameters } from './llama.js';
import { methodPlan } from './method-plan.js';
import { declareWeights } from './model-weights.js';
import type { ParameterMap } from './parameter-map.js';
import { pool } from './pooling.js';

interface Fixture {
  config: Record<string, unknown>;
  parameters: Record<string, { shape: number[]; data: number[] }>;
  input_ids: number[][];
  attention_mask: number[][];
  mean_pooled: number[];
}
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/llama/${name}.json`, import.meta.url), 'utf8')) as Fixture;
const dir = mkdtempSync(join(tmpdir(), 'repurpose-llama-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tensors(f: Fixture, dtype: 'F64' | 'F32' | 'BF16', prefix = 'model.'): Map<string, TensorToWrite> {
  return new Map(Object.entries(f.parameters).map(([n, p]) => [prefix + n, { shape: p.shape, data: Float64Array.from(p.data), dtype }]));
}

function meanPooled(arch: LlamaArchitecture, f: Fixture, params: ParameterMap): Float64Array {
  const [B, T] = [f.input_ids.length, f.input_ids[0]!.length];
  const b = new GraphBuilder({ dtype: 'f64' });
  const ids = b.data('input_ids', [B, T]);
  const mask = b.data('attention_mask', [B, T]);
  const specs = llamaParameters(arch);
  const weights = declareWeights(b, methodPlan(arch, { kind: 'full' }));
  b.output('mean', pool(b, llamaForward(b, arch, weights, ids, mask), mask, 'mean'));
  const feeds: Record<string, ReturnType<typeof hostTensor>> = { input_ids: ids2d(f.input_ids), attention_mask: ids2d(f.attention_mask) };
  for (const s of specs) feeds[s.name] = params.get(s.name)!;
  return referenceBackend().compileSync(b.build()).runSync(feeds).mean!.data as Float64Array;
}

const relativeError = (a: ArrayLike<number>, b: readonly number[]) => {
  let err = 0;
  let scale = 0;
  b.forEach((x, i) => ((err = Math.max(err, Math.abs(a[i]! - x))), (scale = Math.max(scale, Math.abs(x)))));
  return err / scale;
};

describe('loading Llama-family checkpoints', () => {
  it.each(['llama-gqa-untied', 'qwen2-gqa-tied', 'qwen3-gqa-headdim'])('%s: a *ForCausalLM file loads and embeds as transformers does', (name) => {
    const f = load(name);
    const file = tensors(f, 'F64');
    if (f.config['tie_word_embeddings'] === false) file.set('lm_head.weight', { shape: f.parameters['embed_tokens.weight']!.shape, data: new Float64Array(f.parameters['embed_tokens.weight']!.data.length).fill(7) });
    const loaded = loadCheckpoint({ config: f.config, weights: writeSafetensors(file) }, { dtype: 'f64' });
    expect(loaded.architecture.kind).toBe('llama');
    expect([...loaded.parameters.keys()]).toEqual(llamaParameters(loaded.architecture as LlamaArchitecture).map((s) => s.name));
    expect(relativeError(meanPooled(loaded.architecture as LlamaArchitecture, f, loaded.parameters), f.mean_pooled)).toBeLessThan(1e-12);
  });

  it('reads a sharded BF16 directory (model.safetensors.index.json) within bf16 rounding', async () => {
    const f = load('qwen3-gqa-headdim');
    const all = [...tensors(f, 'BF16')];
    const half = Math.ceil(all.length / 2);
    const out = join(dir, 'sharded');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out);
    writeFileSync(join(out, 'config.json'), JSON.stringify(f.config));
    writeFileSync(join(out, 'model-00001-of-00002.safetensors'), writeSafetensors(new Map(all.slice(0, half))));
    writeFileSync(join(out, 'model-00002-of-00002.safetensors'), writeSafetensors(new Map(all.slice(half))));
    const weightMap = Object.fromEntries(all.map(([n], i) => [n, i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors']));
    writeFileSync(join(out, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const loaded = await loadCheckpointDir(out, { dtype: 'f64' });
    const err = relativeError(meanPooled(loaded.architecture as LlamaArchitecture, f, loaded.parameters), f.mean_pooled);
    expect(err).toBeGreaterThan(1e-6); // really rounded
    expect(err).toBeLessThan(5e-2);
  });

  it('takes lm_head.weight as embed_tokens.weight when a tied file kept only the head', () => {
    const f = load('qwen2-gqa-tied');
    const file = tensors(f, 'F64');
    file.set('lm_head.weight', file.get('model.embed_tokens.weight')!);
    file.delete('model.embed_tokens.weight');
    const loaded = loadCheckpoint({ config: f.config, weights: writeSafetensors(file) }, { dtype: 'f64' });
    expect(relativeError(meanPooled(loaded.architecture as LlamaArchitecture, f, loaded.parameters), f.mean_pooled)).toBeLessThan(1e-12);
    // Untied, the head is another matrix: the missing embedding is reported, not replaced.
    expect(() => loadCheckpoint({ config: { ...f.config, tie_word_embeddings: false }, weights: writeSafetensors(file) })).toThrow(LayoutMismatchError);
  });

  it('refuses a wrong layout and an unsupported model_type, naming them', () => {
    const f = load('llama-gqa-untied');
    const file = tensors(f, 'F32');
    file.delete('model.layers.1.mlp.up_proj.weight');
    expect(() => loadCheckpoint({ config: f.config, weights: writeSafetensors(file) })).toThrow(/layers\.1\.mlp\.up_proj\.weight/);
    expect(() => loadCheckpoint({ config: { ...f.config, model_type: 'gemma' }, weights: writeSafetensors(tensors(f, 'F32')) })).toThrow(/config\.model_type/);
  });
});
