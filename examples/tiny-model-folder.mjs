#!/usr/bin/env node
/**
 * Writes a tiny random GPT-NeoX as a Hugging Face model folder — config.json, model.safetensors
 * (HF-initialised, seeded) and the tiny byte-level BPE tokenizer of the text fixtures — so
 * `repurpose train` and `repurpose eval` can be tried (and their docs tested) with nothing
 * downloaded. A random model, not a pre-trained one: it learns, but knows nothing to start with.
 * Run `npm run build` once, then `node examples/tiny-model-folder.mjs DIR [hidden size]`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { architectureFromConfig } from '../packages/core/dist/index.js';
import { randomGptNeoXParameters, writeSafetensors } from '../packages/core/dist/engine.js';

const [dir = 'tiny-model', width = '32'] = process.argv.slice(2);
const C = Number(width);
const TOKENIZER = join(dirname(fileURLToPath(import.meta.url)), '../packages/core/test/fixtures/text/tiny-bpe');
const config = {
  model_type: 'gpt_neox',
  architectures: ['GPTNeoXForCausalLM'],
  num_hidden_layers: 1,
  hidden_size: C,
  num_attention_heads: 2,
  intermediate_size: 2 * C,
  vocab_size: 1027,
  max_position_embeddings: 128,
  rotary_pct: 0.25,
  rotary_emb_base: 10000,
  layer_norm_eps: 1e-5,
  use_parallel_residual: true,
  hidden_act: 'gelu',
  tie_word_embeddings: false,
};
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
const params = randomGptNeoXParameters(architectureFromConfig(config, 'tiny'), { seed: 2 });
const tensors = new Map([...params].map(([name, t]) => [name, { shape: t.shape, data: t.data, dtype: 'F32' }]));
writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors, { format: 'pt' }));
for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(TOKENIZER, f), join(dir, f));
const count = [...params.values()].reduce((n, t) => n + t.data.length, 0);
console.log(`${dir}: a random 1-block GPT-NeoX (hidden ${C}, ${count.toLocaleString('en-US')} parameters) with the tiny BPE tokenizer`);
