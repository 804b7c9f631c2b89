/**
 * `repurpose sweep`: the paper's experiment grid — models × methods × budgets, each cell trained on as
 * many pairs as its budget buys — as training configs for one train.py, with a runner (run-all.sh) and
 * a listing (sweep.jsonl). Every run appends to DIR/runs.jsonl; `repurpose fit DIR/runs.jsonl` then
 * fits the law and `repurpose plan --law` gives the recipe: the paper's algorithm on an existing engine
 * (docs/distributed.md). Nothing runs here.
 */
import { exportSweep, MODEL_FAMILY_NAMES, type MethodKind, type ModelFamily, type SweepOptions } from '@repurpose/core';
import { choiceFlag, listFlag, noPositionals, numberListFlag, parseFlags, rangeFlag, textFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { outputFolder, RUN_FLAGS, RUN_FLAGS_HELP, runOptionsFrom, writeExportedFiles } from './export-recipe.js';

const METHOD_KINDS: readonly MethodKind[] = ['full', 'freeze', 'bias', 'lora'];

export const SWEEP_HELP = `repurpose sweep — the paper's experiment grid as multi-GPU training scripts (docs/distributed.md)

  --out DIR             the sweep folder: train.py, runs/<id>/recipe.json, sweep.jsonl, run-all.sh
  --models a,b          models (default: the eight Pythia models)
  --family NAME         every model of a family: ${MODEL_FAMILY_NAMES.join(', ')}
  --methods full,lora   method kinds (default: full,freeze,bias,lora)
  --ranks 8,32          LoRA ranks (default 8 … 512)
  --budgets B,B         FLOP budgets (default: the paper's six, 1.5e15 … 1.536e18)
  --batch-size N        pairs per step (default 1024)
  --accounting paper|detailed   FLOP accounting (default paper)
${RUN_FLAGS_HELP().replace(/^ {2}--model ID\|DIR[^\n]*\n/, '')}
  --json                print the listing as JSON`;

export const FLAGS = {
  ...RUN_FLAGS,
  out: { type: 'string' },
  models: { type: 'string' },
  family: { type: 'string' },
  methods: { type: 'string' },
  ranks: { type: 'string' },
  budgets: { type: 'string' },
  'batch-size': { type: 'string' },
  accounting: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const SWEEP_FIELD_FLAGS: Record<string, string> = {
  'options.models': '--models',
  'options.methods': '--methods',
  'options.methods.lora.ranks': '--ranks',
  'options.budgets': '--budgets',
  'options.batchSize': '--batch-size',
  'options.gpus': '--gpus',
  'options.gpuMemoryBytes': '--gpu-memory',
  'options.heldOutPairs': '--held-out-pairs',
  'options.peakLearningRate': '--peak-lr',
};

export async function sweep(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'sweep');
  noPositionals('sweep', positionals);
  if (v.model !== undefined) throw new CliError('--model names one model; a sweep has several: use --models (catalog names) or --family');
  if (v.models !== undefined && v.family !== undefined) throw new CliError('--family and --models both choose the models; give one of them');
  if (v.family !== undefined && !(MODEL_FAMILY_NAMES as readonly string[]).includes(v.family)) throw new CliError(`--family: expected one of ${MODEL_FAMILY_NAMES.join(', ')}, got ${JSON.stringify(v.family)}`);
  const kinds = listFlag('methods', v.methods, (k) => choiceFlag('methods', k.trim(), METHOD_KINDS)!);
  const on = (k: MethodKind) => !kinds || kinds.includes(k);
  const ranks = numberListFlag('ranks', v.ranks, { min: 1, max: 65536, integer: true, what: 'LoRA rank' });
  if (ranks && !on('lora')) throw new CliError('--ranks applies only when --methods includes lora');
  const budgets = numberListFlag('budgets', v.budgets, { min: 1, max: 1e30, what: 'FLOP' });
  const models = listFlag('models', v.models, (m) => textFlag('models', m.trim(), 'a model name (see repurpose models)')!);
  if (v.ledger !== undefined) throw new CliError('--ledger: a sweep always appends to runs.jsonl in --out (run-all.sh skips the runs it holds)');
  const run = runOptionsFrom(v);
  const dir = outputFolder(v.out);
  const options: SweepOptions = {
    ...(v.family !== undefined ? { models: v.family as ModelFamily } : models ? { models } : {}),
    methods: { full: on('full'), freeze: on('freeze'), bias: on('bias'), lora: on('lora') && (ranks ? { ranks } : true) },
    ...(budgets ? { budgets } : {}),
    ...(v['batch-size'] !== undefined ? { batchSize: rangeFlag('batch-size', v['batch-size'], { min: 1, max: 2 ** 24, integer: true, what: 'pairs per optimizer step' })! } : {}),
    ...(v.accounting !== undefined ? { accounting: choiceFlag('accounting', v.accounting, ['paper', 'detailed'] as const)! } : {}),
    run,
  };
  const exported = exportSweep(options);
  const inputs = [...(v.train ? [{ flag: '--train', path: v.train }] : []), ...(v['held-out'] ? [{ flag: '--held-out', path: v['held-out'] }] : [])];
  await writeExportedFiles(dir, exported.files, inputs);
  const listing = exported.runs.map((r) => ({ id: r.id, model: r.config.model.name, method: r.config.method, budget: r.budgetFlop, pairs: r.config.pairs, steps: r.config.steps }));
  if (v.json) out(JSON.stringify({ runs: listing }, null, 2));
  else {
    const budgetsSeen = [...new Set(listing.map((r) => r.budget))];
    out(
      [
        `wrote ${exported.runs.length} runs to ${dir}: ${[...new Set(listing.map((r) => r.model))].length} models × methods × ${budgetsSeen.length} budgets (${budgetsSeen.map((b) => b.toExponential(2)).join(', ')} FLOP)`,
        `  train.py, runs/<id>/recipe.json, sweep.jsonl (the listing), run-all.sh (skips runs already in runs.jsonl)`,
        '',
        'run it:',
        `  GPUS=8 ${dir}/run-all.sh${run.train === undefined ? '    # with TRAIN="--train PAIRS.jsonl" unless every config names its data' : ''}`,
        `then: repurpose fit ${dir}/runs.jsonl --out law.json && repurpose plan --law law.json --budget 1e17`,
      ].join('\n'),
    );
  }
  return 0;
}
