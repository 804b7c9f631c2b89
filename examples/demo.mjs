#!/usr/bin/env node
/**
 * `npm run demo`: the whole job as a user runs it, with the `repurpose` CLI, on real data.
 *
 *   1. plan    — the paper's six budgets (recipe table, frontier plot), then a recipe for the demo
 *                budget on the nano model (examples/nano-neox: a GPT-NeoX this library pre-trained on
 *                WordNet, since no pretrained weights can be downloaded here), and the best LoRA
 *                configuration the planner offers at the same budget (`plan --methods lora`);
 *   2. train   — fine-tune it with the recommended method on the default backend (ONNX Runtime), on
 *                example-sentence ↔ dictionary-entry pairs; then that LoRA configuration, shortened
 *                to LORA_STEPS steps so the demo stays within a few minutes (not the recommendation:
 *                it is there to show the PEFT path);
 *   3. eval    — held-out retrieval of the base, the recommended run and the LoRA run, on synsets
 *                the model never saw;
 *   4. export  — hf, sentence-transformers and onnx (transformers.js) of the recommended run; peft
 *                (adapter_config.json + adapter_model.safetensors) of the LoRA run, loaded back
 *                (`repurpose embed --adapter`) and checked to embed as the LoRA run's own model does;
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
/** Pairs per step for both runs (the plan says 1024; 64 fits two CPU cores). */
const BATCH = 64;
/**
 * The LoRA alternative: 96 steps is what fits beside the main run in the demo's few minutes (its plan
 * asks for 281 at 64 pairs a step, about as long as the main run). 5e-3 was the best of three short
 * tries: at 1e-2 (120 steps) and 3e-2 (64 steps) the training loss stayed near ln 64 ≈ 4.16, chance.
 */
const LORA_STEPS = 96;
const LORA_LR = '5e-3';
/** Largest |difference| allowed between the reloaded adapter's embeddings and the LoRA run's (f32). */
const RELOAD_TOLERANCE = 1e-6;
const started = Date.now();

