/**
 * `repurpose embed-ids` on the golden fixture model directory (packages/core/test/fixtures/golden:
 * config.json + model.safetensors) against PyTorch's pooled embeddings (forward.safetensors), with
 * sequences of different lengths right-padded in one batch; a trainer checkpoint applied through
 * --method-checkpoint; and the one-line errors. Calls the command function directly (the lead
 * registers it in main.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { arrayPairSource, encodeTrainerCheckpoint, hostTensor, loadCheckpoint, mergeLora, methodPlan, readSafetensors, train, writeSafetensors, type TrainerState } from '@repurpose/core/engine';
import { writeTrainerCheckpointFile } from '@repurpose/core/node';
import { referenceBackend } from '@repurpose/core/reference';
import { embedIds } from '../src/commands/embed-ids.js';

const GOLDEN = join(import.meta.dirname, '../../core/test/fixtures/golden');
const manifest = JSON.parse(readFileSync(join(GOLDEN, 'manifest.json'), 'utf8')) as {
  batch: Record<'query' | 'positive', { input_ids: number[][]; attention_mask: number[][] }>;
};
const forward = readSafetensors(new Uint8Array(readFileSync(join(GOLDEN, 'forward.safetensors'))));
const dir = mkdtempSync(join(tmpdir(), 'repurpose-embed-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function embed(...argv: string[]): Promise<number[][]> {
  const lines: string[] = [];
  const code = await embedIds(argv, (t) => lines.push(t));
  expect(code).toBe(0);
  expect(lines).toHaveLength(1);
  return (JSON.parse(lines[0]!) as { embeddings: number[][] }).embeddings;
}

/** The unpadded id rows of one side of the golden batch. */
const unpadded = (side: 'query' | 'positive') => manifest.batch[side].input_ids.map((ids, r) => ids.filter((_, t) => manifest.batch[side].attention_mask[r]![t] === 1));

