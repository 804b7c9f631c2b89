/**
 * Acceptance for `repurpose export-recipe --to sentence-transformers`: a tiny random GPT-NeoX saved by
 * transformers (tools/bridge/make_tiny_gpt_neox.py) and a small pair file; `repurpose plan` makes the
 * recipe, `export-recipe` writes train.py + recipe.json, and the script trains for its 4 steps under
 * `torchrun --nproc_per_node 2` on CPU (gloo). The ledger line it appends is read by the ledger reader
 * `repurpose fit` uses, and `repurpose fit` fits it together with a synthetic ledger. The script's
 * step-0 loss over the global batch (embeddings gathered from both processes) equals our reference
 * backend's loss on the same weights and texts (our tokenizer, one process).
 *
 * Skips with a printed reason when the Python peers (.tmp/venv/bin/python, .tmp/venv/bin/torchrun) are
 * absent. Slow only because three Python processes import torch, transformers and sentence-transformers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { architectureFromConfig, trainingFlops } from '@repurpose/core';
import { arrayPairSource, methodPlan, train } from '@repurpose/core/engine';
import { loadCheckpointDir, loadTokenizerDir, readLedgerFile } from '@repurpose/core/node';
import { referenceBackend } from '@repurpose/core/reference';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/repurpose.js');
const PYTHON = join(ROOT, '.tmp/venv/bin/python');
const TORCHRUN = join(ROOT, '.tmp/venv/bin/torchrun');
const missing = [PYTHON, TORCHRUN].filter((p) => !existsSync(p));
if (missing.length > 0) console.log(`export-recipe torchrun tests skipped: ${missing.map((p) => p.slice(ROOT.length + 1)).join(' and ')} absent (tools/python/setup-venv.sh makes them)`);

/** One thread a process: the machine's cores are shared, and 2 processes × N threads would only fight. */
const ENV = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', TOKENIZERS_PARALLELISM: 'false', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONUNBUFFERED: '1' };
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const PAIRS = 32;
const B = 8;
let dir = '';
let modelDir = '';
let exported = '';
let config: Record<string, unknown> = {};

/** Our loss on the file's first batch at the saved weights: our tokenizer, our reference backend, LoRA r=4 at init. */
async function referenceStep0Loss(): Promise<number> {
  const tokenizer = await loadTokenizerDir(modelDir);
  const rows = readFileSync(join(dir, 'train.jsonl'), 'utf8').trim().split('\n').slice(0, B).map((l) => JSON.parse(l) as { query: string; pos: string[] });
  const pairs = rows.map((r) => ({ query: tokenizer.encode(r.query), positive: tokenizer.encode(r.pos[0]!) }));
  const ckpt = await loadCheckpointDir(modelDir);
  let loss: number | undefined;
  await train(
    {
      backend: referenceBackend(),
      architecture: ckpt.architecture,
      method: { kind: 'lora', rank: 4, alpha: 8 },
      parameters: ckpt.parameters,
      data: arrayPairSource(pairs),
      batch: { B, Tq: Math.max(...pairs.map((p) => p.query.length)), Tp: Math.max(...pairs.map((p) => p.positive.length)) },
      steps: 1,
      peakLearningRate: 1e-3,
      padId: tokenizer.padId,
    },
    (e) => {
      if (e.kind === 'step' && e.step === 1) loss = e.loss; // the first step's loss, before its update
    },
  );
  if (loss === undefined) throw new Error('the reference trainer reported no loss');
  return loss;
}

