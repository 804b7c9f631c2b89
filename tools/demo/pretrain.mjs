#!/usr/bin/env node
/**
 * Pre-trains the demo's nano GPT-NeoX with this library's own engine: the causal-LM loss
 * (packages/core/src/model/causal-lm.ts) and AdamW appended to it as one graph per step, on the ONNX
 * Runtime backend, over the WordNet corpus that tools/demo/build_data.py writes. No pretrained
 * weights can be downloaded here, so the demo makes its own base model.
 *
 * The corpus is tokenised once and packed: lines joined with `<|endoftext|>` and cut into rows of T
 * tokens (every position real, so no compute goes to padding). The warm-up + cosine schedule and
 * AdamW are the library's. Parameters and moments stay resident in ORT between steps; only the loss
 * comes back. Writes examples/nano-neox/model/{config.json, model.safetensors} in the layout of
 * Hugging Face's GPTNeoXForCausalLM (`gpt_neox.*`, `embed_out.weight`), f32, atomically.
 *
 * Not a general pre-training tool (one corpus, one model, one pass). Rerun:
 *   npm run build && node tools/demo/pretrain.mjs [--steps N] [--threads 2]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CAUSAL_LM_INPUTS,
  CAUSAL_LM_LOSS,
  EMBED_OUT,
  adamwScalarFeeds,
  appendAdamW,
  buildCausalLmGraph,
  hostTensor,
  learningRate,
  momentName,
  randomGptNeoXParameters,
  seededRandom,
} from '../../packages/core/dist/engine.js';
import { architectureFromConfig } from '../../packages/core/dist/index.js';
import { loadTokenizerDir, writeFileAtomic, writeSafetensorsFile } from '../../packages/core/dist/node.js';
import { createOnnxBackend } from '../../packages/backend-onnx/dist/index.js';

process.env.ORT_DISABLE_TELEMETRY = '1';
const ort = createRequire(new URL('../../packages/backend-onnx/package.json', import.meta.url))('onnxruntime-node');
const ROOT = new URL('../../', import.meta.url).pathname;
const MODEL_DIR = join(ROOT, 'examples/nano-neox/model');
const CORPUS = join(ROOT, '.tmp/demo/pretrain.txt');
/** The packed token stream, cached (tokenising 11 MB takes minutes): Int32 little-endian. */
const TOKENS = join(ROOT, '.tmp/demo/pretrain.ids');

/** The nano model: Pythia's shape rules (parallel residual, rotary on 25% of each head), scaled down. */
export const NANO_CONFIG = {
  architectures: ['GPTNeoXForCausalLM'],
  model_type: 'gpt_neox',
  vocab_size: 4096,
  hidden_size: 128,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  intermediate_size: 512,
  max_position_embeddings: 128,
  rotary_pct: 0.25,
  rotary_emb_base: 10000,
  use_parallel_residual: true,
  hidden_act: 'gelu',
  layer_norm_eps: 1e-5,
  tie_word_embeddings: false,
  bos_token_id: 0,
  eos_token_id: 0,
  torch_dtype: 'float32',
};

const { values: args } = parseArgs({ options: { steps: { type: 'string' }, threads: { type: 'string', default: '2' }, batch: { type: 'string', default: '32' }, tokens: { type: 'string', default: '64' } } });
const B = Number(args.batch);
const T = Number(args.tokens);
const arch = architectureFromConfig(NANO_CONFIG, 'nano-neox');
const tokenizer = await loadTokenizerDir(MODEL_DIR, { maxTokens: 1 << 20 });

// Tokenise and pack the corpus: line EOS line EOS …, cut into rows of T tokens.
const newer = (a, ...bs) => existsSync(a) && bs.every((b) => statSync(a).mtimeMs > statSync(b).mtimeMs);
let stream;
if (newer(TOKENS, CORPUS, join(MODEL_DIR, 'tokenizer.json'))) {
  const bytes = readFileSync(TOKENS);
  stream = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
} else {
  const ids = [];
  for (const line of readFileSync(CORPUS, 'utf8').split('\n')) if (line) ids.push(...tokenizer.encode(line, { truncate: false }), tokenizer.eosId);
  stream = Int32Array.from(ids);
  await writeFileAtomic(TOKENS, new Uint8Array(stream.buffer));
}
const rows = Math.floor(stream.length / T);
const totalSteps = args.steps ? Number(args.steps) : Math.floor(rows / B);
console.log(`corpus: ${stream.length} tokens, ${rows} rows of ${T}; ${totalSteps} steps of ${B} (${((totalSteps * B) / rows).toFixed(2)} epochs)`);
const order = Array.from({ length: rows }, (_, i) => i);
const random = seededRandom(7);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}

