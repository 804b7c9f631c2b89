/**
 * `repurpose export` and `repurpose embed` on a tiny GPT-NeoX folder with a real BPE tokenizer
 * (packages/core/test/fixtures/text/tiny-bpe) and a real two-step LoRA run: the hf, sentence-
 * transformers and peft folders embed text equally (merged vs adapter, f32 round-off), JSONL and
 * --normalize, the onnx (transformers.js) folder run on onnxruntime-node equal to the hf folder, and
 * the one-line refusals (onnx with --dtype f16, a full --out, peft of a bias run,
 * a folder without a tokenizer). Calls the command functions directly.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { architectureFromConfig } from '@repurpose/core';
import { randomGptNeoXParameters, syntheticPairs, train, writeSafetensors } from '@repurpose/core/engine';
import { loadTokenizerDir, writeTrainerCheckpointFile } from '@repurpose/core/node';
import * as ort from 'onnxruntime-node';
import { referenceBackend } from '@repurpose/core/reference';
import { embed } from '../src/commands/embed.js';
import { exportCommand } from '../src/commands/export.js';
import { main } from '../src/main.js';

const TOKENIZER = join(import.meta.dirname, '../../core/test/fixtures/text/tiny-bpe');
const CONFIG = { architectures: ['GPTNeoXModel'], model_type: 'gpt_neox', vocab_size: 1040, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, hidden_act: 'gelu', rotary_pct: 0.25, rotary_emb_base: 10000, max_position_embeddings: 128, layer_norm_eps: 1e-5, use_parallel_residual: true, attention_bias: true, tie_word_embeddings: false };
const TEXTS = ['The president spoke to the nation.', 'A short one', 'Taxes and the economy of the union'];
const root = mkdtempSync(join(tmpdir(), 'repurpose-export-cli-'));
const base = join(root, 'base');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function command(fn: (argv: string[], out: (t: string) => void) => Promise<number>, ...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  expect(await fn(argv, (t) => lines.push(t))).toBe(0);
  return lines;
}
const vectors = async (...argv: string[]) => (JSON.parse((await command(embed, ...argv, '--backend', 'reference', '--json', ...TEXTS))[0]!) as { embeddings: number[][] }).embeddings;
const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flat().map((x, i) => Math.abs(x - b.flat()[i]!))) / Math.max(...a.flat().map(Math.abs));

async function failure(argv: string[]): Promise<string> {
  const err: string[] = [];
  const code = await main(argv, { out: () => {}, err: (t) => err.push(t) });
  expect(code).not.toBe(0);
  return err.join('\n');
}

let lora = '';
let bias = '';
beforeAll(async () => {
  mkdirSync(base);
  const arch = architectureFromConfig(CONFIG, 'tiny');
  const params = randomGptNeoXParameters(arch, { seed: 4 });
  writeFileSync(join(base, 'config.json'), JSON.stringify(CONFIG));
  writeFileSync(join(base, 'model.safetensors'), writeSafetensors(new Map([...params].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }]))));
  for (const f of readdirSync(TOKENIZER)) copyFileSync(join(TOKENIZER, f), join(base, f));
  const run = async (method: Parameters<typeof train>[0]['method'], path: string) => {
    const r = await train({ backend: referenceBackend(), architecture: arch, method, parameters: params, data: syntheticPairs({ vocabSize: 1040, topics: 8 }), batch: { B: 4, Tq: 6, Tp: 8 }, steps: 2, peakLearningRate: 5e-2, warmupFraction: 0 });
    await writeTrainerCheckpointFile(path, r.checkpoint);
    return path;
  };
  lora = await run({ kind: 'lora', rank: 4, alpha: 8 }, join(root, 'lora.safetensors'));
  bias = await run({ kind: 'bias' }, join(root, 'bias.safetensors'));
});

describe('repurpose export + embed', () => {
  it('hf, sentence-transformers and peft folders of one LoRA run embed text equally', async () => {
    const [hfLine] = await command(exportCommand, '--format', 'hf', '--model', base, '--checkpoint', lora, '--out', join(root, 'hf'), '--json');
    expect(JSON.parse(hfLine!).files).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md']);
    await command(exportCommand, '--format', 'sentence-transformers', '--model', base, '--checkpoint', lora, '--out', join(root, 'st'));
    await command(exportCommand, '--format', 'peft', '--model', base, '--checkpoint', lora, '--out', join(root, 'peft'), '--base-name', 'tiny-base');
    expect(readdirSync(join(root, 'peft')).sort()).toEqual(['README.md', 'adapter_config.json', 'adapter_model.safetensors']);
    const hf = await vectors('--model', join(root, 'hf'));
    const st = await vectors('--model', join(root, 'st'));
    const peft = await vectors('--model', base, '--adapter', join(root, 'peft'));
    const untrained = await vectors('--model', base);
    console.log(`embed: hf vs peft ${maxDiff(hf, peft).toExponential(2)}, hf vs st ${maxDiff(hf, st)}, trained vs base ${maxDiff(hf, untrained).toExponential(2)}`);
    expect(hf).toHaveLength(3);
    expect(hf[0]).toHaveLength(32);
    expect(maxDiff(hf, st)).toBe(0);
    expect(maxDiff(hf, peft)).toBeLessThan(1e-5);
    expect(maxDiff(hf, untrained)).toBeGreaterThan(1e-3);
  });

  it('the onnx folder (transformers.js layout, LoRA merged) embeds like the hf folder on onnxruntime-node', async () => {
    const [line] = await command(exportCommand, '--format', 'onnx', '--model', base, '--checkpoint', lora, '--out', join(root, 'onnx'), '--json');
    expect(JSON.parse(line!).files).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'README.md']);
    expect(readFileSync(join(root, 'onnx/README.md'), 'utf8')).toContain('library_name: transformers.js');
    const tokenizer = await loadTokenizerDir(join(root, 'onnx'));
    const batch = tokenizer.encodeBatch(TEXTS);
    const [ids, mask] = [batch.ids.flat(), batch.attentionMask.flat()];
    const [B, T] = [TEXTS.length, batch.ids[0]!.length];
    const session = await ort.InferenceSession.create(join(root, 'onnx/onnx/model.onnx'));
    const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [B, T]), attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask, BigInt), [B, T]) };
    const hidden = (await session.run(feeds)).last_hidden_state!.data as Float32Array;
    const C = hidden.length / (B * T);
    const pooled = TEXTS.map((_, b) => {
      const sum = new Array<number>(C).fill(0);
      let n = 0;
      for (let t = 0; t < T; t++) if (mask[b * T + t]) (n++, sum.forEach((_, c) => (sum[c]! += hidden[(b * T + t) * C + c]!)));
      return sum.map((x) => x / n);
    });
    const hf = await vectors('--model', join(root, 'hf'));
    console.log(`onnx export vs hf export: ${maxDiff(pooled, hf).toExponential(2)}`);
    expect(maxDiff(pooled, hf)).toBeLessThan(1e-5);
  });

  it('writes JSONL with --out and unit vectors with --normalize', async () => {
    const path = join(root, 'vectors.jsonl');
    const [line] = await command(embed, '--model', base, '--normalize', '--backend', 'reference', '--out', path, ...TEXTS);
    expect(line).toContain('wrote 3 embeddings');
    const rows = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; embedding: number[] });
    expect(rows.map((r) => r.text)).toEqual(TEXTS);
    for (const r of rows) expect(Math.abs(Math.hypot(...r.embedding) - 1)).toBeLessThan(1e-5);
  });

  it('refuses, in one line: onnx in f16, a full --out, peft of a bias run, a folder without a tokenizer', async () => {
    expect(await failure(['export', '--format', 'onnx', '--dtype', 'f16', '--model', base, '--checkpoint', lora, '--out', join(root, 'onnx-f16')])).toMatch(/--dtype f16: the onnx export writes f32 weights/);
    expect(await failure(['export', '--format', 'hf', '--model', base, '--out', join(root, 'hf')])).toMatch(/--out: .* is not empty; pass --overwrite/);
    expect(await failure(['export', '--format', 'hf', '--model', base, '--out', base])).toMatch(/--out: .* is the model folder/);
    expect(await failure(['export', '--format', 'peft', '--model', base, '--checkpoint', bias, '--out', join(root, 'peft-bias')])).toMatch(/--checkpoint: .*LoRA run/);
    expect(await failure(['export', '--format', 'hf', '--model', base, '--checkpoint', join(base, 'model.safetensors'), '--out', join(root, 'x')])).toMatch(/--checkpoint ".*model\.safetensors": .*repurpose trainer/);
    expect(await failure(['export', '--format', 'parquet', '--model', base, '--out', join(root, 'x')])).toMatch(/--format: expected one of hf, sentence-transformers, peft, onnx/);
    const noTokenizer = join(root, 'no-tokenizer');
    mkdirSync(noTokenizer);
    copyFileSync(join(base, 'config.json'), join(noTokenizer, 'config.json'));
    expect(await failure(['embed', '--model', noTokenizer, 'hello'])).toMatch(/cannot read .*tokenizer\.json" \(no such file\)/);
    expect(await failure(['embed', '--model', base])).toMatch(/at least one text/);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
