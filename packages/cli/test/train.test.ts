/**
 * `repurpose train` and `repurpose eval` end to end on a tiny random GPT-NeoX written as a model
 * folder (config.json, model.safetensors from the safetensors writer, the tiny-bpe tokenizer):
 *
 *   - a run on a few hundred real text pairs writes checkpoints, log, model folder, evaluation table
 *     and ledger line, and held-out recall@10 improves; `repurpose eval --run` reproduces its numbers;
 *   - kill -9 at a random step, `--resume`, finish: final parameters and moments bitwise equal to an
 *     uninterrupted run, on the reference backend and on ONNX Runtime with one thread;
 *   - malformed JSONL lines reported with their numbers, an empty or too-small file refused, all
 *     before any compute (no checkpoint written).
 *
 * The pairs of the recall test are keyword queries cut from the State of the Union fixture: each
 * positive (three sentences of a speech) with, as its query, its first five distinct words of seven
 * letters or more — a title-like query. A tiny random model does learn that task from 360 pairs in
 * 66 steps (held-out recall@10 0.78 → 0.85 here); on the fixture's own sentence → next-sentences pairs
 * it stays at chance, which is the honest limit of a 32-wide model with no pre-training.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { architectureFromConfig, parseLedger } from '@repurpose/core';
import { decodeFineTuneCheckpoint, randomGptNeoXParameters, writeSafetensors } from '@repurpose/core/engine';
import { loadCheckpointDir } from '@repurpose/core/node';
import { main } from '../src/main.js';

const BIN = join(import.meta.dirname, '../bin/repurpose.js');
const TEXT = join(import.meta.dirname, '../../core/test/fixtures/text');
const dir = mkdtempSync(join(tmpdir(), 'repurpose-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modelFolder(name: string, C: number): string {
  const path = join(dir, name);
  mkdirSync(path);
  const config = { model_type: 'gpt_neox', num_hidden_layers: 1, hidden_size: C, num_attention_heads: 2, intermediate_size: 2 * C, vocab_size: 1027, max_position_embeddings: 64, rotary_pct: 0.25, rotary_emb_base: 10000, layer_norm_eps: 1e-5, use_parallel_residual: true, hidden_act: 'gelu' };
  writeFileSync(join(path, 'config.json'), JSON.stringify(config));
  const params = randomGptNeoXParameters(architectureFromConfig(config, name), { seed: 2 });
  writeFileSync(join(path, 'model.safetensors'), writeSafetensors(new Map([...params].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array, dtype: 'F32' as const }]))));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(TEXT, 'tiny-bpe', f), join(path, f));
  return path;
}

const fixturePairs = readFileSync(join(TEXT, 'sotu-pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { query: string; pos: string[] });

/** Title-like keyword queries for the fixture's positives (see the header). */
function keywordPairs(): string {
  return fixturePairs
    .map(({ query, pos }) => {
      const words: string[] = [];
      for (const w of pos[0]!.match(/[A-Za-z]+/g) ?? []) if (w.length > 6 && !words.some((x) => x.toLowerCase() === w.toLowerCase())) words.push(w);
      return JSON.stringify({ query: words.slice(0, 5).join(' ') || query, pos: [pos[0]] });
    })
    .join('\n');
}

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

const tiny16 = modelFolder('tiny16', 16);
const tiny32 = modelFolder('tiny32', 32);
const keywords = join(dir, 'keywords.jsonl');
writeFileSync(keywords, `${keywordPairs()}\n`);
const small = join(dir, 'small.jsonl');
writeFileSync(small, `${fixturePairs.slice(0, 96).map((p) => JSON.stringify(p)).join('\n')}\n`);

