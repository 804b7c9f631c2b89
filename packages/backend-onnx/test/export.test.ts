/**
 * exportOnnxModel: the folder transformers.js loads offline. A small random GPT-NeoX (tiny-bpe's 1,027
 * token ids) is exported with core's tiny BPE tokenizer, then:
 *   - @huggingface/transformers (4.3.2, offline: allowRemoteModels = false, a local path) loads it with
 *     pipeline('feature-extraction') and AutoModel; its mean pooling + normalize equals our embedder's
 *     (cosine ≥ 0.99999) on texts of different lengths in one padded batch;
 *   - the python `onnx` checker with full_check passes, and onnxruntime-python's output equals ours
 *     (both skipped with a printed reason when .tmp/venv is absent);
 *   - any batch and length run (dynamic axes), a sequential-residual, full-rotary model too;
 *   - a LoRA run is merged: the export equals the unmerged adapters through our embedder;
 *   - bad options and a model over 2 GiB are refused by name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { architectureFromConfig, type ModelArchitecture } from '@repurpose/core';
import { hostTensor, initAdapters, methodPlan, randomGptNeoXParameters, type HostTensor } from '@repurpose/core/engine';
import { createEmbedder } from '../src/embed.js';
import { exportOnnxModel } from '../src/export/export-onnx-model.js';
import { buildExportFiles } from '../src/export/export-files.js';
import { ORT, testBackend } from '../src/test-ort.test-helper.js';

const ROOT = join(import.meta.dirname, '../../..');
const TOKENIZER_DIR = join(ROOT, 'packages/core/test/fixtures/text/tiny-bpe');
const PYTHON = join(ROOT, '.tmp/venv/bin/python');
const dir = mkdtempSync(join(tmpdir(), 'repurpose-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = { num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 64, vocab_size: 1027, max_position_embeddings: 64, rotary_pct: 0.25 };
const arch = architectureFromConfig(CONFIG, 'tiny-export');
const parameters = randomGptNeoXParameters(arch, { seed: 7, dtype: 'f32', std: 0.1 });
const TEXTS = ['a tiny model', 'exported for transformers.js, loaded offline', 'x', 'the same numbers in two runtimes, one of them written by us'];

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) (ab += a[i]! * b[i]!), (aa += a[i]! * a[i]!), (bb += b[i]! * b[i]!);
  return ab / Math.sqrt(aa * bb);
}

function meanPool(hidden: ArrayLike<number>, mask: ArrayLike<number | bigint>, B: number, T: number, C: number): Float64Array[] {
  return Array.from({ length: B }, (_, r) => {
    const out = new Float64Array(C);
    let n = 0;
    for (let t = 0; t < T; t++) {
      if (Number(mask[r * T + t]) === 0) continue;
      n++;
      for (let c = 0; c < C; c++) out[c]! += Number(hidden[(r * T + t) * C + c]);
    }
    return out.map((x) => x / n);
  });
}

async function ourEmbeddings(a: ModelArchitecture, params: Map<string, HostTensor>, ids: number[][], extra: object = {}): Promise<Float32Array[]> {
  const embedder = await createEmbedder(testBackend(1), { architecture: a, parameters: params, ...extra });
  const out = await embedder.embed(ids);
  embedder.dispose();
  return out;
}

/** Token ids and mask of a padded batch as transformers.js' tokenizer makes them. */
function rows(ids: { data: BigInt64Array; dims: number[] }, mask: { data: BigInt64Array }): number[][] {
  const [B, T] = ids.dims as [number, number];
  return Array.from({ length: B }, (_, r) => Array.from({ length: T }, (_, t) => t).filter((t) => mask.data[r * T + t] === 1n).map((t) => Number(ids.data[r * T + t])));
}