function scaledError(actual: number[][], expected: ArrayLike<number>): number {
  const flat = actual.flat();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(flat[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return flat.length === expected.length ? diff / scale : Number.POSITIVE_INFINITY;
}

describe('repurpose embed-ids', () => {
  for (const side of ['query', 'positive'] as const) {
    it(`${side} sequences (lengths ${unpadded(side).map((s) => s.length)}) match torch's mean-pooled embeddings`, async () => {
      const expected = forward.tensors.get(`${side}.embedding`)!.data;
      const ids = JSON.stringify(unpadded(side));
      const f64 = await embed('--model', GOLDEN, '--ids', ids, '--dtype', 'f64', '--json');
      const f32 = await embed('--model', GOLDEN, '--ids', ids, '--json', '--backend', 'reference');
      expect(f64).toHaveLength(4);
      expect(f64[0]).toHaveLength(32);
      console.log(`embed-ids ${side}: scaled error vs torch f64 ${scaledError(f64, expected).toExponential(2)}, f32 ${scaledError(f32, expected).toExponential(2)}`);
      expect(scaledError(f64, expected)).toBeLessThan(1e-9);
      expect(scaledError(f32, expected)).toBeLessThan(1e-5);
    });
  }

  it('padding never changes an embedding: a sequence alone equals it in a padded batch', async () => {
    const [alone] = await embed('--model', GOLDEN, '--ids', '[[97,32]]', '--dtype', 'f64', '--json');
    const [, inBatch] = await embed('--model', GOLDEN, '--ids', '[[5,6,7,8,9,10,11],[97,32]]', '--dtype', 'f64', '--json');
    expect(scaledError([inBatch!], alone!)).toBeLessThan(1e-12);
  });

  it('--method-checkpoint applies a trainer checkpoint (bias: final_layer_norm.bias + 1 shifts every embedding by exactly 1)', async () => {
    const base = readSafetensors(new Uint8Array(readFileSync(join(GOLDEN, 'model.safetensors'))));
    const trainable = [...base.tensors.keys()].filter((n) => n.endsWith('.bias'));
    const parameters = new Map(trainable.map((n) => {
      const t = base.tensors.get(n)!;
      const values = Float64Array.from(t.data as Float32Array);
      if (n === 'final_layer_norm.bias') for (let i = 0; i < values.length; i++) values[i]! += 1;
      return [n, hostTensor('f64', t.shape, values)];
    }));
    const moments = new Map([...parameters].flatMap(([n, t]) => [[`adamw.m.${n}`, hostTensor('f64', t.shape)], [`adamw.v.${n}`, hostTensor('f64', t.shape)]] as const));
    const state: TrainerState = {
      step: 1, epoch: 0, dataPosition: 4, pairs: 4, tokens: 40, flopUsed: 1, accounting: 'paper', steps: 10, peakLearningRate: 1e-3, warmupFraction: 0.1,
      optimizer: { weightDecay: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, method: { kind: 'bias' }, loraEmbedIn: true,
      batch: { B: 4, Tq: 6, Tp: 9 }, dtype: 'f64', computeDtype: 'f64', lossScale: null, seed: 0, pooling: 'mean', inverseTemperature: 40, padId: 0, partialBatch: 'run', trainable,
    };
    const path = join(dir, 'bias.safetensors');
    writeFileSync(path, encodeTrainerCheckpoint({ state, parameters, moments }));
    const ids = JSON.stringify(unpadded('query'));
    const plain = await embed('--model', GOLDEN, '--ids', ids, '--dtype', 'f64', '--json');
    const tuned = await embed('--model', GOLDEN, '--ids', ids, '--dtype', 'f64', '--json', '--method-checkpoint', path);
    const shifts = tuned.flat().map((x, i) => x - plain.flat()[i]!);
    expect(Math.max(...shifts.map((d) => Math.abs(d - 1)))).toBeLessThan(1e-12);

    const wrong = join(dir, 'not-a-checkpoint.safetensors');
    writeFileSync(wrong, readFileSync(join(GOLDEN, 'grads-bias.safetensors')));
    await expect(embedIds(['--model', GOLDEN, '--ids', '[[1]]', '--method-checkpoint', wrong], () => {})).rejects.toThrow(/repurpose\.trainer-checkpoint\.v2/);
  });

  it('--method-checkpoint with a LoRA run of the trainer equals the merged model', async () => {
    const model = loadCheckpoint({ config: readFileSync(join(GOLDEN, 'config.json')), weights: new Uint8Array(readFileSync(join(GOLDEN, 'model.safetensors'))) }, { dtype: 'f64' });
    const pairs = unpadded('query').map((query, i) => ({ query, positive: unpadded('positive')[i]! }));
    const method = { kind: 'lora', rank: 4, alpha: 8 } as const;
    const path = join(dir, 'lora.safetensors');
    const result = await train({
      backend: referenceBackend(), architecture: model.architecture, method, parameters: model.parameters,
      data: arrayPairSource([...pairs, ...pairs]), batch: { B: 4, Tq: 6, Tp: 9 }, steps: 10, peakLearningRate: 1e-2, dtype: 'f64',
      onCheckpoint: (c) => writeTrainerCheckpointFile(path, c),
    });
    expect(result.state.step).toBe(2);
    // The same weights merged into a plain model directory.
    const merged = mergeLora(result.parameters, methodPlan(model.architecture, method).lora!);
    const mergedDir = mkdtempSync(join(dir, 'merged-'));
    writeFileSync(join(mergedDir, 'config.json'), readFileSync(join(GOLDEN, 'config.json')));
    writeFileSync(join(mergedDir, 'model.safetensors'), writeSafetensors(new Map([...merged].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float64Array }]))));
    const ids = JSON.stringify(unpadded('positive'));
    const viaCheckpoint = await embed('--model', GOLDEN, '--ids', ids, '--dtype', 'f64', '--json', '--method-checkpoint', path);
    const viaMerged = await embed('--model', mergedDir, '--ids', ids, '--dtype', 'f64', '--json');
    const base = await embed('--model', GOLDEN, '--ids', ids, '--dtype', 'f64', '--json');
    expect(scaledError(viaCheckpoint, viaMerged.flat())).toBeLessThan(1e-9);
    expect(scaledError(viaCheckpoint, base.flat())).toBeGreaterThan(1e-4); // the adapters really moved
  });

  it('prints a readable summary without --json', async () => {
    const lines: string[] = [];
    expect(await embedIds(['--model', GOLDEN, '--ids', '[[12,7,9],[3,4]]'], (t) => lines.push(t))).toBe(0);
    expect(lines[0]).toMatch(/^2 sequences → 32-dimensional mean-pooled embeddings \(full, f32, onnx\)$/);
    expect(lines[2]).toMatch(/^ {2}\[1\] 2 tokens {2}‖e‖ = \d+\.\d{5} {2}\[/);
  });

  it('rejects bad input with a message naming the flag or the element', async () => {
    const fails = (...argv: string[]) => embedIds(argv, () => {});
    await expect(fails('--ids', '[[1]]')).rejects.toThrow(/--model is required/);
    await expect(fails('--model', GOLDEN)).rejects.toThrow(/--ids is required/);
    await expect(fails('--model', GOLDEN, '--ids', '[[1,2')).rejects.toThrow(/--ids: expected JSON/);
    await expect(fails('--model', GOLDEN, '--ids', '[[1,128]]')).rejects.toThrow(/invalid ids\.0\.1: expected a token id in 0\.\.127, got 128/);
    await expect(fails('--model', GOLDEN, '--ids', '[[1],[]]')).rejects.toThrow(/invalid ids\.1: expected a non-empty sequence/);
    await expect(fails('--model', GOLDEN, '--ids', '[]')).rejects.toThrow(/at least one sequence/);
    await expect(fails('--model', GOLDEN, '--ids', '[[1]]', '--backend', 'webgpu')).rejects.toThrow(/--backend: expected onnx or reference, got "webgpu"/);
    await expect(fails('--model', join(dir, 'nowhere'), '--ids', '[[1]]')).rejects.toThrow(/--model: cannot read .*nowhere.*no such directory/);
  });
});
