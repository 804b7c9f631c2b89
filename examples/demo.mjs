#!/usr/bin/env node
/**
 * `npm run demo`: the whole job as a user runs it, with the `repurpose` CLI, on real data.
 *
 *   1. plan    — the paper's six budgets (recipe table, frontier plot), then a recipe for the demo
 *                budget on the nano model (examples/nano-neox: a GPT-NeoX this library pre-trained on
 *                WordNet, since no pretrained weights can be downloaded here);
 *   2. train   — fine-tune it with the recommended method on the default backend (ONNX Runtime),
 *                on example-sentence ↔ dictionary-entry pairs;
 *   3. eval    — held-out retrieval before and after, on synsets the model never saw;
 *   4. export  — hf, sentence-transformers, peft (when the recipe is LoRA) and onnx (transformers.js);
 *   5. embed   — a held-out query against five dictionary entries.
 *
 * Everything goes to .tmp/demo-run/ (replaced on each run). Texts are truncated to 48 tokens (the
 * pairs are short; the paper's 75 would only add padding). Not a benchmark: timings are printed for
 * orientation only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/bin/repurpose.js');
const nano = join(root, 'examples/nano-neox');
const work = join(root, '.tmp/demo-run');
/** The demo's training budget (FLOP, the paper's accounting): a few minutes on two CPU cores. */
const DEMO_BUDGET = '5e12';
const started = Date.now();

function repurpose(args, { capture = false } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`\nrepurpose demo: 'repurpose ${args.join(' ')}' exited with ${r.status}`);
    process.exit(r.status ?? 1);
  }
  return r.stdout;
}
const section = (title) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 72 - title.length))}  [${((Date.now() - started) / 1000).toFixed(0)} s]\n`);

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

section('1. plan: the paper’s six budgets');
repurpose(['plan', '--paper-budgets', '--plot', join(work, 'frontier.svg')]);

section(`plan: the nano model at ${DEMO_BUDGET} FLOP`);
const recipeFile = join(work, 'recipe.json');
writeFileSync(recipeFile, repurpose(['plan', '--budget', DEMO_BUDGET, '--model-config', join(nano, 'model/config.json'), '--json'], { capture: true }));
const recipe = JSON.parse(readFileSync(recipeFile, 'utf8'));
console.log(`method ${recipe.method.kind}${recipe.method.rank ? ` (rank ${recipe.method.rank})` : ''}, ${recipe.pairs} pairs in ${recipe.steps} steps of ${recipe.batchSize}`);

section('2. train on the default backend');
const run = join(work, 'run');
repurpose(['train', '--model', join(nano, 'model'), '--pairs', join(nano, 'data/train.jsonl'), '--recipe', recipeFile, '--batch-size', '64', '--lr', '2e-3', '--held-out', '256', '--max-tokens', '48', '--out', run, '--ledger', join(work, 'runs.jsonl'), '--bootstrap', '200']);

section('3. evaluate on held-out synsets (never seen in pre-training or fine-tuning)');
repurpose(['eval', '--model', join(nano, 'model'), '--run', run, '--pairs', join(nano, 'data/heldout.jsonl'), '--max-tokens', '48', '--bootstrap', '200']);

section('4. export');
if (recipe.method.kind !== 'lora') console.log(`peft: not written — the recipe's method is ${recipe.method.kind}, and a PEFT folder holds LoRA adapters only`);
for (const format of ['hf', 'sentence-transformers', ...(recipe.method.kind === 'lora' ? ['peft'] : []), 'onnx']) {
  repurpose(['export', '--format', format, '--model', join(nano, 'model'), '--checkpoint', join(run, 'checkpoint.safetensors'), '--recipe', recipeFile, '--data', join(nano, 'data/train.jsonl'), '--base-name', 'nano-neox (WordNet)', '--out', join(work, `export-${format}`)]);
}

section('5. embed a held-out query');
const heldout = readFileSync(join(nano, 'data/heldout.jsonl'), 'utf8').trim().split('\n').slice(0, 5).map((l) => JSON.parse(l));
const query = heldout[0].query;
const entries = heldout.map((p) => p.pos[0]);
const { embeddings } = JSON.parse(repurpose(['embed', '--model', join(work, 'export-hf'), '--normalize', '--json', query, ...entries], { capture: true }));
const [q, ...e] = embeddings;
const ranked = e.map((v, i) => ({ entry: entries[i], cos: v.reduce((s, x, k) => s + x * q[k], 0) })).sort((a, b) => b.cos - a.cos);
console.log(`query: "${query}"`);
for (const r of ranked) console.log(`  ${r.cos.toFixed(3)}  ${r.entry}${r.entry === entries[0] ? '   ← its entry' : ''}`);
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s; everything is in ${work}`);
