/**
 * `exportSweep(options)`: the paper's experiment grid — models × methods × budgets, each cell trained
 * on as many pairs as its budget pays for — as runnable training configs for train.py, plus a runner
 * and a listing, so the paper's algorithm (sweep → `repurpose fit` → recipe) runs at scale on an
 * existing engine. Every run appends its held-out loss to one ledger, runs.jsonl, at the sweep's root.
 *
 * The cells are exactly the planner's candidates (recipe/planner.ts: the same method grids, FLOP
 * accounting and whole-pair rounding); a cell that cannot fill one batch is left out, as the planner
 * leaves it out. Pure: returns text; not a scheduler.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { createPlanner, type PlanOptions } from '../recipe/planner.js';
import { expect, positiveNumber, validate } from '../validate.js';
import { type ExportedFile, runConfigText } from './export-recipe.js';
import { type ExportRecipeOptions, type RecipeRunConfig, recipeRunConfig } from './run-config.js';
import { trainScript } from './train-script.js';

/** The paper's six budgets (×4 apart), FLOP. */
export const SWEEP_PAPER_BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18] as const;
/** A sweep is a grid someone will pay to run; past this it is a typo in a list. */
export const MAX_SWEEP_RUNS = 10_000;

export interface SweepOptions {
  /** Candidate models, as the planner takes them (names, architectures or a family). Default: the eight Pythia models. */
  readonly models?: PlanOptions['models'];
  /** Method grid, as the planner's `methods`. Default: full, freezing at ¼ ½ ¾, bias-only, LoRA 8 … 512. */
  readonly methods?: PlanOptions['methods'];
  /** FLOP budgets. Default: the paper's six. */
  readonly budgets?: readonly number[];
  readonly batchSize?: number;
  readonly accounting?: 'paper' | 'detailed';
  /** Export options shared by every run (model paths are per run: use `modelPaths`). */
  readonly run?: Omit<ExportRecipeOptions, 'model' | 'id' | 'ledger' | 'outputDir'>;
  /** Model name → hub id or folder, for models not in the catalog or stored locally. */
  readonly modelPaths?: Readonly<Record<string, string>>;
}

export interface SweepRun {
  readonly id: string;
  /** The run's folder, relative to the sweep folder. */
  readonly dir: string;
  readonly budgetFlop: number;
  readonly config: RecipeRunConfig;
}

export interface ExportedSweep {
  readonly runs: readonly SweepRun[];
  readonly files: readonly ExportedFile[];
}

const SweepSchema = z
  .object({
    models: z.unknown().optional(),
    methods: z.unknown().optional(),
    budgets: z.array(positiveNumber('of FLOP'), expect('an array of budgets in FLOP')).min(1, expect('at least one budget')).optional(),
    batchSize: z.unknown().optional(),
    accounting: z.unknown().optional(),
    run: z.record(z.string(), z.unknown(), expect('an options object')).optional(),
    modelPaths: z.record(z.string(), z.string(expect('a hub id or folder')).min(1, expect('a non-empty hub id or folder')), expect('an object of model name → hub id or folder')).optional(),
  })
  .strict();

/** Every cell of the grid as a run config, ordered by budget, then model, then method. */
export function sweepRuns(options: SweepOptions = {}): SweepRun[] {
  const o = validate(SweepSchema, options, 'options');
  const planner = createPlanner({
    ...(o.models !== undefined ? { models: o.models as PlanOptions['models'] } : {}),
    ...(o.methods !== undefined ? { methods: o.methods as PlanOptions['methods'] } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize as number } : {}),
    ...(o.accounting !== undefined ? { accounting: o.accounting as 'paper' | 'detailed' } : {}),
  });
  const budgets = o.budgets ?? SWEEP_PAPER_BUDGETS;
  const runs: SweepRun[] = [];
  const ids = new Set<string>();
  for (const flop of budgets) {
    for (const e of planner.evaluateAll(flop)) {
      if (runs.length >= MAX_SWEEP_RUNS) throw new ValidationError('options', `${runs.length}+ runs`, `a grid of at most ${MAX_SWEEP_RUNS.toLocaleString('en-US')} runs (fewer models, methods or budgets)`);
      const { model, method } = e.candidate;
      const recipe = { model, method, pairs: e.pairs, steps: Math.ceil(e.pairs / planner.batchSize), batchSize: planner.batchSize, tokens: e.tokens, budgetFlop: flop, law: planner.law.name, accounting: planner.accounting, predictedLoss: e.loss };
      const id = uniqueId(runId(model.name, method, flop), ids);
      const dir = `runs/${id}`;
      const path = o.modelPaths?.[model.name];
      const config = recipeRunConfig(recipe, {
        ...(o.run as ExportRecipeOptions | undefined),
        ...(path !== undefined ? { model: path } : {}),
        id,
        ledger: '../../runs.jsonl',
        outputDir: 'model',
      });
      runs.push({ id, dir, budgetFlop: flop, config });
    }
  }
  if (runs.length === 0) throw new ValidationError('options.budgets', budgets, 'budgets that pay for at least one batch on some candidate');
  return runs;
}

