/**
 * Interop with the real Python libraries (issue 11, item 3), all Python checks in ONE process
 * (check_interop.py; importing transformers costs 10-40 s here). From a real two-step LoRA run on a
 * tiny GPT-NeoX with a real BPE tokenizer:
 *
 *   - sentence-transformers loads our sentence-transformers export with no code, tokenizes the texts
 *     as we do, and its embeddings equal ours (cosine >= 0.9999 in f32);
 *   - PEFT loads our adapter onto GPTNeoXModel and its mean-pooled outputs equal ours;
 *   - transformers' AutoModel loads our hf export and embeds as we do;
 *   - models saved by transformers (GPTNeoXModel f32; GPTNeoXForCausalLM bf16 in shards; f16) load
 *     into our engine and embed as transformers does;
 *   - an adapter PEFT saved (LoRA with embed_in) loads into our engine, merged or unmerged, and
 *     embeds as PEFT does;
 *   - an exported hf folder reloads into our engine with identical embeddings.
 *
 * Skips, printing why, when the Python peer venv (.tmp/venv, tools/python/setup-venv.sh) is absent.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../../packages/core/src/catalog/architecture.js';
import { hostTensor } from '../../packages/core/src/engine/host-tensor.js';
import { writeSafetensors } from '../../packages/core/src/io/safetensors-write.js';
import { EMBEDDING_INPUTS, EMBEDDING_OUTPUTS, buildEmbeddingGraph } from '../../packages/core/src/model/embedding-graph.js';
import { loadAdapterDir, loadCheckpointDir } from '../../packages/core/src/model/checkpoint-file.js';
import { mergePeftAdapter, peftAdapterMethod } from '../../packages/core/src/ship/peft-adapter.js';
import { type ParameterMap, parameterFeeds } from '../../packages/core/src/model/parameter-map.js';
import { referenceBackend } from '../../packages/core/src/reference/backend.js';
import { exportModelDir } from '../../packages/core/src/ship/export-dir.js';
import { loadTokenizerDir } from '../../packages/core/src/text/files.js';
import { writeTrainerCheckpointFile } from '../../packages/core/src/train/checkpoint-file.js';
import { syntheticPairs } from '../../packages/core/src/train/pairs.js';
import { randomGptNeoXParameters } from '../../packages/core/src/train/random-parameters.js';
import { train } from '../../packages/core/src/train/trainer.js';
import type { ModelArchitecture } from '../../packages/core/src/catalog/architecture.js';

const ROOT = join(import.meta.dirname, '../..');
const PYTHON = join(ROOT, '.tmp/venv/bin/python');
const TOKENIZER = join(ROOT, 'packages/core/test/fixtures/text/tiny-bpe');
const VOCAB = 1040;
const CONFIG = { architectures: ['GPTNeoXModel'], model_type: 'gpt_neox', vocab_size: VOCAB, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, hidden_act: 'gelu', rotary_pct: 0.25, rotary_emb_base: 10000, max_position_embeddings: 128, layer_norm_eps: 1e-5, use_parallel_residual: true, attention_bias: true, tie_word_embeddings: false, eos_token_id: 0, bos_token_id: 0 };
const TEXTS = ['The president spoke to the nation about the state of the union.', 'Taxes', 'We shall meet the challenges of a new century together.'];

const available = existsSync(PYTHON);
if (!available) console.log(`interop tests skipped: no Python peer venv at ${PYTHON} (run tools/python/setup-venv.sh)`);

interface PeerResult {
  st_max_seq_length: number;
  st_modules: string[];
  st_ids: number[][];
  st_embeddings: number[][];
  peft_targets: string[];
  peft_embeddings: number[][];
  hf_class: string;
  hf_embeddings: number[][];
  saved: Record<string, { files: string[]; embeddings: number[][] }>;
  peft_saved: { files: string[]; embeddings: number[][] };
}

const work = mkdtempSync(join(tmpdir(), 'repurpose-interop-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const dir = (name: string) => join(work, name);

let ids: number[][] = [];
let batch: { ids: number[][]; mask: number[][] } = { ids: [], mask: [] };
let ours: { trained: number[][]; st: number[][] } = { trained: [], st: [] };
let peer: PeerResult;

/** Mean-pooled embeddings of the padded batch on the reference backend (f32). */
async function embedBatch(arch: ModelArchitecture, params: ParameterMap): Promise<number[][]> {
  const B = batch.ids.length;
  const T = batch.ids[0]!.length;
  const built = buildEmbeddingGraph(arch, { B, T });
  const exe = await referenceBackend().compile(built.graph);
  const out = await exe.run({ [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], batch.ids.flat()), [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], batch.mask.flat()), ...parameterFeeds(built.graph, params) });
  exe.dispose();
  const e = out[EMBEDDING_OUTPUTS.embedding]!;
  const C = e.shape[1]!;
  return Array.from({ length: B }, (_, r) => Array.from(e.data.subarray(r * C, (r + 1) * C)));
}

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
const relDiff = (a: number[][], b: number[][]) => Math.max(...a.flat().map((x, i) => Math.abs(x - b.flat()[i]!))) / Math.max(...b.flat().map(Math.abs));

