/**
 * exportModel on real short runs of the tiny GPT-NeoX: the hf folder reloads through our own loader
 * with the LoRA merged and embeds like the unmerged run (f32, and within f16/bf16 rounding for those
 * dtypes); the PEFT folder carries PEFT's names and config fields and reads back to the same
 * adapters; the sentence-transformers files say mean pooling and 75 tokens; the card has the recipe,
 * FLOPs, evaluation, data hash and version; what cannot be exported is refused, naming the field.
 * (tools/interop checks the same folders with the real Python libraries.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { formatCount } from '../format.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { loadCheckpoint } from '../model/checkpoint.js';
import type { TrainerCheckpoint } from '../train/checkpoint.js';
import { TINY } from '../train/tiny-model.test-helper.js';
import { exportModel } from './export-model.js';
import type { ExportedFolder } from './exported-folder.js';
import { LIBRARY_VERSION } from './library-version.js';
import { mergePeftAdapter, peftAdapterMethod, readPeftAdapter } from './peft-adapter.js';
import { embed, maxRelativeDifference, tinyBase, trainedCheckpoint } from './ship.test-helper.js';
import type { ModelCardInput } from './model-card.js';

const file = (folder: ExportedFolder, path: string) => {
  const f = folder.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in ${folder.files.map((x) => x.path)}`);
  return f.bytes;
};
const json = (folder: ExportedFolder, path: string) => JSON.parse(new TextDecoder().decode(file(folder, path))) as Record<string, unknown>;
const tokenizer = new Map([['tokenizer.json', new TextEncoder().encode('{"model":{"type":"BPE"}}')], ['tokenizer_config.json', new TextEncoder().encode('{"eos_token":"<|endoftext|>"}')]]);

let lora: TrainerCheckpoint;
let bias: TrainerCheckpoint;
let unmerged: number[][];
beforeAll(async () => {
  lora = await trainedCheckpoint({ kind: 'lora', rank: 4, alpha: 8 });
  bias = await trainedCheckpoint({ kind: 'bias' });
  unmerged = await embed(TINY, tinyBase().parameters, { method: lora.state.method, loraEmbedIn: true, adapters: lora.parameters });
});

describe('exportModel hf', () => {
  it('writes config.json, model.safetensors (LoRA merged), the tokenizer files and a card; it reloads and embeds like the unmerged run', async () => {
    const folder = exportModel({ format: 'hf', base: tinyBase(), checkpoint: lora, tokenizer });
    expect(folder.files.map((f) => f.path)).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md']);
    expect(file(folder, 'tokenizer.json')).toEqual(tokenizer.get('tokenizer.json'));
    const config = json(folder, 'config.json');
    expect(config['architectures']).toEqual(['GPTNeoXModel']);
    expect(config['dtype']).toBe('float32');
    const stored = readSafetensors(file(folder, 'model.safetensors'));
    expect([...stored.tensors.keys()].some((n) => n.includes('lora'))).toBe(false);
    expect(stored.metadata).toEqual({ format: 'pt' });
    const reloaded = loadCheckpoint({ config: file(folder, 'config.json'), weights: file(folder, 'model.safetensors') });
    const merged = await embed(reloaded.architecture, reloaded.parameters);
    const base = await embed(TINY, tinyBase().parameters);
    const diff = maxRelativeDifference(unmerged, merged);
    console.log(`hf export: merged vs unmerged LoRA ${diff.toExponential(2)}; training moved the embedding by ${maxRelativeDifference(unmerged, base).toExponential(2)}`);
    expect(maxRelativeDifference(unmerged, base)).toBeGreaterThan(1e-3); // the run changed something to export
    expect(diff).toBeLessThan(1e-5);
  });

  it('stores f16 and bf16 on request, within their rounding of the f32 embedding', async () => {
    for (const [dtype, st, torch, tol] of [['f16', 'F16', 'float16', 2e-3], ['bf16', 'BF16', 'bfloat16', 2e-2]] as const) {
      const folder = exportModel({ format: 'hf', base: tinyBase(), checkpoint: bias, dtype });
      expect(json(folder, 'config.json')['dtype']).toBe(torch);
      const stored = readSafetensors(file(folder, 'model.safetensors'));
      expect(new Set([...stored.tensors.values()].map((t) => t.dtype))).toEqual(new Set([st]));
      expect(file(folder, 'model.safetensors').length).toBeLessThan(exportModel({ format: 'hf', base: tinyBase(), checkpoint: bias }).files[1]!.bytes.length * 0.6);
      const reloaded = loadCheckpoint({ config: file(folder, 'config.json'), weights: file(folder, 'model.safetensors') });
      const f32 = loadCheckpoint({ config: file(exportModel({ format: 'hf', base: tinyBase(), checkpoint: bias }), 'config.json'), weights: file(exportModel({ format: 'hf', base: tinyBase(), checkpoint: bias }), 'model.safetensors') });
      const diff = maxRelativeDifference(await embed(TINY, f32.parameters), await embed(reloaded.architecture, reloaded.parameters));
      console.log(`hf export ${dtype}: embedding differs from f32 by ${diff.toExponential(2)}`);
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(tol);
    }
  });

  it('puts a bias run’s trained tensors in place of the base’s', () => {
    const folder = exportModel({ format: 'hf', base: tinyBase(), checkpoint: bias });
    const stored = readSafetensors(file(folder, 'model.safetensors'));
    const name = 'layers.1.mlp.dense_4h_to_h.bias';
    expect(Array.from(stored.tensors.get(name)!.data as Float32Array)).toEqual(Array.from(bias.parameters.get(name)!.data));
    expect(Array.from(stored.tensors.get('layers.1.mlp.dense_4h_to_h.weight')!.data as Float32Array)).toEqual(Array.from(tinyBase().parameters.get('layers.1.mlp.dense_4h_to_h.weight')!.data));
  });
});

describe('exportModel peft', () => {
  it('writes PEFT’s names and config fields, and reads back to the same adapters', async () => {
    const folder = exportModel({ format: 'peft', base: tinyBase(), checkpoint: lora, card: { baseModel: 'tiny-neox' } });
    expect(folder.files.map((f) => f.path)).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'README.md']);
    const config = json(folder, 'adapter_config.json');
    expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, use_rslora: false, use_dora: false, bias: 'none', base_model_name_or_path: 'tiny-neox' });
    expect(config['target_modules']).toEqual(['dense', 'dense_4h_to_h', 'dense_h_to_4h', 'embed_in', 'query_key_value']);
    const stored = readSafetensors(file(folder, 'adapter_model.safetensors'));
    expect(stored.tensors.get('base_model.model.embed_in.lora_embedding_A')!.shape).toEqual([4, 128]);
    expect(stored.tensors.get('base_model.model.embed_in.lora_embedding_B')!.shape).toEqual([32, 4]);
    expect(stored.tensors.get('base_model.model.layers.0.attention.query_key_value.lora_B.weight')!.shape).toEqual([96, 4]);
    expect(stored.tensors.size).toBe(2 + 2 * 4 * 2);

    const base = tinyBase();
    const shapes = new Map([...base.parameters].map(([n, t]) => [n, t.shape]));
    const adapter = readPeftAdapter({ config: file(folder, 'adapter_config.json'), weights: file(folder, 'adapter_model.safetensors') }, TINY, shapes);
    expect(adapter.scale).toBe(2);
    const asMethod = peftAdapterMethod(adapter, TINY)!;
    expect(asMethod.method).toEqual({ kind: 'lora', rank: 4, alpha: 8 });
    expect(asMethod.loraEmbedIn).toBe(true);
    expect(maxRelativeDifference(unmerged, await embed(TINY, base.parameters, { method: asMethod.method, loraEmbedIn: true, adapters: asMethod.adapters }))).toBe(0);
    expect(maxRelativeDifference(unmerged, await embed(TINY, mergePeftAdapter(base.parameters, adapter)))).toBeLessThan(1e-5);
  });

  it('refuses a non-LoRA run and adapter configs that change the math', () => {
    expect(() => exportModel({ format: 'peft', base: tinyBase(), checkpoint: bias })).toThrow(/input\.checkpoint.*LoRA run/);
    const folder = exportModel({ format: 'peft', base: tinyBase(), checkpoint: lora });
    const config = json(folder, 'adapter_config.json');
    const shapes = new Map([...tinyBase().parameters].map(([n, t]) => [n, t.shape]));
    const read = (c: object) => readPeftAdapter({ config: c, weights: file(folder, 'adapter_model.safetensors') }, TINY, shapes);
    expect(() => read({ ...config, use_dora: true })).toThrow(/adapter_config\.json\.use_dora.*DoRA/);
    expect(() => read({ ...config, r: 8 })).toThrow(/shape.*r = 8/);
    expect(() => read({ ...config, target_modules: ['query_key_value'] })).toThrow(/target_modules/);
    expect(() => read({ ...config, target_modules: '.*dense' })).toThrow(/regex targets/);
    expect(() => read({ ...config, some_future_switch: { on: true } })).toThrow(/some_future_switch/);
    expect(read({ ...config, some_future_switch: null }).rank).toBe(4);
    expect(read({ ...config, use_rslora: true }).scale).toBe(8 / 2);
  });
});

describe('exportModel sentence-transformers', () => {
  it('adds modules.json, the two configs and mean pooling, with max_seq_length 75 and a pad token', () => {
    const folder = exportModel({ format: 'sentence-transformers', base: tinyBase(), checkpoint: lora, tokenizer });
    const modules = JSON.parse(new TextDecoder().decode(file(folder, 'modules.json'))) as { path: string; type: string }[];
    expect(modules.map((m) => [m.path, m.type])).toEqual([['', 'sentence_transformers.models.Transformer'], ['1_Pooling', 'sentence_transformers.models.Pooling']]);
    expect(json(folder, 'sentence_bert_config.json')).toEqual({ max_seq_length: 64, do_lower_case: false }); // the tiny model has 64 positions
    expect(json(folder, '1_Pooling/config.json')).toMatchObject({ word_embedding_dimension: 32, pooling_mode_mean_tokens: true, pooling_mode_cls_token: false, pooling_mode_lasttoken: false });
    expect(json(folder, 'config_sentence_transformers.json')['similarity_fn_name']).toBe('cosine');
    expect(json(folder, 'tokenizer_config.json')).toEqual({ eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', model_max_length: 64 });
    expect(() => exportModel({ format: 'sentence-transformers', base: tinyBase(), checkpoint: lora })).toThrow(/tokenizer\.json/);
    expect(() => exportModel({ format: 'sentence-transformers', base: tinyBase(), tokenizer, maxSeqLength: 65 })).toThrow(/max_position_embeddings \(64\)/);
  });
});

describe('the model card', () => {
  it('has the recipe, the FLOPs spent, the evaluation table, the data hash and the version', () => {
    const dataHash = `sha256:${'ab'.repeat(32)}`;
    const folder = exportModel({
      format: 'sentence-transformers', base: tinyBase(), checkpoint: lora, tokenizer,
      card: { baseModel: 'tiny-neox', recipe: { budget: 1e17, model: 'pythia-160m', method: { kind: 'lora', rank: 32, alpha: 8 }, pairs: 3478772 }, evaluation: [{ metric: 'recall@10', split: 'held-out', value: 0.61234, before: 0.3 }], dataHash },
    });
    const card = new TextDecoder().decode(file(folder, 'README.md'));
    expect(card).toMatch(/^---\nlibrary_name: sentence-transformers\n/);
    expect(card).toContain('base_model: "tiny-neox"');
    expect(card).toContain('| budget | 1e+17 FLOP |');
    expect(card).toContain('| method | LoRA, rank 32, alpha 8 |');
    expect(card).toContain('| pairs | 3,478,772 |');
    expect(card).toContain(`| FLOPs spent | ${formatCount(lora.state.flopUsed)} (paper accounting) |`);
    expect(card).toContain('| steps | 2 of a 2-step schedule |');
    expect(card).toContain('| recall@10 | held-out | 0.3 | 0.6123 |');
    expect(card).toContain(dataHash);
    expect(card).toContain(`@repurpose/core ${LIBRARY_VERSION}`);
    // The recipe planned rank 32, the checkpoint trained rank 4: the card does not call it the recipe's model.
    expect(card).toContain('(contrastive fine-tuning with LoRA, rank 4, alpha 8, instead of the recipe’s LoRA, rank 32, alpha 8)');
    expect(card).not.toContain('at the recipe below');
    expect(() => exportModel({ format: 'hf', base: tinyBase(), card: { dataHash: 'md5:00' } })).toThrow(ValidationError);
    expect(() => exportModel({ format: 'hf', base: tinyBase(), card: { evaluation: [{ metric: 'x', value: NaN }] } })).toThrow(/card\.evaluation\.0\.value/);
  });
});

describe('the model card’s first sentence claims what the inputs show', () => {
  const firstLine = (card: ModelCardInput, withCheckpoint = true): string =>
    new TextDecoder().decode(file(exportModel({ format: 'hf', base: tinyBase(), ...(withCheckpoint ? { checkpoint: lora } : {}), card }), 'README.md')).split('\n').find((l) => l.startsWith('A text-embedding model'))!;

  it('a checkpoint that trained the recipe’s method is at the recipe', () => {
    expect(firstLine({ recipe: { method: { kind: 'lora', rank: 4, alpha: 16 } } })).toContain('(contrastive fine-tuning at the recipe below, planned after Ziarko et al., NeurIPS 2024)');
  });
  it('without a recipe it claims no plan', () => {
    expect(firstLine({})).toContain('(contrastive fine-tuning after Ziarko et al., NeurIPS 2024)');
  });
  it('without a checkpoint it says nothing was trained', () => {
    expect(firstLine({ recipe: { method: { kind: 'full' } } }, false)).toContain('(the base model’s weights converted, not fine-tuned)');
  });
});
