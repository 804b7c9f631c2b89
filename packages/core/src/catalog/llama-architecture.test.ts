/**
 * The Llama-family config reader and parameter counts: configs of each model_type read with every
 * math field honoured, unsupported fields refused naming the key, and N checked against two
 * independent counts — a hand-built HF parameter list (name → shape) and, when the venv exists,
 * `sum(p.numel())` of transformers' own LlamaModel / Qwen2Model / Qwen3Model / MistralModel.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { architectureFromConfig, readArchitectureConfig } from './architecture.js';
import type { LlamaArchitecture } from './llama-architecture.js';
import { loraParameterCounts, parameterCounts } from './parameter-counts.js';

const TINY: Record<string, Record<string, unknown>> = {
  llama: { model_type: 'llama', num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 48, vocab_size: 97, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false, attention_bias: false, mlp_bias: false },
  llama_bias: { model_type: 'llama', num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, num_key_value_heads: 4, intermediate_size: 48, vocab_size: 97, attention_bias: true, mlp_bias: true, tie_word_embeddings: true },
  mistral: { model_type: 'mistral', num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, num_key_value_heads: 1, intermediate_size: 40, vocab_size: 97, sliding_window: null, head_dim: 8 },
  qwen2: { model_type: 'qwen2', num_hidden_layers: 3, hidden_size: 32, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 56, vocab_size: 97, use_sliding_window: false, sliding_window: 4096, max_window_layers: 3, tie_word_embeddings: true },
  qwen3: { model_type: 'qwen3', num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 16, intermediate_size: 48, vocab_size: 97, use_sliding_window: false, rope_parameters: { rope_type: 'default', rope_theta: 1e6 } },
};

/** HF's module names and shapes, written from the modeling files' __init__s, independent of parameter-counts.ts. */
function hfLlamaParameters(m: LlamaArchitecture): Map<string, number> {
  const { numLayers: L, hiddenSize: d, intermediateSize: I, vocabSize: V, numHeads: NH, numKeyValueHeads: KV, headDim: HS } = m;
  const p = new Map<string, number>([['embed_tokens.weight', V * d]]);
  for (let i = 0; i < L; i++) {
    const b = `layers.${i}`;
    p.set(`${b}.self_attn.q_proj.weight`, NH * HS * d).set(`${b}.self_attn.k_proj.weight`, KV * HS * d).set(`${b}.self_attn.v_proj.weight`, KV * HS * d);
    p.set(`${b}.self_attn.o_proj.weight`, d * NH * HS);
    if (m.qkvBias) p.set(`${b}.self_attn.q_proj.bias`, NH * HS).set(`${b}.self_attn.k_proj.bias`, KV * HS).set(`${b}.self_attn.v_proj.bias`, KV * HS);
    if (m.outputBias) p.set(`${b}.self_attn.o_proj.bias`, d);
    if (m.qkNorm) p.set(`${b}.self_attn.q_norm.weight`, HS).set(`${b}.self_attn.k_norm.weight`, HS);
    p.set(`${b}.mlp.gate_proj.weight`, I * d).set(`${b}.mlp.up_proj.weight`, I * d).set(`${b}.mlp.down_proj.weight`, d * I);
    if (m.mlpBias) p.set(`${b}.mlp.gate_proj.bias`, I).set(`${b}.mlp.up_proj.bias`, I).set(`${b}.mlp.down_proj.bias`, d);
    p.set(`${b}.input_layernorm.weight`, d).set(`${b}.post_attention_layernorm.weight`, d);
  }
  p.set('norm.weight', d);
  return p;
}
const sum = (p: Map<string, number>, keep: (n: string) => boolean) => [...p].filter(([n]) => keep(n)).reduce((s, [, n]) => s + n, 0);
const llama = (c: unknown) => architectureFromConfig(c) as LlamaArchitecture;