/**
 * The sweep folder: train.py once at the root, runs/<id>/recipe.json per cell, sweep.jsonl (one line a
 * run: id, model, method, budget, pairs, steps, config) and run-all.sh, which runs every cell not yet
 * in runs.jsonl under `$LAUNCH` (default torchrun on $GPUS GPUs).
 */
export function exportSweep(options: SweepOptions = {}): ExportedSweep {
  const runs = sweepRuns(options);
  // train.py is the same text for every run except the summary comment; the root copy names the sweep.
  const script = trainScript(runs[0]!.config).replace(/^# Recipe:[^\n]*\n(#  {7}[^\n]*\n)*/m, `# Sweep: ${runs.length} runs; each reads runs/<id>/recipe.json (--config).\n`);
  const files: ExportedFile[] = [{ path: 'train.py', text: script, executable: true }];
  for (const r of runs) files.push({ path: `${r.dir}/recipe.json`, text: runConfigText(r.config), executable: false });
  files.push({ path: 'sweep.jsonl', text: runs.map((r) => JSON.stringify({ id: r.id, model: r.config.model.name, method: r.config.method, budget: r.budgetFlop, pairs: r.config.pairs, steps: r.config.steps, config: `${r.dir}/recipe.json` })).join('\n') + '\n', executable: false });
  files.push({ path: 'run-all.sh', text: runner(runs), executable: true });
  return { runs, files };
}

function runner(runs: readonly SweepRun[]): string {
  return [
    '#!/usr/bin/env bash',
    '# Runs every cell of the sweep that runs.jsonl does not hold yet, one after another; each appends',
    '# its held-out loss to runs.jsonl, which `repurpose fit runs.jsonl` fits. To spread the sweep over',
    '# machines, give each a share: SHARD=0 SHARDS=4 ./run-all.sh on the first of four, and so on.',
    '#   LAUNCH   the launcher (default: torchrun --nproc_per_node $GPUS; e.g. "accelerate launch")',
    '#   GPUS     processes per machine for the default launcher (default 8)',
    '#   TRAIN    extra flags for train.py (e.g. "--train pairs.jsonl --held-out held-out.jsonl")',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'LAUNCH=${LAUNCH:-"torchrun --nproc_per_node ${GPUS:-8}"}',
    'SHARD=${SHARD:-0}; SHARDS=${SHARDS:-1}',
    'n=0',
    'run() {',
    '  local id=$1; n=$((n + 1))',
    '  if [ $(((n - 1) % SHARDS)) -ne "$SHARD" ]; then return; fi',
    '  if [ -f runs.jsonl ] && grep -q "\\"id\\": \\"$id\\"" runs.jsonl; then echo "skip $id (in runs.jsonl)"; return; fi',
    '  echo "run $id"',
    '  $LAUNCH train.py --config "runs/$id/recipe.json" ${TRAIN:-}',
    '}',
    ...runs.map((r) => `run ${r.id}`),
    '',
  ].join('\n');
}

function runId(model: string, method: RecipeRunConfig['method'], flop: number): string {
  const m = method.kind === 'lora' ? `lora-r${method.rank}` : method.kind === 'freeze' ? `freeze-${method.trainableBlocks}` : method.kind;
  return `${flop.toExponential(2).replace('+', '')}-${model}-${m}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function uniqueId(id: string, seen: Set<string>): string {
  let candidate = id;
  for (let i = 2; seen.has(candidate); i++) candidate = `${id}-${i}`;
  seen.add(candidate);
  return candidate;
}