describe.skipIf(missing.length > 0)('export-recipe → torchrun → ledger → fit', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'repurpose-bridge-'));
    const made = spawnSync(PYTHON, [join(ROOT, 'tools/bridge/make_tiny_gpt_neox.py'), dir, '--pairs', '64', '--held-out', '16'], { encoding: 'utf8', env: ENV, timeout: 180_000 });
    expect(made.status, made.stderr).toBe(0);
    modelDir = join(dir, 'model');
    config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
    // A budget that buys exactly 32 pairs of LoRA r=4 on this model: 4 steps of 8.
    const flop = trainingFlops(architectureFromConfig(config, 'model'), { kind: 'lora', rank: 4 }, (PAIRS + 0.5) * 78).total;
    const plan = cli('plan', '--model-config', join(modelDir, 'config.json'), '--methods', 'lora', '--ranks', '4', '--batch-size', String(B), '--budget', String(flop), '--json');
    expect(plan.status, plan.stderr).toBe(0);
    writeFileSync(join(dir, 'recipe.json'), plan.stdout);
    exported = join(dir, 'export');
    const ex = cli('export-recipe', '--recipe', join(dir, 'recipe.json'), '--to', 'sentence-transformers', '--out', exported, '--model', modelDir, '--train', join(dir, 'train.jsonl'), '--held-out', join(dir, 'held-out.jsonl'), '--held-out-pairs', '16', '--gpus', '2');
    expect(ex.status, ex.stderr).toBe(0);
    expect(ex.stdout).toContain('torchrun --nproc_per_node 2');
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains 4 steps under torchrun with 2 processes on CPU (gloo), on our schedule and loss, and appends one ledger line the reader takes', async () => {
    // In file order, so the first batch is the file's first 8 pairs and its loss can be recomputed here.
    const r = spawnSync(TORCHRUN, ['--standalone', '--nproc_per_node', '2', join(exported, 'train.py'), '--no-save', '--no-shuffle'], { encoding: 'utf8', env: ENV, timeout: 300_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const steps = r.stdout.split('\n').filter((l) => l.startsWith('{"step"')).map((l) => JSON.parse(l) as { step: number; loss: number; lr: number; pairs: number });
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3]);
    expect(steps.map((s) => s.pairs)).toEqual([8, 16, 24, 32]);
    // W = max(1, round(0.4)) = 1: step 0 at peak, then cosine over the other 3.
    const cosine = (i: number) => 1e-3 * 0.5 * (1 + Math.cos((Math.PI * (i - 1)) / 3));
    steps.forEach((s, i) => expect(s.lr).toBeCloseTo(i === 0 ? 1e-3 : cosine(i), 15));
    const ours = await referenceStep0Loss();
    console.log(`step-0 loss over the global batch of ${B}: train.py under torchrun (2 processes) ${steps[0]!.loss}, repurpose reference backend ${ours}`);
    // LoRA's B = 0 in both, so step 0 is the base model: the two differ by f32 rounding only.
    expect(Math.abs(ours - steps[0]!.loss) / ours).toBeLessThan(1e-5);
    const runs = await readLedgerFile(join(exported, 'runs.jsonl'));
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.model).toEqual(architectureFromConfig(config, 'model'));
    expect(run.method).toEqual({ kind: 'lora', rank: 4, alpha: 8 });
    expect([run.pairs, run.tokens, run.lossKind]).toEqual([PAIRS, PAIRS * 78, 'held-out']);
    expect(run.hardware).toEqual({ gpu: 'cpu', count: 2 });
    expect(run.loss).toBeGreaterThan(0);
    expect(run.provenance).toMatchObject({ steps: 4, batchSize: B, heldOutPairs: 16, heldOutBatch: 8, script: 'repurpose.recipe-run.v1' });
    // PEFT's adapters are ours: r·(in + out) on every QKV, dense, h_to_4h, 4h_to_h and on embed_in.
    const plan = methodPlan(architectureFromConfig(config, 'model'), { kind: 'lora', rank: 4, alpha: 8 });
    expect(run.provenance!.trainableParameters).toBe(plan.adapters.reduce((n, a) => n + a.shape.reduce((x, y) => x * y, 1), 0));
  }, 320_000);

  it('repurpose fit fits that ledger line together with a synthetic ledger of Pythia runs', () => {
    const synthetic = spawnSync(process.execPath, [join(ROOT, 'examples/synthetic-ledger.mjs')], { encoding: 'utf8' }).stdout;
    const combined = join(dir, 'combined.jsonl');
    writeFileSync(combined, synthetic.trimEnd() + '\n' + readFileSync(join(exported, 'runs.jsonl'), 'utf8'));
    const law = join(dir, 'law.json');
    const fit = cli('fit', combined, '--out', law, '--bootstrap', '0', '--no-cv');
    expect(fit.status, fit.stderr).toBe(0);
    expect(fit.stdout).toMatch(/fitted to 97 runs of full, lora/);
    expect(JSON.parse(readFileSync(law, 'utf8')).format).toBeDefined();
  }, 120_000);
});
