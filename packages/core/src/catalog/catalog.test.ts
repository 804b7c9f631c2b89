import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from './architecture.js';
import { loraParameterCounts, parameterCounts } from './parameter-counts.js';
import { PYTHIA, PYTHIA_NAMES } from './pythia.js';
import { resolveModel } from './resolve-model.js';
import { hfParameters, sumWhere } from './hf-parameter-names.test-helper.js';

/** The paper's per-model N (Ziarko et al., 2024), typed in by hand: the independent source. */
const PAPER_N: Record<string, number> = {
  'pythia-14m': 1_189_888,
  'pythia-31m': 4_739_072,
  'pythia-70m': 18_915_328,
  'pythia-160m': 85_056_000,
  'pythia-410m': 302_311_424,
  'pythia-1b': 805_736_448,
  'pythia-1.4b': 1_208_602_624,
  'pythia-2.8b': 2_517_652_480,
};

describe('Pythia catalog', () => {
  it('lists the eight models in size order', () => {
    expect(PYTHIA_NAMES).toEqual(Object.keys(PAPER_N));
  });

  it.each(PYTHIA_NAMES)('%s: N equals the paper’s count and the HF parameter list', (name) => {
    const m = PYTHIA[name];
    const counts = parameterCounts(m);
    expect(counts.nonEmbedding).toBe(PAPER_N[name]);
    const hf = hfParameters(m);
    expect(counts.nonEmbedding).toBe(sumWhere(hf, (n) => !n.includes('emb')));
    expect(counts.embedding).toBe(sumWhere(hf, (n) => n.includes('emb')));
    expect(counts.biases).toBe(sumWhere(hf, (n) => n.endsWith('bias')));
    expect(counts.perBlock).toBe(sumWhere(hf, (n) => n.startsWith('layers.0.')));
    expect(counts.total).toBe(sumWhere(hf, () => true));
    expect(loraParameterCounts(m, 32).blocks).toBe(16 * m.numLayers * m.hiddenSize * 32);
    expect(loraParameterCounts(m, 32).embedIn).toBe(32 * (m.vocabSize + m.hiddenSize));
  });
});

describe('architectureFromConfig', () => {
  const pythia70mConfig = {
    model_type: 'gpt_neox',
    num_hidden_layers: 6,
    hidden_size: 512,
    num_attention_heads: 8,
    intermediate_size: 2048,
    vocab_size: 50304,
    max_position_embeddings: 2048,
    rotary_pct: 0.25,
    rotary_emb_base: 10000,
    layer_norm_eps: 1e-5,
    use_parallel_residual: true,
    hidden_act: 'gelu',
    torch_dtype: 'float16',
  };

  it('reads a Hugging Face config.json and counts like the catalog', () => {
    const arch = architectureFromConfig(pythia70mConfig, 'my-70m');
    expect(parameterCounts(arch).nonEmbedding).toBe(PAPER_N['pythia-70m']);
    expect(arch.rotaryPct).toBe(0.25);
  });

  it('names the key that is missing or wrong', () => {
    const { hidden_size: _, ...missing } = pythia70mConfig;
    expect(() => architectureFromConfig(missing)).toThrow(/config\.hidden_size/);
    expect(() => architectureFromConfig({ ...pythia70mConfig, num_hidden_layers: 2.5 })).toThrow(/config\.num_hidden_layers.*2\.5/);
    expect(() => architectureFromConfig({ ...pythia70mConfig, num_attention_heads: 7 })).toThrow(/divisible/);
    expect(() => architectureFromConfig('nope')).toThrow(/invalid config/);
  });
});

describe('resolveModel', () => {
  it('finds Pythia names case-insensitively and rejects unknown ones by name', () => {
    expect(resolveModel('Pythia-160M').hiddenSize).toBe(768);
    expect(() => resolveModel('pythia-7b')).toThrow(/invalid model: expected one of pythia-14m.*got "pythia-7b"/);
    expect(() => resolveModel(42)).toThrow(/invalid model/);
  });

  it('validates architecture objects field by field', () => {
    expect(() => resolveModel({ ...PYTHIA['pythia-14m'], numLayers: 0 })).toThrow(/model\.numLayers/);
  });

  it('refuses unknown keys, out-of-bound sizes and odd rotary dims in architecture objects', () => {
    const { numLayers, ...rest } = PYTHIA['pythia-14m'];
    expect(() => resolveModel({ ...rest, numLayer: numLayers })).toThrow(/invalid model: expected no key "numLayer"/);
    expect(() => resolveModel({ ...PYTHIA['pythia-14m'], numLayers: 300_000 })).toThrow(/model\.numLayers: expected an integer in 1\.\.1,024, got 300000/);
    expect(() => resolveModel({ ...PYTHIA['pythia-14m'], rotaryPct: 0.3 })).toThrow(/model\.rotaryPct: expected .*even.*got 0\.3/);
    expect(() => resolveModel('constructor')).toThrow(/invalid model: expected one of/);
    // A recipe's model carries its derived count and can be passed back; a wrong count is refused.
    const n = parameterCounts(PYTHIA['pythia-14m']).nonEmbedding;
    expect(resolveModel({ ...PYTHIA['pythia-14m'], nonEmbeddingParameters: n })).toEqual(PYTHIA['pythia-14m']);
    expect(() => resolveModel({ ...PYTHIA['pythia-14m'], nonEmbeddingParameters: n + 1 })).toThrow(/model\.nonEmbeddingParameters/);
  });
});
