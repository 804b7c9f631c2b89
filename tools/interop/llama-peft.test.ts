/**
 * Llama-family interop with the real libraries (llama_peft.py, the venv of tools/python/setup-venv.sh):
 * a Llama (GQA, untied, f32) and a Qwen2 (GQA, tied, q/k/v biases, bf16 in shards) folder saved by
 * transformers' save_pretrained, and a LoRA adapter on PEFT's seven projections saved by PEFT itself,
 * load into our engine (loadCheckpointDir, loadAdapterDir + mergePeftAdapter) and give the
 * mean-pooled embeddings transformers and PEFT give. Skips with the reason where the venv is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelArchitecture } from '../../packages/core/src/catalog/architecture.js';
import { hostTensor } from '../../packages/core/src/engine/host-tensor.js';
import { EMBEDDING_INPUTS, EMBEDDING_OUTPUTS, buildEmbeddingGraph } from '../../packages/core/src/model/embedding-graph.js';
import { loadAdapterDir, loadCheckpointDir } from '../../packages/core/src/model/checkpoint-file.js';
import { type ParameterMap, parameterFeeds } from '../../packages/core/src/model/parameter-map.js';
import { referenceBackend } from '../../packages/core/src/reference/backend.js';
import { mergePeftAdapter } from '../../packages/core/src/ship/peft-adapter.js';

const PYTHON = join(import.meta.dirname, '../../.tmp/venv/bin/python');
const available = existsSync(PYTHON);
if (!available) console.log(`Llama-family interop skipped: no Python peer venv at ${PYTHON} (run tools/python/setup-venv.sh)`);
const VOCAB = 37;
const IDS = [[5, 9, 2, 31, 7, 7], [3, 14, 15, 0, 0, 0]];
const MASK = [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]];
const work = mkdtempSync(join(tmpdir(), 'repurpose-llama-interop-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Peer = Record<string, { files: string[]; adapter_files: string[]; base: number[][]; adapted: number[][] }>;
let peer: Peer = {};

async function embed(arch: ModelArchitecture, params: ParameterMap): Promise<number[][]> {
  const [B, T] = [IDS.length, IDS[0]!.length];
  const built = buildEmbeddingGraph(arch, { B, T });
  const exe = await referenceBackend().compile(built.graph);
  const out = await exe.run({ [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], IDS.flat()), [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], MASK.flat()), ...parameterFeeds(built.graph, params) });
  const e = out[EMBEDDING_OUTPUTS.embedding]!;
  const C = e.shape[1]!;
  return Array.from({ length: B }, (_, r) => Array.from(e.data.subarray(r * C, (r + 1) * C)));
}
const relDiff = (a: number[][], b: number[][]) => Math.max(...a.flat().map((x, i) => Math.abs(x - b.flat()[i]!))) / Math.max(...b.flat().map(Math.abs));

beforeAll(() => {
  if (!available) return;
  writeFileSync(join(work, 'request.json'), JSON.stringify({ ids: IDS, mask: MASK, out_dir: work, vocab_size: VOCAB }));
  const py = spawnSync(PYTHON, [join(import.meta.dirname, 'llama_peft.py'), join(work, 'request.json'), join(work, 'result.json')], { encoding: 'utf8', env: { ...process.env, TRANSFORMERS_OFFLINE: '1', HF_HUB_OFFLINE: '1' } });
  if (py.status !== 0) throw new Error(`llama_peft.py failed (${py.status}):\n${py.stderr.slice(-3000)}`);
  peer = JSON.parse(readFileSync(join(work, 'result.json'), 'utf8')) as Peer;
}, 180_000);

describe.skipIf(!available)('Llama-family folders and PEFT adapters saved by transformers and PEFT', () => {
  for (const name of ['llama-f32', 'qwen2-bf16-sharded']) {
    it(`${name}: the folder and its PEFT adapter embed in our engine as in transformers + PEFT`, async () => {
      const result = peer[name]!;
      if (name.includes('sharded')) expect(result.files).toContain('model.safetensors.index.json');
      expect(result.adapter_files).toEqual(expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']));
      const base = await loadCheckpointDir(join(work, name));
      expect(base.architecture.kind).toBe('llama');
      const plain = relDiff(await embed(base.architecture, base.parameters), result.base);
      const adapter = await loadAdapterDir(join(work, `${name}-adapter`), base);
      const adapted = relDiff(await embed(base.architecture, mergePeftAdapter(base.parameters, adapter)), result.adapted);
      const untouched = relDiff(await embed(base.architecture, base.parameters), result.adapted);
      console.log(`${name}: base ${plain.toExponential(2)}, PEFT adapter merged ${adapted.toExponential(2)} (vs the base alone ${untouched.toExponential(2)})`);
      expect(plain).toBeLessThan(1e-5);
      expect(adapted).toBeLessThan(1e-5);
      expect(untouched).toBeGreaterThan(1e-3);
    });
  }
});