describe('repurpose train', () => {
  it('trains end to end: checkpoints, log, model folder, evaluation table, ledger line; recall@10 improves', async () => {
    const out = join(dir, 'run');
    const ledger = join(dir, 'runs.jsonl');
    const r = await cli('train', '--model', tiny32, '--pairs', keywords, '--out', out, '--method', 'full', '--batch-size', '16', '--epochs', '3', '--max-tokens', '32', '--lr', '1e-3', '--backend', 'onnx', '--threads', '2', '--checkpoint-every', '20', '--eval-every', '40', '--ledger', ledger, '--bootstrap', '200');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    console.log(text);
    expect(text).toMatch(/trained full fine-tuning for 66 of 66 steps \(stopped: steps\) on 1,056 pairs/);
    expect(text).toMatch(/FLOP: .* spent, paper accounting over real tokens, no budget; .* counted on the executed graph/);
    expect(text).toMatch(/recall@10 +\d\.\d{3} \[/);
    const evaluation = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
    expect(evaluation.after.retrieval.recallAt10.value).toBeGreaterThan(evaluation.before.retrieval.recallAt10.value);
    expect(evaluation.after.heldOutLoss.loss).toBeLessThan(evaluation.before.heldOutLoss.loss);
    expect(evaluation.during.map((e: { step: number }) => e.step)).toEqual([40]);
    expect(readFileSync(join(out, 'evaluation.txt'), 'utf8')).toContain('nDCG@10');

    const checkpoint = decodeFineTuneCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.safetensors'))));
    expect(checkpoint.trainer.state.step).toBe(66);
    const log = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((e) => e.kind === 'step')).toHaveLength(66);
    expect(log.filter((e) => e.kind === 'checkpoint').map((e) => e.step)).toEqual([20, 40, 60, 66]);
    expect(log.filter((e) => e.kind === 'evaluation').map((e) => [e.label, e.step])).toEqual([['before', 0], ['during', 40], ['after', 66]]);

    const [line] = parseLedger(readFileSync(ledger, 'utf8'));
    expect(line!.lossKind).toBe('held-out');
    expect(line!.loss).toBe(evaluation.after.heldOutLoss.loss);
    expect(line!.pairs).toBe(1056);
    expect(line!.model.name).toBe('tiny32');

    const trained = await loadCheckpointDir(join(out, 'model'));
    expect(trained.architecture.hiddenSize).toBe(32);
    const again = await cli('eval', '--model', tiny32, '--run', out, '--pairs', keywords, '--backend', 'onnx', '--threads', '2', '--bootstrap', '200', '--json');
    expect(again.code).toBe(0);
    const report = JSON.parse(again.out[0]!);
    expect(report.after.retrieval.recallAt10.value).toBe(evaluation.after.retrieval.recallAt10.value);
    expect(report.before.retrieval.mrrAt10.value).toBe(evaluation.before.retrieval.mrrAt10.value);
    expect(report.after.heldOutLoss.loss).toBeCloseTo(evaluation.after.heldOutLoss.loss, 5);

    // Another file is a separate test set: every pair of it is evaluated, before and after.
    const testSet = await cli('eval', '--model', tiny32, '--run', out, '--pairs', small, '--backend', 'onnx', '--threads', '2', '--bootstrap', '50', '--json');
    expect(testSet.code).toBe(0);
    const separate = JSON.parse(testSet.out[0]!);
    expect([separate.before.retrieval.queries, separate.after.retrieval.queries]).toEqual([96, 96]);
    const own = await cli('eval', '--model', tiny32, '--run', out, '--pairs', keywords, '--held-out', '10');
    expect(own.code).toBe(2);
    expect(own.err.join('')).toMatch(/--held-out and --held-out-seed do not apply to the run's own pair file/);
  }, 90_000);

  it('--mini-batch (GradCache) trains the same model as the whole batch, and the checkpoint records it', async () => {
    const args = (out: string, ...extra: string[]) => ['train', '--model', tiny16, '--pairs', small, '--out', out, '--method', 'full', '--batch-size', '16', '--max-tokens', '24', '--no-eval', '--backend', 'reference', ...extra];
    const whole = await cli(...args(join(dir, 'whole')));
    const cached = await cli(...args(join(dir, 'cached'), '--mini-batch', '4'));
    expect([whole.code, cached.code]).toEqual([0, 0]);
    const read = (run: string) => decodeFineTuneCheckpoint(new Uint8Array(readFileSync(join(dir, run, 'checkpoint.safetensors'))));
    const [a, b] = [read('whole'), read('cached')];
    expect(b.trainer.state.miniBatch).toBe(4);
    expect(a.trainer.state.miniBatch).toBeNull();
    let diff = 0;
    let scale = 0;
    for (const [name, t] of a.trainer.parameters) {
      const u = b.trainer.parameters.get(name)!;
      t.data.forEach((x, i) => ((diff = Math.max(diff, Math.abs(x - u.data[i]!))), (scale = Math.max(scale, Math.abs(x)))));
    }
    expect(diff / scale).toBeLessThan(1e-4);
    const bad = await cli(...args(join(dir, 'cached-bad'), '--memory-cap', 'lots'));
    expect(bad.code).toBe(2);
  }, 90_000);

  it('reports malformed JSONL lines with their numbers, and refuses empty or too-small files, before any compute', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify(fixturePairs[0])}\n{"query": "q"}\nnot json\n${JSON.stringify(fixturePairs[1])}\n{"query": "", "pos": ["x"]}\n`);
    const out = join(dir, 'bad-run');
    const r = await cli('train', '--model', tiny16, '--pairs', bad, '--out', out, '--method', 'full', '--batch-size', '8', '--backend', 'reference');
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/3 bad lines.*line 2: .*pos.*line 3: not valid JSON.*line 5: /);
    const empty = join(dir, 'empty.jsonl');
    for (const [content, message] of [['', /the file is empty/], ['\n\n', /no pairs in 2 lines \(all blank\)/]] as const) {
      writeFileSync(empty, content);
      const e = await cli('train', '--model', tiny16, '--pairs', empty, '--out', out, '--method', 'full', '--batch-size', '8', '--backend', 'reference');
      expect(e.code).toBe(1);
      expect(e.err[0]).toMatch(message);
    }
    const few = join(dir, 'few.jsonl');
    writeFileSync(few, `${fixturePairs.slice(0, 12).map((p) => JSON.stringify(p)).join('\n')}\n`);
    const f = await cli('train', '--model', tiny16, '--pairs', few, '--out', out, '--method', 'full', '--batch-size', '16', '--held-out', '2', '--backend', 'reference');
    expect(f.code).toBe(1);
    expect(f.err[0]).toMatch(/expected at least B = 16 pairs for one batch, got "10 pairs"/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out that is a file, a device, a folder holding other files, or cannot be made — before any compute, without hanging', async () => {
    const base = ['train', '--model', tiny16, '--pairs', small, '--method', 'full', '--batch-size', '8', '--train-pairs', '8', '--backend', 'reference', '--no-eval'];
    const config = join(tiny16, 'config.json');
    const cases: [string, RegExp][] = [
      [tiny16, /--out: .*a new or empty folder for the run \(it holds files/], // the model folder itself: it would get a run written into it
      [config, /--out: .*a folder for the run \(it is a file\)/],
      ['/dev/null', /--out: .*\(it is not a directory\)/],
      [join(config, 'sub'), /--out: .*a part of it is a file, not a directory/],
      ['/proc/repurpose-run', /--out: .*a folder that can be created \(ENOENT making \/proc\/repurpose-run\)/], // Node's recursive mkdir loops here
    ];
    for (const [out, message] of cases) {
      const r = await cli(...base, '--out', out);
      expect(r.code, out).toBe(1);
      expect(r.err[0], out).toMatch(message);
    }
    expect(readdirSync(tiny16).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const nested = join(dir, 'new-parent', 'run');
    expect((await cli(...base, '--out', nested)).code).toBe(0); // missing parents are made
    expect(existsSync(join(nested, 'checkpoint.safetensors'))).toBe(true);
  });

  it('refuses a plan that is missing or given twice, with the flags named', async () => {
    const none = await cli('train', '--model', tiny16, '--pairs', small, '--out', join(dir, 'x'));
    expect(none.code).toBe(2);
    expect(none.err[0]).toMatch(/give the plan: --recipe/);
    const two = await cli('train', '--model', tiny16, '--pairs', small, '--out', join(dir, 'x'), '--budget', '1e12', '--method', 'full');
    expect(two.err[0]).toMatch(/give one of --recipe, --budget or --method, not --budget and --method/);
  });
});

const bytesOf = (d: ArrayBufferView) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

/** Runs `repurpose train` in a child; calls `onLine` for each stdout line (it may kill the child). */
function child(argv: string[], onLine: (line: string, proc: ChildProcess) => void = () => {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' } });
    let buffer = '';
    let stderr = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, i), proc);
        buffer = buffer.slice(i + 1);
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    proc.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('kill -9, resume, finish', () => {
  for (const backend of [['reference'], ['onnx', '--threads', '1']]) {
    it(`gives the parameters of an uninterrupted run on the ${backend[0]} backend`, async () => {
      const common = ['--model', tiny16, '--pairs', small, '--method', 'full', '--batch-size', '8', '--max-tokens', '12', '--epochs', '1', '--no-eval', '--json', '--backend', ...backend];
      const whole = join(dir, `whole-${backend[0]}`);
      const done = await child(['train', ...common, '--out', whole]);
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      const reference = decodeFineTuneCheckpoint(new Uint8Array(readFileSync(join(whole, 'checkpoint.safetensors'))));
      const steps = reference.trainer.state.step;
      expect(steps).toBe(10);

      // A step in 4..steps−2: after the first checkpoint (step 3) can have been written. The step's
      // line is printed before its checkpoint is written, so the kill may land mid-write: the atomic
      // rename leaves the previous checkpoint whole.
      const killAt = 4 + Math.floor(Math.random() * (steps - 5));
      console.log(`${backend[0]}: kill -9 after step ${killAt} of ${steps}`);
      const run = join(dir, `killed-${backend[0]}`);
      const killed = await child(['train', ...common, '--out', run, '--checkpoint-every', '3'], (line, proc) => {
        const event = JSON.parse(line) as { kind: string; step?: number };
        if (event.kind === 'step' && event.step === killAt) proc.kill('SIGKILL');
      });
      expect(killed.signal).toBe('SIGKILL');
      const partial = decodeFineTuneCheckpoint(new Uint8Array(readFileSync(join(run, 'checkpoint.safetensors'))));
      expect(partial.trainer.state.step).toBeLessThanOrEqual(killAt);
      expect(partial.trainer.state.step).toBeGreaterThanOrEqual(3);
      expect(partial.trainer.state.step % 3).toBe(0);

      const resumed = await child(['train', '--resume', run, '--model', tiny16, '--pairs', small, '--checkpoint-every', '3', '--json', '--backend', ...backend]);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      const final = decodeFineTuneCheckpoint(new Uint8Array(readFileSync(join(run, 'checkpoint.safetensors'))));
      expect(final.trainer.state.step).toBe(steps);
      expect(final.trainer.state.tokens).toBe(reference.trainer.state.tokens);
      for (const kind of ['parameters', 'moments'] as const) {
        for (const [name, t] of reference.trainer[kind]) expect(bytesOf(final.trainer[kind].get(name)!.data).equals(bytesOf(t.data)), name).toBe(true);
      }
      expect(readFileSync(join(run, 'model', 'model.safetensors')).equals(readFileSync(join(whole, 'model', 'model.safetensors')))).toBe(true);
    }, 60_000);
  }
});
