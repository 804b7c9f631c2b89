/**
 * The demo's committed model and data (examples/nano-neox, made by tools/demo/build_data.py and
 * tools/demo/pretrain.mjs) are what they claim: the model folder loads through the library's HF
 * loader, its weights are small and finite, the tokenizer pads with EOS, the pair files parse with no
 * bad line, and no held-out pair (query or positive) occurs in the training pairs.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCheckpointDir, loadTokenizerDir, readPairFilePath } from '../../packages/core/src/node.js';

const DIR = fileURLToPath(new URL('../../examples/nano-neox/', import.meta.url));

describe('examples/nano-neox', () => {
  it('loads as a GPT-NeoX folder with ≤ 10 MB of finite weights', async () => {
    expect(statSync(`${DIR}model/model.safetensors`).size).toBeLessThanOrEqual(10 * 2 ** 20);
    const model = await loadCheckpointDir(`${DIR}model`);
    expect(model.architecture).toMatchObject({ numLayers: 4, hiddenSize: 128, vocabSize: 4096 });
    for (const [name, t] of model.parameters) expect(t.data.every(Number.isFinite), name).toBe(true);
  });

  it('has a byte-level BPE tokenizer with pad = EOS = id 0 and no BOS/EOS added', async () => {
    const tokenizer = await loadTokenizerDir(`${DIR}model`);
    expect(tokenizer.eosId).toBe(0);
    expect(tokenizer.padId).toBe(0);
    const ids = tokenizer.encode('breathe: draw air into, and expel out of, the lungs');
    expect(ids.length).toBeGreaterThan(3);
    expect(ids).not.toContain(0);
  });

  it('keeps the held-out pairs out of the training pairs', async () => {
    const train = await readPairFilePath(`${DIR}data/train.jsonl`);
    const heldout = await readPairFilePath(`${DIR}data/heldout.jsonl`);
    expect(train.pairs.length).toBeGreaterThanOrEqual(10_000);
    expect(heldout.pairs.length).toBeGreaterThanOrEqual(500);
    const seen = new Set(train.pairs.flatMap((p) => [p.query, p.positive]));
    const leaked = heldout.pairs.filter((p) => seen.has(p.query) || seen.has(p.positive));
    expect(leaked).toEqual([]);
    expect(new Set(heldout.pairs.map((p) => p.positive)).size).toBe(heldout.pairs.length);
  });
});