describe('exportOnnxModel', () => {
  const modelDir = join(dir, 'tiny-export');
  const exported = exportOnnxModel(modelDir, { architecture: arch, parameters, tokenizerDir: TOKENIZER_DIR });

  it('writes config.json, the tokenizer files and onnx/model.onnx, atomically (no temporaries left)', async () => {
    const result = await exported;
    expect(result.files).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
    expect(readdirSync(modelDir).sort()).toEqual(['config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
    expect(readdirSync(join(modelDir, 'onnx'))).toEqual(['model.onnx']);
    const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ architectures: ['GPTNeoXModel'], model_type: 'gpt_neox', vocab_size: 1027, hidden_size: 32, rotary_pct: 0.25 });
    expect(architectureFromConfig(config, 'again')).toMatchObject({ ...arch, name: 'again' });
    expect(readFileSync(join(modelDir, 'tokenizer.json'))).toEqual(readFileSync(join(TOKENIZER_DIR, 'tokenizer.json')));
  });

  it('transformers.js loads it offline (pipeline and AutoModel) and its mean-pooled, normalised embeddings equal ours (cosine ≥ 0.99999)', async () => {
    await exported;
    const { env, pipeline, AutoModel, AutoTokenizer } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dir;
    env.useBrowserCache = false;
    const extractor = await pipeline('feature-extraction', 'tiny-export', { dtype: 'fp32' });
    const theirs = await extractor(TEXTS, { pooling: 'mean', normalize: true });
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-export');
    const inputs = tokenizer(TEXTS, { padding: true });
    const ids = rows(inputs.input_ids as never, inputs.attention_mask as never);
    expect(new Set(ids.map((r) => r.length)).size).toBeGreaterThan(2); // really mixed lengths, really padded
    const ours = await ourEmbeddings(arch, parameters, ids, { normalize: true });
    const C = arch.hiddenSize;
    const worst = Math.min(...ours.map((o, r) => cosine(o, (theirs.data as Float32Array).subarray(r * C, (r + 1) * C))));
    // A different model must not pass: the check can fail.
    const other = await ourEmbeddings(arch, randomGptNeoXParameters(arch, { seed: 8, dtype: 'f32', std: 0.1 }), ids, { normalize: true });
    const unrelated = Math.min(...other.map((o, r) => cosine(o, (theirs.data as Float32Array).subarray(r * C, (r + 1) * C))));
    console.log(`transformers.js pipeline vs ours: 1 − worst cosine ${(1 - worst).toExponential(1)} (a different random model: ${unrelated.toFixed(4)})`);
    expect(worst).toBeGreaterThanOrEqual(0.99999);
    expect(unrelated).toBeLessThan(0.999);

    const model = await AutoModel.from_pretrained('tiny-export', { dtype: 'fp32' });
    const { last_hidden_state: h } = (await model(inputs)) as { last_hidden_state: { data: Float32Array; dims: number[] } };
    const [B, T] = h.dims as [number, number];
    const pooled = meanPool(h.data, (inputs.attention_mask as unknown as { data: BigInt64Array }).data, B, T, C);
    const plain = await ourEmbeddings(arch, parameters, ids);
    const worstAuto = Math.min(...plain.map((o, r) => cosine(o, pooled[r]!)));
    console.log(`transformers.js AutoModel last_hidden_state, mean-pooled, vs ours: 1 − worst cosine ${(1 - worstAuto).toExponential(1)}`);
    expect(worstAuto).toBeGreaterThanOrEqual(0.99999);
    await extractor.dispose();
    await model.dispose();
  });

  it('runs any batch and length on onnxruntime-node (dynamic axes), also sequential residual with full rotary', async () => {
    const seqArch = architectureFromConfig({ ...CONFIG, vocab_size: 50, use_parallel_residual: false, rotary_pct: 1, num_hidden_layers: 1 }, 'sequential');
    const seqParams = randomGptNeoXParameters(seqArch, { seed: 3, dtype: 'f32', std: 0.1 });
    for (const [a, p, bytes] of [[arch, parameters, readFileSync(join(modelDir, 'onnx/model.onnx'))], [seqArch, seqParams, buildExportFiles({ architecture: seqArch, parameters: seqParams }).get('onnx/model.onnx')!]] as const) {
      const session = await ORT.InferenceSession.create(new Uint8Array(bytes));
      expect([...session.inputNames]).toEqual(['input_ids', 'attention_mask']);
      expect([...session.outputNames]).toEqual(['last_hidden_state']);
      for (const [B, T] of [[1, 1], [3, 5], [2, 17]] as const) {
        const ids = Array.from({ length: B }, (_, r) => Array.from({ length: T - r }, (_, t) => (7 * r + 3 * t + 1) % 50));
        const flat = new BigInt64Array(B * T);
        const mask = new BigInt64Array(B * T);
        ids.forEach((s, r) => s.forEach((id, t) => ((flat[r * T + t] = BigInt(id)), (mask[r * T + t] = 1n))));
        const out = await session.run({ input_ids: new ORT.Tensor('int64', flat, [B, T]), attention_mask: new ORT.Tensor('int64', mask, [B, T]) });
        const h = out.last_hidden_state!;
        expect(h.dims).toEqual([B, T, a.hiddenSize]);
        const pooled = meanPool(h.data as Float32Array, mask, B, T, a.hiddenSize);
        const ours = await ourEmbeddings(a, p, ids);
        for (let r = 0; r < B; r++) expect(cosine(ours[r]!, pooled[r]!), `${a.name} B ${B} T ${T} row ${r}`).toBeGreaterThanOrEqual(0.999999);
      }
      await session.release();
    }
  });

  it('merges LoRA: the export of a LoRA run equals the unmerged adapters through our embedder', async () => {
    const method = { kind: 'lora', rank: 4, alpha: 8 } as const;
    const plan = methodPlan(arch, method);
    // B is zero at init; give it values so the merge matters.
    const adapters = new Map([...initAdapters(plan, { seed: 5 })].map(([n, t]) => [n, hostTensor('f32', t.shape, Array.from(t.data, (x, i) => (x === 0 ? Math.sin(i) * 0.05 : x)))]));
    const bytes = buildExportFiles({ architecture: arch, parameters, adapters, method }).get('onnx/model.onnx')!;
    const session = await ORT.InferenceSession.create(bytes);
    const ids = [[5, 9, 3, 7, 1, 2], [4, 4, 8]];
    const T = 6;
    const flat = new BigInt64Array(2 * T);
    const mask = new BigInt64Array(2 * T);
    ids.forEach((s, r) => s.forEach((id, t) => ((flat[r * T + t] = BigInt(id)), (mask[r * T + t] = 1n))));
    const out = await session.run({ input_ids: new ORT.Tensor('int64', flat, [2, T]), attention_mask: new ORT.Tensor('int64', mask, [2, T]) });
    const pooled = meanPool(out.last_hidden_state!.data as Float32Array, mask, 2, T, arch.hiddenSize);
    const viaAdapters = await ourEmbeddings(arch, parameters, ids, { adapters, method });
    const base = await ourEmbeddings(arch, parameters, ids);
    for (let r = 0; r < 2; r++) {
      expect(cosine(viaAdapters[r]!, pooled[r]!)).toBeGreaterThanOrEqual(0.999999);
      expect(cosine(base[r]!, pooled[r]!)).toBeLessThan(0.9999); // the adapters really changed the model
    }
    await session.release();
  });

  it('passes the python onnx checker (full_check) and onnxruntime-python gives our numbers', async (ctx) => {
    await exported;
    if (!existsSync(PYTHON)) {
      console.log(`skipped: ${PYTHON} is absent (tools/python/setup-venv.sh makes it)`);
      ctx.skip();
    }
    const ids = [[5, 9, 3, 7, 1, 2, 11], [4, 4, 8]];
    const script = [
      'import json, sys, numpy as np, onnx, onnxruntime as ort',
      'path, ids = sys.argv[1], json.loads(sys.argv[2])',
      'onnx.checker.check_model(path, full_check=True)',
      'T = max(len(r) for r in ids)',
      'x = np.zeros((len(ids), T), np.int64); m = np.zeros((len(ids), T), np.int64)',
      'for i, r in enumerate(ids): x[i, :len(r)] = r; m[i, :len(r)] = 1',
      "h = ort.InferenceSession(path, providers=['CPUExecutionProvider']).run(['last_hidden_state'], {'input_ids': x, 'attention_mask': m})[0]",
      'e = (h * m[:, :, None]).sum(1) / m.sum(1, keepdims=True)',
      "print(json.dumps({'checker': 'ok', 'onnx': onnx.__version__, 'ort': ort.__version__, 'embeddings': e.tolist()}))",
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, join(modelDir, 'onnx/model.onnx'), JSON.stringify(ids)], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { checker: string; onnx: string; ort: string; embeddings: number[][] };
    expect(got.checker).toBe('ok');
    const ours = await ourEmbeddings(arch, parameters, ids);
    const worst = Math.min(...ours.map((o, i) => cosine(o, got.embeddings[i]!)));
    console.log(`onnx ${got.onnx} checker (full_check) passed; onnxruntime-python ${got.ort} vs ours: 1 − worst cosine ${(1 - worst).toExponential(1)}`);
    expect(worst).toBeGreaterThanOrEqual(0.999999);
  });

  it('refuses bad options by name, and a model whose weights exceed one protobuf (2 GiB)', async () => {
    const big = architectureFromConfig({ num_hidden_layers: 24, hidden_size: 2048, num_attention_heads: 16, intermediate_size: 8192, vocab_size: 50304, max_position_embeddings: 2048 }, 'pythia-1.4b-shape');
    expect(() => buildExportFiles({ architecture: big, parameters: new Map() })).toThrow(/invalid architecture: expected a model whose f32 weights fit one ONNX protobuf \(under 1\.94 GiB\); ONNX external data is not written yet, got "pythia-1\.4b-shape: \d\.\d\d GiB of f32 weights"/);
    expect(() => buildExportFiles({ architecture: arch, parameters: new Map([...parameters].slice(1)) })).toThrow(/invalid parameters\.embed_in\.weight: expected a tensor of shape \[1027, 32\]/);
    expect(() => buildExportFiles({ architecture: arch, parameters, tokenizer: { '../evil.json': '{}' } as never })).toThrow(/invalid options\.tokenizer\.\.\.\/evil\.json: expected a tokenizer file name/);
    expect(() => buildExportFiles({ architecture: arch, parameters, colour: 'red' } as never)).toThrow(/invalid options: expected no key "colour"/);
    expect(() => buildExportFiles({ architecture: arch, parameters: new Map([...parameters, ['layers.0.attention.dense.lora_A.weight', parameters.get('final_layer_norm.bias')!]]) })).toThrow(/merge LoRA adapters first/);
    await expect(exportOnnxModel(join(dir, 'no-tokenizer'), { architecture: arch, parameters, tokenizerDir: join(dir, 'nowhere') })).rejects.toThrow(/options\.tokenizerDir: expected a readable folder with tokenizer\.json \(ENOENT\)/);
    // Under /proc Node's recursive mkdir never returns; this must fail at once, naming the folder.
    await expect(exportOnnxModel('/proc/repurpose-export', { architecture: arch, parameters })).rejects.toThrow(/invalid dir: expected a folder that can be created \(ENOENT\), got "\/proc\/repurpose-export"/);
  });
});
