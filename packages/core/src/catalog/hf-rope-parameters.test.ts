/**
 * A GPT-NeoX folder saved by transformers 5 (`rope_parameters` instead of `rotary_pct` /
 * `rotary_emb_base`, partial_rotary_factor 0.5, rope_theta 500) embeds as transformers' own
 * GPTNeoXModel does: fixture from tools/golden/make_hf_neox_rope.py. Also what the config reader
 * refuses up front. Not the independent-implementation golden tests (model/gpt-neox.test.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { hostTensor } from '../engine/host-tensor.js';
import { buildEmbeddingGraph, EMBEDDING_INPUTS } from '../model/embedding-graph.js';
import { castParameters, parameterFeeds } from '../model/parameter-map.js';
import { loadCheckpoint } from '../model/checkpoint.js';
import { referenceBackend } from '../reference/backend.js';
import { architectureFromConfig, readGptNeoxConfig } from './architecture.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/hf-neox-rope/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(DIR + name));
const config = JSON.parse(readFileSync(DIR + 'config.json', 'utf8')) as Record<string, unknown>;
const batch = JSON.parse(readFileSync(DIR + 'batch.json', 'utf8')) as { input_ids: number[][]; attention_mask: number[][] };
const expected = readSafetensors(read('expected.safetensors'));

function scaledError(actual: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return actual.length === want.length ? diff / scale : Number.POSITIVE_INFINITY;
}

function embed(dtype: 'f32' | 'f64', configValue: object = config) {
  const model = loadCheckpoint({ config: configValue, weights: read('model.safetensors') }, { dtype });
  const ids = batch.input_ids;
  const { graph } = buildEmbeddingGraph(model.architecture, { B: ids.length, T: ids[0]!.length }, { dtype, hiddenStates: true });
  const out = referenceBackend()
    .compileSync(graph)
    .runSync({
      [EMBEDDING_INPUTS.ids]: hostTensor('i32', [ids.length, ids[0]!.length], ids.flat()),
      [EMBEDDING_INPUTS.mask]: hostTensor('i32', [ids.length, ids[0]!.length], batch.attention_mask.flat()),
      ...parameterFeeds(graph, castParameters(model.parameters, dtype)),
    });
  return { model, out };
}

describe('transformers 5 GPT-NeoX folder (rope_parameters)', () => {
  it('reads partial_rotary_factor and rope_theta, with nothing defaulted', () => {
    const { architecture, defaulted } = readGptNeoxConfig(config);
    expect(architecture.rotaryPct).toBe(0.5);
    expect(architecture.rotaryEmbBase).toBe(500);
    expect(defaulted).toEqual([]);
  });

  for (const [dtype, tolerance] of [['f64', 1e-12], ['f32', 1e-6]] as const) {
    it(`embeds as transformers' GPTNeoXModel does (${dtype}, ≤ ${tolerance} relative)`, () => {
      const { out } = embed(dtype);
      const hidden = scaledError(out.last_hidden_state!.data, expected.tensors.get(`${dtype}.last_hidden_state`)!.data as Float64Array);
      const pooled = scaledError(out.embedding!.data, expected.tensors.get(`${dtype}.embedding`)!.data as Float64Array);
      console.info(`hf-neox-rope ${dtype} scaled errors`, { hidden, pooled });
      expect(hidden).toBeLessThan(tolerance);
      expect(pooled).toBeLessThan(tolerance);
    });
  }

  it("would be wrong with Pythia's defaults (the fixture can tell the spellings apart)", () => {
    const { rope_parameters: _, ...old } = config;
    const { out, model } = embed('f64', old);
    expect(model.defaulted.map((d) => d.key)).toEqual(['rotary_pct (or rope_parameters.partial_rotary_factor)', 'rotary_emb_base (or rope_parameters.rope_theta)']);
    expect(scaledError(out.embedding!.data, expected.tensors.get('f64.embedding')!.data as Float64Array)).toBeGreaterThan(1e-4);
  });

  it('refuses what the forward does not implement, naming the key', () => {
    const bad: [object, RegExp][] = [
      [{ ...config, rope_parameters: { rope_type: 'yarn', rope_theta: 500, partial_rotary_factor: 0.5 } }, /config\.rope_parameters\.rope_type.*"default".*"yarn"/],
      [{ ...config, rope_parameters: { rope_type: 'default', factor: 2 } }, /config\.rope_parameters: expected no key "factor"/],
      [{ ...config, rotary_pct: 0.25 }, /rope_parameters\.partial_rotary_factor: expected the same value as rotary_pct \(0\.25\).*0\.5/],
      [{ ...config, hidden_act: 'gelu_new' }, /config\.hidden_act: expected "gelu".*"gelu_new"/],
      [{ ...config, rope_parameters: { partial_rotary_factor: 0.2 } }, /config\.rope_parameters\.partial_rotary_factor: expected .*even.*0\.2/],
      [{ ...config, attention_bias: false }, /config\.attention_bias/],
      [{ ...config, rope_scaling: { type: 'linear', factor: 2 } }, /config\.rope_scaling/],
      [{ ...config, num_hidden_layers: 300_000 }, /config\.num_hidden_layers: expected an integer in 1\.\.1,024.*300000/],
    ];
    for (const [c, message] of bad) {
      expect(() => architectureFromConfig(c)).toThrow(ValidationError);
      expect(() => architectureFromConfig(c)).toThrow(message);
    }
  });

  it('checks the block count against the weights before building the layout', () => {
    const wrong = { ...config, num_hidden_layers: 1000 };
    expect(() => loadCheckpoint({ config: wrong, weights: read('model.safetensors') })).toThrow(/config\.num_hidden_layers: expected the number of blocks the weights hold \(2: tensors layers\.0 … layers\.1\), got 1000/);
  });
});