function repurpose(args, { capture = false } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) {
    console.error(`\nrepurpose demo: 'repurpose ${args.join(' ')}' exited with ${r.status}`);
    process.exit(r.status ?? 1);
  }
  return r.stdout;
}
const section = (title) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 72 - title.length))}  [${((Date.now() - started) / 1000).toFixed(0)} s]\n`);
const methodText = (m) => ({ lora: `LoRA r=${m.rank} α=${m.alpha}`, freeze: `freezing (last ${m.trainableBlocks} blocks train)`, bias: 'bias-only', full: 'full fine-tuning' })[m.kind];
const sameMethod = (a, b) => JSON.stringify(a) === JSON.stringify(b);

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

section('1. plan: the paper’s six budgets');
repurpose(['plan', '--paper-budgets', '--plot', join(work, 'frontier.svg')]);

section(`plan: the nano model at ${DEMO_BUDGET} FLOP`);
const planArgs = ['plan', '--budget', DEMO_BUDGET, '--model-config', join(nano, 'model/config.json'), '--json'];
const recipeFile = join(work, 'recipe.json');
writeFileSync(recipeFile, repurpose(planArgs, { capture: true }));
const recipe = JSON.parse(readFileSync(recipeFile, 'utf8'));
console.log(`recommended: ${methodText(recipe.method)}, ${recipe.pairs} pairs in ${recipe.steps} steps of ${recipe.batchSize}, predicted loss ${recipe.predictedLoss.toFixed(3)}`);
const loraRecipeFile = join(work, 'recipe-lora.json');
writeFileSync(loraRecipeFile, repurpose([...planArgs, '--methods', 'lora'], { capture: true }));
const loraRecipe = JSON.parse(readFileSync(loraRecipeFile, 'utf8'));
if (loraRecipe.method.kind !== 'lora') {
  console.error(`repurpose demo: 'plan --methods lora' planned ${loraRecipe.method.kind}; expected a LoRA recipe`);
  process.exit(1);
}
const place = recipe.runnersUp.findIndex((r) => sameMethod(r.method, loraRecipe.method));
console.log(
  `best LoRA at the same budget (plan --methods lora): ${methodText(loraRecipe.method)}, ${loraRecipe.pairs} pairs, predicted loss ${loraRecipe.predictedLoss.toFixed(3)} ` +
    `(+${(loraRecipe.predictedLoss - recipe.predictedLoss).toFixed(3)}${place >= 0 ? `; the recipe's runner-up ${place + 1} of ${recipe.runnersUp.length}` : ''})`,
);

section('2. train on the default backend: the recommended recipe');
const run = join(work, 'run');
const common = ['--model', join(nano, 'model'), '--pairs', join(nano, 'data/train.jsonl'), '--batch-size', String(BATCH), '--held-out', '256', '--max-tokens', '48'];
repurpose(['train', ...common, '--recipe', recipeFile, '--lr', '2e-3', '--out', run, '--ledger', join(work, 'runs.jsonl'), '--bootstrap', '200']);

const loraPairs = LORA_STEPS * BATCH;
section(`train: the LoRA alternative, ${LORA_STEPS} steps (${loraPairs} of its plan's ${loraRecipe.pairs} pairs)`);
const loraRun = join(work, 'run-lora');
// The same held-out split and truncation as the main run; evaluated in step 3 on the test synsets.
repurpose(['train', ...common, '--method', 'lora', '--rank', String(loraRecipe.method.rank), '--alpha', String(loraRecipe.method.alpha), '--train-pairs', String(loraPairs), '--flop-budget', DEMO_BUDGET, '--lr', LORA_LR, '--no-eval', '--out', loraRun]);

section('3. evaluate on held-out synsets (never seen in pre-training or fine-tuning)');
const evalOf = (dir) => JSON.parse(repurpose(['eval', '--model', join(nano, 'model'), '--run', dir, '--pairs', join(nano, 'data/heldout.jsonl'), '--max-tokens', '48', '--bootstrap', '200', '--json'], { capture: true }));
const main = evalOf(run);
const lora = evalOf(loraRun);
const rows = [
  { label: 'base (nano-neox as pre-trained)', report: main.before },
  { label: `recommended: ${methodText(recipe.method)}, ${main.step} steps`, report: main.after },
  { label: `LoRA alternative: ${methodText(loraRecipe.method)}, ${lora.step} steps`, report: lora.after },
];
printTable(rows);
const gain = main.after.retrieval.recallAt10.value - main.before.retrieval.recallAt10.value;
console.log(`\nrecommended run: recall@10 ${gain >= 0 ? '+' : '−'}${Math.abs(gain).toFixed(3)} over the base. The LoRA row is the PEFT path's run, not the recommendation: its plan predicts a higher loss and it trained on ${lora.step} of ${Math.ceil(loraRecipe.pairs / BATCH)} steps.`);
const evalFile = (name, e) => {
  const file = join(work, `eval-${name}.json`);
  const split = 'held-out WordNet synsets (1,000)';
  const r = (metric, get) => ({ metric, split, value: get(e.after), before: get(e.before) });
  writeFileSync(file, JSON.stringify([r('recall@1', (x) => x.retrieval.recallAt1.value), r('recall@10', (x) => x.retrieval.recallAt10.value), r('MRR@10', (x) => x.retrieval.mrrAt10.value), r('nDCG@10', (x) => x.retrieval.ndcgAt10.value), r('held-out loss', (x) => x.heldOutLoss.loss)]));
  return file;
};

section('4. export');
const exportArgs = ['--model', join(nano, 'model'), '--data', join(nano, 'data/train.jsonl'), '--base-name', 'nano-neox (WordNet)'];
const mainEvalFile = evalFile('main', main);
for (const format of ['hf', 'sentence-transformers', 'onnx']) {
  repurpose(['export', '--format', format, ...exportArgs, '--checkpoint', join(run, 'checkpoint.safetensors'), '--recipe', recipeFile, '--eval', mainEvalFile, '--out', join(work, `export-${format}`)]);
}
// No --recipe on this card: the run did not follow its plan's pair count (the card's Training table says what it did).
const peftDir = join(work, 'export-peft');
repurpose(['export', '--format', 'peft', ...exportArgs, '--checkpoint', join(loraRun, 'checkpoint.safetensors'), '--eval', evalFile('lora', lora), '--title', `nano-neox ${methodText(loraRecipe.method)} adapter (the demo's LoRA alternative, ${lora.step} steps)`, '--out', peftDir]);

const heldout = readFileSync(join(nano, 'data/heldout.jsonl'), 'utf8').trim().split('\n').slice(0, 5).map((l) => JSON.parse(l));
const query = heldout[0].query;
const entries = heldout.map((p) => p.pos[0]);
const embed = (...args) => JSON.parse(repurpose(['embed', ...args, '--json', query, ...entries], { capture: true })).embeddings;
const fromAdapter = embed('--model', join(nano, 'model'), '--adapter', peftDir);
const fromRun = embed('--model', join(loraRun, 'model'));
const maxDiff = Math.max(...fromAdapter.flatMap((v, i) => v.map((x, k) => Math.abs(x - fromRun[i][k]))));
console.log(`peft folder loaded back (base + adapter, repurpose embed --adapter): ${fromAdapter.length} embeddings of ${fromAdapter[0].length} dimensions, max |difference| from the LoRA run's model ${maxDiff.toExponential(2)}`);
if (!(maxDiff <= RELOAD_TOLERANCE)) {
  console.error(`repurpose demo: the exported adapter embeds differently from the LoRA run (max |difference| ${maxDiff}, expected at most ${RELOAD_TOLERANCE})`);
  process.exit(1);
}

section('5. embed a held-out query');
const [q, ...e] = JSON.parse(repurpose(['embed', '--model', join(work, 'export-hf'), '--normalize', '--json', query, ...entries], { capture: true })).embeddings;
const ranked = e.map((v, i) => ({ entry: entries[i], cos: v.reduce((s, x, k) => s + x * q[k], 0) })).sort((a, b) => b.cos - a.cos);
console.log(`query: "${query}"`);
for (const r of ranked) console.log(`  ${r.cos.toFixed(3)}  ${r.entry}${r.entry === entries[0] ? '   ← its entry' : ''}`);
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s; everything is in ${work}`);

/** One row per model: the before/after table with the LoRA alternative as an extra row. */
function printTable(models) {
  const interval = (v) => `${v.value.toFixed(3)} [${v.low.toFixed(3)}, ${v.high.toFixed(3)}]`;
  const headers = ['model', 'recall@1', 'recall@10', 'MRR@10', 'nDCG@10', 'held-out loss'];
  const cells = models.map(({ label, report: r }) => [label, r.retrieval.recallAt1.value.toFixed(3), interval(r.retrieval.recallAt10), r.retrieval.mrrAt10.value.toFixed(3), r.retrieval.ndcgAt10.value.toFixed(3), r.heldOutLoss.loss.toFixed(3)]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  console.log([line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n'));
  const first = models[0].report;
  console.log(`retrieval: ${first.retrieval.queries} held-out queries against ${first.retrieval.corpus} positives; recall@10 with its 95% bootstrap interval; held-out loss: symmetric InfoNCE in batches of ${first.heldOutLoss.batchSize}`);
}