describe('readLlamaConfig', () => {
  it('reads each model_type with its bias layout, q/k norms, GQA and head size', () => {
    const l = llama(TINY.llama);
    expect(l).toMatchObject({ kind: 'llama', modelType: 'llama', numKeyValueHeads: 2, headDim: 8, qkvBias: false, outputBias: false, qkNorm: false, rotaryEmbBase: 10000, layerNormEps: 1e-6, tieWordEmbeddings: false });
    expect(llama(TINY.llama_bias)).toMatchObject({ qkvBias: true, outputBias: true, mlpBias: true, tieWordEmbeddings: true });
    expect(llama(TINY.qwen2)).toMatchObject({ modelType: 'qwen2', qkvBias: true, outputBias: false, qkNorm: false, tieWordEmbeddings: true });
    expect(llama(TINY.qwen3)).toMatchObject({ modelType: 'qwen3', headDim: 16, qkNorm: true, qkvBias: false, rotaryEmbBase: 1e6 });
    expect(llama(TINY.mistral)).toMatchObject({ modelType: 'mistral', numKeyValueHeads: 1, headDim: 8 });
  });

  it('lists what it defaulted, and nothing for a complete file', () => {
    const { defaulted } = readArchitectureConfig(TINY.qwen3);
    expect(defaulted.map((d) => d.key)).toEqual(expect.arrayContaining(['max_position_embeddings', 'rms_norm_eps', 'attention_bias', 'tie_word_embeddings', 'hidden_act']));
    const full = { ...TINY.llama, max_position_embeddings: 64, hidden_act: 'silu', head_dim: 8 };
    expect(readArchitectureConfig(full).defaulted).toEqual([]);
  });

  it.each([
    [{ rope_scaling: { rope_type: 'llama3', factor: 8 } }, /config\.rope_scaling.*null/],
    [{ rope_parameters: { rope_type: 'yarn', rope_theta: 1e4 } }, /config\.rope_parameters\.rope_type.*"default"/],
    [{ rope_parameters: { rope_type: 'default', rope_theta: 1e4, factor: 2 } }, /config\.rope_parameters.*factor/],
    [{ hidden_act: 'gelu' }, /config\.hidden_act.*silu/],
    [{ num_key_value_heads: 3 }, /config\.num_key_value_heads.*divisor/],
    [{ pretraining_tp: 2 }, /config\.pretraining_tp/],
    [{ rope_interleaved: true }, /config\.rope_interleaved/],
    [{ attention_dropout: 0.1 }, /config\.attention_dropout/],
    [{ use_sliding_window: true }, /config\.use_sliding_window/],
    [{ layer_types: ['full_attention', 'sliding_attention'] }, /config\.layer_types\.1/],
    [{ some_new_knob: 3 }, /config.*some_new_knob/],
    [{ quantization_config: { bits: 4 } }, /config\.quantization_config/],
    [{ head_dim: 7 }, /config\.head_dim.*even/],
  ])('refuses %j naming the field', (extra, message) => {
    const c = { ...TINY.llama, ...extra };
    expect(() => architectureFromConfig(c)).toThrow(ValidationError);
    expect(() => architectureFromConfig(c)).toThrow(message);
  });

  it('refuses what a model_type cannot have, and unknown model types', () => {
    expect(() => architectureFromConfig({ ...TINY.mistral, sliding_window: 4096 })).toThrow(/config\.sliding_window/);
    expect(() => architectureFromConfig({ ...TINY.qwen2, attention_bias: false })).toThrow(/config\.attention_bias/);
    expect(() => architectureFromConfig({ ...TINY.qwen3, mlp_bias: true })).toThrow(/config\.mlp_bias/);
    expect(() => architectureFromConfig({ ...TINY.llama, model_type: 'gemma' })).toThrow(/config\.model_type.*gpt_neox, llama/);
  });
});

describe('Llama-family parameter counts', () => {
  it.each(Object.keys(TINY))('%s: N, biases and LoRA agree with the HF parameter list', (key) => {
    const m = llama(TINY[key]);
    const hf = hfLlamaParameters(m);
    const c = parameterCounts(m);
    expect(c.nonEmbedding).toBe(sum(hf, (n) => !n.includes('emb')));
    expect(c.embedding).toBe(sum(hf, (n) => n.includes('emb')));
    expect(c.perBlock).toBe(sum(hf, (n) => n.startsWith('layers.0.')));
    expect(c.biases).toBe(sum(hf, (n) => n.endsWith('.bias')));
    expect(c.total).toBe(sum(hf, () => true));
    // LoRA: r·(in + out) on each PEFT target, from the HF shapes (out·in = the weight).
    const r = 4;
    const dims: Record<string, [number, number]> = {
      q_proj: [m.hiddenSize, m.numHeads * m.headDim], k_proj: [m.hiddenSize, m.numKeyValueHeads * m.headDim], v_proj: [m.hiddenSize, m.numKeyValueHeads * m.headDim],
      o_proj: [m.numHeads * m.headDim, m.hiddenSize], gate_proj: [m.hiddenSize, m.intermediateSize], up_proj: [m.hiddenSize, m.intermediateSize], down_proj: [m.intermediateSize, m.hiddenSize],
    };
    for (const [name, [i, o]] of Object.entries(dims)) expect(sum(hf, (n) => n.endsWith(`.${name}.weight`))).toBe(m.numLayers * i * o);
    expect(loraParameterCounts(m, r).blocks).toBe(m.numLayers * Object.values(dims).reduce((s, [i, o]) => s + r * (i + o), 0));
  });

  const python = fileURLToPath(new URL('../../../../.tmp/venv/bin/python', import.meta.url));
  const haveVenv = existsSync(python);
  if (!haveVenv) console.log(`skipping the transformers numel check: ${python} is absent (tools/python/setup-venv.sh makes it)`);
  it.skipIf(!haveVenv)("N equals sum(p.numel()) of transformers' own models on tiny configs", () => {
    const script = [
      'import json, sys, transformers as t',
      'cfgs = json.loads(sys.stdin.read())',
      'cls = {"llama": (t.LlamaConfig, t.LlamaModel), "mistral": (t.MistralConfig, t.MistralModel), "qwen2": (t.Qwen2Config, t.Qwen2Model), "qwen3": (t.Qwen3Config, t.Qwen3Model)}',
      'out = {}',
      'for k, c in cfgs.items():',
      '    C, M = cls[c["model_type"]]',
      '    m = M(C(**{x: y for x, y in c.items() if x != "model_type"}))',
      '    ps = dict(m.named_parameters())',
      '    out[k] = {"total": sum(p.numel() for p in ps.values()), "nonEmbedding": sum(p.numel() for n, p in ps.items() if "emb" not in n), "biases": sum(p.numel() for n, p in ps.items() if n.endswith(".bias"))}',
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync(python, ['-c', script], { input: JSON.stringify(TINY), encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const hf = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, { total: number; nonEmbedding: number; biases: number }>;
    for (const key of Object.keys(TINY)) {
      const c = parameterCounts(llama(TINY[key]));
      expect({ key, total: c.total, nonEmbedding: c.nonEmbedding, biases: c.biases }).toEqual({ key, ...hf[key] });
    }
  }, 120_000);
});