beforeAll(async () => {
  if (!available) return;
  mkdirSync(dir('base'));
  mkdirSync(dir('saved'));
  const arch = architectureFromConfig(CONFIG, 'tiny-neox');
  const params = randomGptNeoXParameters(arch, { seed: 11 });
  writeFileSync(join(dir('base'), 'config.json'), JSON.stringify(CONFIG));
  writeFileSync(join(dir('base'), 'model.safetensors'), writeSafetensors(new Map([...params].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])), { format: 'pt' }));
  for (const f of readdirSync(TOKENIZER)) copyFileSync(join(TOKENIZER, f), join(dir('base'), f));
  const run = await train({ backend: referenceBackend(), architecture: arch, method: { kind: 'lora', rank: 4, alpha: 8 }, parameters: params, data: syntheticPairs({ vocabSize: VOCAB, topics: 8 }), batch: { B: 4, Tq: 6, Tp: 8 }, steps: 2, peakLearningRate: 5e-2, warmupFraction: 0 });
  await writeTrainerCheckpointFile(dir('lora.safetensors'), run.checkpoint);
  for (const format of ['hf', 'sentence-transformers', 'peft'] as const) {
    await exportModelDir({ format, model: dir('base'), checkpoint: dir('lora.safetensors'), out: dir(format), card: { baseModel: 'tiny-neox' } });
  }
  const tokenizer = await loadTokenizerDir(dir('sentence-transformers'), { maxTokens: 75 });
  ids = TEXTS.map((t) => tokenizer.encode(t));
  const padded = tokenizer.encodeBatch(TEXTS);
  batch = { ids: padded.ids.map((r) => [...r]), mask: padded.attentionMask.map((r) => [...r]) };
  const hf = await loadCheckpointDir(dir('hf'));
  ours = { trained: await embedBatch(hf.architecture, hf.parameters), st: [] };
  writeFileSync(dir('request.json'), JSON.stringify({ texts: TEXTS, ids: batch.ids, mask: batch.mask, st_dir: dir('sentence-transformers'), peft_dir: dir('peft'), base_dir: dir('base'), hf_dir: dir('hf'), save_dir: dir('saved'), vocab_size: VOCAB }));
  const py = spawnSync(PYTHON, [join(import.meta.dirname, 'check_interop.py'), dir('request.json'), dir('result.json')], { encoding: 'utf8', env: { ...process.env, TRANSFORMERS_OFFLINE: '1', HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' } });
  if (py.status !== 0) throw new Error(`check_interop.py failed (${py.status}):\n${py.stderr.slice(-3000)}`);
  peer = JSON.parse(readFileSync(dir('result.json'), 'utf8')) as PeerResult;
}, 180_000);

describe.skipIf(!available)('interop with transformers, sentence-transformers and PEFT', () => {
  it('sentence-transformers loads our export with no code, tokenizes as we do, and embeds as we do (cosine ≥ 0.9999)', () => {
    expect(peer.st_modules).toEqual(['Transformer', 'Pooling']);
    expect(peer.st_max_seq_length).toBe(75);
    expect(peer.st_ids).toEqual(ids);
    const cosines = peer.st_embeddings.map((e, i) => cosine(e, ours.trained[i]!));
    console.log(`sentence-transformers vs ours: cosines ${cosines.map((c) => c.toFixed(8)).join(', ')}, max relative difference ${relDiff(peer.st_embeddings, ours.trained).toExponential(2)}`);
    for (const c of cosines) expect(c).toBeGreaterThanOrEqual(0.9999);
    expect(relDiff(peer.st_embeddings, ours.trained)).toBeLessThan(1e-4);
  });

  it('PEFT loads our adapter onto GPTNeoXModel (targets and embed_in) and its outputs equal ours', () => {
    expect(peer.peft_targets).toEqual(['dense', 'dense_4h_to_h', 'dense_h_to_4h', 'embed_in', 'query_key_value']);
    const d = relDiff(peer.peft_embeddings, ours.trained);
    console.log(`PEFT (unmerged, torch) vs ours (merged export): max relative difference ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });

  it('transformers’ AutoModel loads our hf export and embeds as we do', () => {
    expect(peer.hf_class).toBe('GPTNeoXModel');
    const d = relDiff(peer.hf_embeddings, ours.trained);
    console.log(`transformers on our hf export vs ours: ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });

  it('models saved by transformers (f32; causal-LM bf16 in shards; f16) load into our engine and embed as transformers does', async () => {
    const sharded = peer.saved['neox-causal-bf16-sharded']!;
    expect(sharded.files).toContain('model.safetensors.index.json');
    expect(sharded.files.filter((f) => /^model-\d+-of-\d+\.safetensors$/.test(f)).length).toBeGreaterThan(1);
    for (const [name, saved] of Object.entries(peer.saved)) {
      const loaded = await loadCheckpointDir(join(dir('saved'), name));
      const d = relDiff(await embedBatch(loaded.architecture, loaded.parameters), saved.embeddings);
      console.log(`${name}: our engine vs transformers ${d.toExponential(2)} (${loaded.defaulted.length} config keys defaulted)`);
      expect(d).toBeLessThan(1e-5);
    }
  });

  it('an adapter PEFT saved loads into our engine (merged, and unmerged as our LoRA) and embeds as PEFT does', async () => {
    expect(peer.peft_saved.files).toEqual(expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']));
    const base = await loadCheckpointDir(join(dir('saved'), 'neox-f32'));
    const adapter = await loadAdapterDir(join(dir('saved'), 'peft-adapter'), base);
    expect([adapter.rank, adapter.alpha, adapter.modules.length]).toEqual([4, 8, 1 + 4 * 2]);
    const merged = relDiff(await embedBatch(base.architecture, mergePeftAdapter(base.parameters, adapter)), peer.peft_saved.embeddings);
    const asLora = peftAdapterMethod(adapter, base.architecture)!;
    const B = batch.ids.length;
    const T = batch.ids[0]!.length;
    const built = buildEmbeddingGraph(base.architecture, { B, T }, { method: asLora.method, loraEmbedIn: asLora.loraEmbedIn });
    const exe = await referenceBackend().compile(built.graph);
    const out = await exe.run({ [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], batch.ids.flat()), [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], batch.mask.flat()), ...parameterFeeds(built.graph, base.parameters, asLora.adapters) });
    exe.dispose();
    const e = out[EMBEDDING_OUTPUTS.embedding]!;
    const unmerged = relDiff(Array.from({ length: B }, (_, r) => Array.from(e.data.subarray(r * 32, (r + 1) * 32))), peer.peft_saved.embeddings);
    const untouched = relDiff(await embedBatch(base.architecture, base.parameters), peer.peft_saved.embeddings);
    console.log(`PEFT-saved adapter in our engine vs PEFT: merged ${merged.toExponential(2)}, unmerged ${unmerged.toExponential(2)} (without the adapter ${untouched.toExponential(2)})`);
    expect(untouched).toBeGreaterThan(1e-2);
    expect(merged).toBeLessThan(1e-5);
    expect(unmerged).toBeLessThan(1e-5);
  });

  it('an exported hf folder reloads into our engine with identical embeddings', async () => {
    await exportModelDir({ format: 'hf', model: dir('hf'), out: dir('hf-again') });
    const again = await loadCheckpointDir(dir('hf-again'));
    expect(relDiff(await embedBatch(again.architecture, again.parameters), ours.trained)).toBe(0);
  });
});
