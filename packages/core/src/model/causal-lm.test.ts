/**
 * The causal-LM loss against Hugging Face transformers' GPTNeoXForCausalLM (fixtures written by
 * tools/golden/make_causal_lm_golden.py): the loss and the gradient of every parameter, in f64, on a
 * right-padded batch; and the clear errors of the builder.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../catalog/architecture.js';
import { hostTensor, type HostTensor } from '../engine/host-tensor.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { referenceBackend } from '../reference/index.js';
import { CAUSAL_LM_INPUTS, CAUSAL_LM_LOSS, EMBED_OUT, buildCausalLmGraph } from './causal-lm.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/causal-lm/', import.meta.url));
const read = (name: string) => readFileSync(DIR + name);
const config = JSON.parse(read('config.json').toString('utf8')) as Record<string, unknown>;
const batch = JSON.parse(read('batch.json').toString('utf8')) as { input_ids: number[][]; attention_mask: number[][] };
const weights = readSafetensors(new Uint8Array(read('model.safetensors'))).tensors;
const expected = readSafetensors(new Uint8Array(read('expected.safetensors'))).tensors;
/**
 * HF names of GPTNeoXForCausalLM → ours: the base model's carry no `gpt_neox.` prefix, and
 * transformers 5 calls Pythia's `embed_out` `lm_head`.
 */
const ours = (hf: string) => (hf === 'lm_head.weight' ? EMBED_OUT : hf.replace(/^gpt_neox\./, ''));

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

describe('causal-LM loss vs transformers GPTNeoXForCausalLM', () => {
  const arch = architectureFromConfig(config, 'causal-lm-golden');
  const B = batch.input_ids.length;
  const T = batch.input_ids[0]!.length;

  it('equals HF loss and every gradient in f64 (relative ≤ 1e-10)', async () => {
    const { graph, parameters } = buildCausalLmGraph(arch, { B, T }, { dtype: 'f64' });
    const feeds: Record<string, HostTensor> = {
      [CAUSAL_LM_INPUTS.ids]: hostTensor('i32', [B, T], batch.input_ids.flat()),
      [CAUSAL_LM_INPUTS.mask]: hostTensor('i32', [B, T], batch.attention_mask.flat()),
    };
    for (const [name, t] of weights) feeds[ours(name)] = hostTensor('f64', t.shape, Float64Array.from(t.data as Float64Array));
    expect(parameters.map((p) => p.name)).toContain(EMBED_OUT);
    const backend = referenceBackend();
    const exe = await backend.compile(graph);
    const out = await exe.run(feeds);
    expect(relativeError(out[CAUSAL_LM_LOSS]!.data, expected.get('loss')!.data as Float64Array)).toBeLessThan(1e-10);
    let checked = 0;
    for (const [name, g] of expected) {
      if (!name.startsWith('grad:')) continue;
      const mine = out[`grad:${ours(name.slice(5))}`];
      expect(mine, name).toBeDefined();
      expect(relativeError(mine!.data, g.data as Float64Array), name).toBeLessThan(1e-10);
      checked++;
    }
    expect(checked).toBe(parameters.length);
  });

  it('refuses a one-token sequence and a non-integer batch, naming the field', () => {
    expect(() => buildCausalLmGraph(arch, { B: 2, T: 1 })).toThrow(/shape\.T/);
    expect(() => buildCausalLmGraph(arch, { B: 1.5, T: 4 })).toThrow(/shape\.B/);
  });
});
