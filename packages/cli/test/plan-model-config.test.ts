/**
 * `repurpose plan --model-config config.json` for every supported model_type, through the built
 * binary: config.json files written the way transformers writes them (keys of SmolLM2-135M
 * (llama), a Mistral-7B-v0.3-shaped mistral, Qwen2.5-0.5B (qwen2) and Qwen3-0.6B (qwen3)), each
 * planned exactly as optimalRecipe plans the architecture core reads from it, with the cross-family
 * note; bias-only only where the family has biases; and the refusals, each naming the key.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureFromConfig, optimalRecipe, parameterCounts } from '@repurpose/core';

const BIN = join(import.meta.dirname, '../bin/repurpose.js');
let dir = '';
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

const META = { initializer_range: 0.02, torch_dtype: 'bfloat16', transformers_version: '4.45.0', use_cache: true };
const CONFIGS: Record<string, Record<string, unknown>> = {
  llama: {
    ...META, architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, attention_dropout: 0, bos_token_id: 0, eos_token_id: 0, hidden_act: 'silu',
    hidden_size: 576, intermediate_size: 1536, is_llama_config: true, max_position_embeddings: 8192, mlp_bias: false, num_attention_heads: 9, num_hidden_layers: 30,
    num_key_value_heads: 3, pretraining_tp: 1, rms_norm_eps: 1e-5, rope_interleaved: false, rope_scaling: null, rope_theta: 100000, tie_word_embeddings: true, vocab_size: 49152,
  },
  mistral: {
    ...META, architectures: ['MistralForCausalLM'], model_type: 'mistral', attention_dropout: 0, bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 4096,
    intermediate_size: 14336, max_position_embeddings: 32768, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, rms_norm_eps: 1e-5,
    rope_theta: 1000000, sliding_window: null, tie_word_embeddings: false, vocab_size: 32768,
  },
  qwen2: {
    ...META, architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', attention_dropout: 0, bos_token_id: 151643, eos_token_id: 151643, hidden_act: 'silu', hidden_size: 896,
    intermediate_size: 4864, max_position_embeddings: 32768, max_window_layers: 24, num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2,
    rms_norm_eps: 1e-6, rope_theta: 1000000, sliding_window: 32768, tie_word_embeddings: true, use_sliding_window: false, vocab_size: 151936,
  },
  qwen3: {
    ...META, architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', attention_bias: false, attention_dropout: 0, bos_token_id: 151643, eos_token_id: 151645, head_dim: 128,
    hidden_act: 'silu', hidden_size: 1024, intermediate_size: 3072, max_position_embeddings: 40960, max_window_layers: 28, num_attention_heads: 16, num_hidden_layers: 28,
    num_key_value_heads: 8, rms_norm_eps: 1e-6, rope_scaling: null, rope_theta: 1000000, sliding_window: null, tie_word_embeddings: true, use_sliding_window: false, vocab_size: 151936,
  },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'repurpose-model-config-'));
  for (const [type, config] of Object.entries(CONFIGS)) writeFileSync(join(dir, `${type}.json`), JSON.stringify(config));
  const bad = (name: string, change: Record<string, unknown>) => writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...CONFIGS.qwen3, ...change }));
  bad('yarn', { rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768 } });
  bad('llama3-rope', { rope_parameters: { rope_type: 'llama3', rope_theta: 500000 } });
  bad('window', { use_sliding_window: true });
  bad('unknown-key', { shared_expert_intermediate_size: 512 });
  bad('act', { hidden_act: 'gelu_pytorch_tanh' });
});

describe('repurpose plan --model-config, every supported model_type', () => {
  for (const type of Object.keys(CONFIGS)) {
    it(`${type}: plans as optimalRecipe plans the architecture core reads, with the cross-family note`, () => {
      const r = run('plan', '--budget', '1e18', '--model-config', `${type}.json`, '--runners-up', '50', '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const recipe = JSON.parse(r.stdout);
      const arch = architectureFromConfig(CONFIGS[type], type);
      expect(recipe).toEqual(JSON.parse(JSON.stringify(optimalRecipe(1e18, { models: [arch], runnersUp: 50 }))));
      expect(recipe.model.name).toBe(type);
      expect(recipe.notes.join(' ')).toMatch(new RegExp(`${type} model but law ziarko2024 was calibrated on Pythia.*extrapolation across model families`));
      // Bias-only is a candidate only where the family has biases (Qwen2's q/k/v).
      const kinds = new Set([recipe.method.kind, ...recipe.runnersUp.map((u: { method: { kind: string } }) => u.method.kind)]);
      expect(kinds.has('bias')).toBe(type === 'qwen2');
      expect(parameterCounts(arch).biases > 0).toBe(type === 'qwen2');
    });
  }

  it('flops --method bias works for Qwen2 and is refused for Qwen3 with the reason', () => {
    expect(run('flops', '--model-config', 'qwen2.json', '--method', 'bias', '--tokens', '1e9').status).toBe(0);
    const r = run('flops', '--model-config', 'qwen3.json', '--method', 'bias', '--tokens', '1e9');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/method\.kind: expected a method other than bias-only: qwen3 has no bias parameters/);
  });
});

describe('repurpose plan --model-config refuses what it does not implement, naming the key', () => {
  const cases: [string, RegExp][] = [
    ['yarn', /--model-config: invalid config\.rope_scaling: expected null \(rotary scaling variants are not implemented\), got \{"rope_type":"yarn"/],
    ['llama3-rope', /invalid config\.rope_parameters\.rope_type: expected "default".*got "llama3"/],
    ['window', /invalid config\.use_sliding_window: expected false \(sliding-window attention is not implemented\), got true/],
    ['unknown-key', /invalid config.*shared_expert_intermediate_size/],
    ['act', /invalid config\.hidden_act: expected "silu".*got "gelu_pytorch_tanh"/],
  ];
  for (const [name, message] of cases) {
    it(name, () => {
      const r = run('plan', '--budget', '1e18', '--model-config', `${name}.json`);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});