const { graph, parameters } = buildCausalLmGraph(arch, { B, T });
const names = parameters.map((p) => p.name);
const stepGraph = appendAdamW(graph, names, { weightDecay: 0.1 });
const backend = createOnnxBackend({ ort, threads: Number(args.threads) });
const exe = await backend.compile(stepGraph);

// Initial parameters: Pythia-style N(0, 0.02) for the base model; embed_out the same.
const initial = randomGptNeoXParameters(arch, { seed: 1, dtype: 'f32' });
const out = new Float32Array(arch.vocabSize * arch.hiddenSize);
const r2 = seededRandom(2);
for (let i = 0; i < out.length; i++) out[i] = 0.02 * Math.sqrt(-2 * Math.log(1 - r2())) * Math.cos(2 * Math.PI * r2());
initial.set(EMBED_OUT, hostTensor('f32', [arch.vocabSize, arch.hiddenSize], out));
const state = {};
for (const p of parameters) {
  const t = initial.get(p.name);
  state[p.name] = await backend.upload(t);
  state[momentName('m', p.name)] = await backend.upload(hostTensor('f32', t.shape));
  state[momentName('v', p.name)] = await backend.upload(hostTensor('f32', t.shape));
}
const resident = Object.keys(state);
const ids = new Int32Array(B * T);
const mask = new Int32Array(B * T).fill(1);
const peak = 2e-3;
let smoothed;
const t0 = Date.now();
for (let step = 0; step < totalSteps; step++) {
  for (let b = 0; b < B; b++) {
    const row = order[(step * B + b) % rows];
    ids.set(stream.subarray(row * T, row * T + T), b * T);
  }
  const lr = learningRate(step, totalSteps, { peak, warmupFraction: 0.05 });
  const result = await exe.run(
    { ...state, [CAUSAL_LM_INPUTS.ids]: hostTensor('i32', [B, T], ids), [CAUSAL_LM_INPUTS.mask]: hostTensor('i32', [B, T], mask), ...adamwScalarFeeds(step, lr, 'f32') },
    { outputs: [CAUSAL_LM_LOSS, ...resident], resident },
  );
  for (const name of resident) {
    backend.release(state[name]);
    state[name] = result[name];
  }
  const loss = result[CAUSAL_LM_LOSS].data[0];
  if (!Number.isFinite(loss)) throw new Error(`step ${step}: loss ${loss}`);
  smoothed = smoothed === undefined ? loss : 0.98 * smoothed + 0.02 * loss;
  if (step % 50 === 0 || step === totalSteps - 1) {
    const s = (Date.now() - t0) / 1000;
    console.log(`step ${step + 1}/${totalSteps}  loss ${loss.toFixed(3)} (smoothed ${smoothed.toFixed(3)})  ${((step + 1) * B * T / s).toFixed(0)} tokens/s  ${s.toFixed(0)} s`);
  }
}

// Save as GPTNeoXForCausalLM would: base model under gpt_neox.*, the head as embed_out.weight.
const tensors = new Map();
for (const p of parameters) {
  const t = await backend.download(state[p.name]);
  tensors.set(p.name === EMBED_OUT ? EMBED_OUT : `gpt_neox.${p.name}`, { dtype: 'F32', shape: t.shape, data: t.data });
}
await writeSafetensorsFile(join(MODEL_DIR, 'model.safetensors'), tensors, { format: 'pt', source: 'tools/demo/pretrain.mjs', steps: String(totalSteps), final_loss: smoothed.toFixed(4) });
await writeFileAtomic(join(MODEL_DIR, 'config.json'), JSON.stringify(NANO_CONFIG, null, 2) + '\n');
for (const t of Object.values(state)) backend.release(t);
exe.dispose();
backend.dispose();
console.log(`wrote ${MODEL_DIR}: smoothed loss ${smoothed.toFixed(3)} after ${totalSteps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
