/**
 * The Llama-family forward against Hugging Face transformers' own LlamaModel, Qwen2Model and
 * Qwen3Model (fixtures from tools/golden/make_llama_golden.py, random weights, float64, rotary in
 * float64 — see the script): last hidden states and mean-pooled embeddings, for GQA with tied and
 * untied embeddings, Qwen2's q/k/v biases and Qwen3's q/k norms with head_dim ≠ C/NH.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLlamaConfig } from '../catalog/llama-architecture.js';
import { GraphBuilder } from '../engine/builder.js';
import { hostTensor } from '../engine/host-tensor.js';
import { referenceBackend } from '../reference/backend.js';
import { ids2d } from './golden.test-helper.js';
import { llamaForward, llamaParameters } from './llama.js';
import { methodPlan } from './method-plan.js';
import { declareWeights } from './model-weights.js';
import { pool } from './pooling.js';

interface Fixture {
  config: Record<string, unknown>;
  parameters: Record<string, { shape: number[]; data: number[] }>;
  input_ids: number[][];
  attention_mask: number[][];
  last_hidden_state: number[];
  mean_pooled: number[];
}

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/llama/${name}.json`, import.meta.url), 'utf8')) as Fixture;

/** max |a − b| / max |b|: relative to the tensor's scale, so near-zero entries do not dominate. */
function relativeError(a: ArrayLike<number>, b: readonly number[]): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

describe('Llama-family forward vs transformers (golden, f64)', () => {
  it.each(['llama-gqa-untied', 'qwen2-gqa-tied', 'qwen3-gqa-headdim'])('%s: hidden states and mean pooling', (name) => {
    const f = load(name);
    const { architecture: arch } = readLlamaConfig(f.config, name);
    const specs = llamaParameters(arch);
    // Our parameter layout is exactly transformers' named_parameters (names and shapes).
    expect(Object.fromEntries(specs.map((s) => [s.name, s.shape]))).toEqual(Object.fromEntries(Object.entries(f.parameters).map(([n, p]) => [n, p.shape])));
    const [B, T] = [f.input_ids.length, f.input_ids[0]!.length];
    const b = new GraphBuilder({ dtype: 'f64' });
    const ids = b.data('input_ids', [B, T]);
    const mask = b.data('attention_mask', [B, T]);
    const hidden = llamaForward(b, arch, declareWeights(b, methodPlan(arch, { kind: 'full' })), ids, mask);
    b.output('hidden', hidden);
    b.output('mean', pool(b, hidden, mask, 'mean'));
    const feeds: Record<string, ReturnType<typeof hostTensor>> = { input_ids: ids2d(f.input_ids), attention_mask: ids2d(f.attention_mask) };
    for (const s of specs) feeds[s.name] = hostTensor('f64', s.shape, f.parameters[s.name]!.data);
    const out = referenceBackend().compileSync(b.build()).runSync(feeds);
    const hiddenErr = relativeError(out.hidden!.data, f.last_hidden_state);
    const meanErr = relativeError(out.mean!.data, f.mean_pooled);
    expect(hiddenErr).toBeLessThan(1e-12);
    expect(meanErr).toBeLessThan(1e-12);
  });
});

describe('family-specific functions refuse the other family', () => {
  it('the GPT-NeoX forward and layout refuse a Llama-family architecture, and the reverse', async () => {
    const { gptNeoXParameters } = await import('./parameter-layout.js');
    const { PYTHIA } = await import('../catalog/pythia.js');
    const { architecture } = readLlamaConfig(load('qwen3-gqa-headdim').config, 'tiny-qwen3');
    expect(() => gptNeoXParameters(architecture)).toThrow(/gptNeoXParameters architecture\.kind: expected a GPT-NeoX architecture.*got "llama \(qwen3, tiny-qwen3\)"/);
    expect(() => llamaParameters(PYTHIA['pythia-14m'])).toThrow(/llamaParameters architecture\.kind: expected a Llama-family architecture.*got "gpt_neox \(pythia-14m\)"/);
  });
});
