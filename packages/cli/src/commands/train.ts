/**
 * `repurpose train`: a recipe (or a budget, or explicit choices), a base model folder and a pair file
 * → a trained, evaluated model in --out, through core's fineTuneFiles. Every flag, the pair file
 * (every bad line), the tokenizer and the model are checked before any compute. On a TTY a one-line
 * progress display on stderr (step, loss, pairs/s, FLOP spent of the budget, ETA); elsewhere quiet,
 * or one JSON line per event on stdout with --json. Ctrl-C stops after the current step and writes
 * the checkpoint; --resume DIR continues a run exactly.
 *
 * Not a planner (the plan comes from `repurpose plan`'s recipe.json or core's optimalRecipe) and
 * not an evaluator of other models (`repurpose eval`).
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { Budget, FineTuningMethod } from '@repurpose/core';
import type { FineTuneEvent, FineTunePlan, RecipeInput } from '@repurpose/core/engine';
import { fineTuneFiles } from '@repurpose/core/node';
import { bytesFlag, choiceFlag, noPositionals, parseFlags, rangeFlag, requireFlag, textFlag, numberListFlag, listFlag } from '../args.js';
import { BACKEND_FLAGS, BACKEND_HELP, openBackend, parseBackendFlags } from '../backend-option.js';
import { CliError } from '../cli-error.js';
import { checkModelFolder, parseJsonText, readInputText, statInput } from '../files/input-file.js';
import { checkOutputs } from '../files/output-files.js';
import { num, sci } from '../format/numbers.js';
import { progressLine } from '../format/progress.js';

export const TRAIN_HELP = `repurpose train — fine-tune a model folder on a pair file, evaluate it, record the run

  --model DIR               base model: config.json, model.safetensors (or shards), tokenizer.json
  --pairs FILE              training pairs: BGE JSONL {"query", "pos": [...]} or query<TAB>positive TSV
  --out DIR                 run folder, new or empty: checkpoint.safetensors, log.jsonl, model/, evaluation.json/.txt
 the plan (one of):
  --recipe recipe.json      a recipe from 'repurpose plan --json' (its model must be --model's)
  --budget FLOP             plan here for --model (with --methods, --ranks, --accounting, --max-pairs)
  --method full|freeze|bias|lora   explicit (with --rank, --alpha, --trainable-blocks,
                            --train-pairs N, --flop-budget FLOP)
 training:
  --batch-size N            pairs per step instead of the plan's (a recipe says 1024)
  --mini-batch M            GradCache: embed and back-propagate M pairs at a time (same gradient)
  --memory-cap SIZE         GradCache with the largest mini-batch whose estimated peak fits SIZE (4GB);
                            (with --backend onnx, ONNX Runtime's memory arena is then turned off)
  --lr X                    peak learning rate (default 1e-3; warm-up 10%, cosine to 0)
  --epochs N                passes over the training pairs (default 1)
  --seed N                  data order seed (default 0)
  --held-out N|F            held-out pairs, a count or a fraction (default 0.1), grouped by query
  --held-out-seed N         seed of the split (default 0)
  --max-tokens N            truncation (default 75, the paper's)
  --dtype f32|f64           parameter precision (default f32)
  --checkpoint-every K      write the checkpoint every K steps (and always at the end)
  --resume DIR              continue the run in DIR (its plan and data settings are in the checkpoint)
  --max-steps N             stop after N steps in this call (resume later)
 evaluation and records:
  --eval-every K            also evaluate every K steps (written to log.jsonl)
  --sts FILE                scored pairs (sentence1<TAB>sentence2<TAB>score) for Spearman's rho
  --bootstrap N             bootstrap resamples of each interval (default 1000)
  --no-eval                 skip evaluation (no held-out loss, so no ledger line)
  --ledger runs.jsonl       append the finished run's line (what 'repurpose fit' reads)
${BACKEND_HELP}
                            (fixed --threads make ONNX runs reproducible; ORT runs in a worker thread)
  --json                    one JSON line per event (plan, step, evaluation, …), then the result`;

export const FLAGS = {
  model: { type: 'string' },
  pairs: { type: 'string' },
  out: { type: 'string' },
  recipe: { type: 'string' },
  budget: { type: 'string' },
  methods: { type: 'string' },
  ranks: { type: 'string' },
  accounting: { type: 'string' },
  'max-pairs': { type: 'string' },
  method: { type: 'string' },
  rank: { type: 'string' },
  alpha: { type: 'string' },
  'trainable-blocks': { type: 'string' },
  'train-pairs': { type: 'string' },
  'flop-budget': { type: 'string' },
  'batch-size': { type: 'string' },
  'mini-batch': { type: 'string' },
  'memory-cap': { type: 'string' },
  lr: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  'held-out': { type: 'string' },
  'held-out-seed': { type: 'string' },
  'max-tokens': { type: 'string' },
  dtype: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'string' },
  'max-steps': { type: 'string' },
  'eval-every': { type: 'string' },
  sts: { type: 'string' },
  bootstrap: { type: 'string' },
  'no-eval': { type: 'boolean' },
  ledger: { type: 'string' },
  ...BACKEND_FLAGS,
  json: { type: 'boolean' },
} as const;

/** Which flag sets which library field, for messages (see main.ts). */
export const TRAIN_FIELD_FLAGS: Record<string, string> = {
  'options.plan.recipe': '--recipe',
  'options.plan.budget': '--budget',
  budget: '--budget',
  'options.plan.flopBudget': '--flop-budget',
  'options.plan.method': '--method',
  'options.heldOut': '--held-out',
  'options.batchSize': '--batch-size',
  'options.miniBatch': '--mini-batch',
  'options.memoryCap': '--memory-cap',
  'options.maxPairs': '--max-pairs',
  'options.models': '--model',
  'options.plan.options.models': '--model',
  pairs: '--pairs',
  'options.resume': '--resume',
  'options.outDir': '--out',
};

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];
const METHODS = ['full', 'freeze', 'bias', 'lora'] as const;

export async function train(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'train');
  noPositionals('train', positionals);
  const modelDir = requireFlag('model', textFlag('model', v.model, 'a model folder'), 'a model folder (config.json, model.safetensors, tokenizer.json)');
  checkModelFolder('--model', modelDir);
  const pairFile = requireFlag('pairs', textFlag('pairs', v.pairs, 'a pair file'), 'a pair file (JSONL or TSV)');
  const resumeDir = textFlag('resume', v.resume, 'a run folder to continue');
  const outDir = textFlag('out', v.out, 'a run folder') ?? resumeDir;
  if (outDir === undefined) throw new CliError('--out: expected a run folder to write (or --resume DIR to continue one)');
  statInput('--pairs', pairFile, 'a pair file (JSONL or TSV)');
  if (v.sts !== undefined) statInput('--sts', v.sts, 'a scored-pair TSV');
  if (resumeDir !== undefined) statInput('--resume', resolve(resumeDir, 'checkpoint.safetensors'), 'a run folder with checkpoint.safetensors');
  const plan = planFrom(v, resumeDir !== undefined);
  checkOutputs([v.ledger !== undefined ? { flag: '--ledger', path: v.ledger } : undefined], [{ flag: '--pairs', path: pairFile }, ...(v.sts ? [{ flag: '--sts', path: v.sts }] : []), ...(plan?.kind === 'recipe' && v.recipe ? [{ flag: '--recipe', path: v.recipe }] : [])]);
  const whole = (flag: keyof Values & string, min: number, what: string, max = 1e12) => rangeFlag(flag, v[flag] as string | undefined, { min, max, integer: true, what });
  const backendRequest = parseBackendFlags(v);
  const heldOut = rangeFlag('held-out', v['held-out'], { min: 0, above: true, max: 1e9, what: 'held-out pairs (a count, or a fraction in (0, 1))' });
  const options = {
    modelDir,
    pairFile,
    outDir,
    ...(resumeDir !== undefined ? { resumeDir } : {}),
    ...(plan ? { plan } : {}),
    ...(v.ledger !== undefined ? { ledger: v.ledger } : {}),
    ...(v.sts !== undefined ? { scoredFile: v.sts } : {}),
    ...opt('batchSize', whole('batch-size', 1, 'pairs per step', 2 ** 24)),
    ...opt('miniBatch', whole('mini-batch', 1, 'pairs per GradCache mini-batch', 2 ** 24)),
    ...opt('memoryCap', bytesFlag('memory-cap', v['memory-cap'])),
    ...opt('peakLearningRate', rangeFlag('lr', v.lr, { min: 0, above: true, max: 1, what: 'peak learning rate' })),
    ...opt('epochs', whole('epochs', 1, 'epochs', 10_000)),
    ...opt('seed', whole('seed', 0, 'a seed', 2 ** 31)),
    ...opt('heldOut', heldOut),
    ...opt('heldOutSeed', whole('held-out-seed', 0, 'a seed', 2 ** 31)),
    ...opt('maxTokens', whole('max-tokens', 1, 'tokens', 100_000)),
    ...opt('dtype', choiceFlag('dtype', v.dtype, ['f32', 'f64'] as const)),
    ...opt('checkpointEvery', whole('checkpoint-every', 1, 'steps')),
    ...opt('maxSteps', whole('max-steps', 0, 'steps')),
    ...opt('evalEvery', whole('eval-every', 1, 'steps')),
    ...(v['no-eval'] ? { evaluate: false } : {}),
    ...(v.bootstrap !== undefined ? { bootstrap: { replicates: whole('bootstrap', 0, 'resamples', 100_000)! } } : {}),
  };

  // Under a memory cap ONNX Runtime's own arena (which the estimate does not model, and which keeps
  // what it once grew to) is turned off: with it, a 1024-pair pythia-14m step capped at 4 GB peaked at
  // 4.17 GB; without it, at 2.05 GB (docs/training.md).
  const opened = await openBackend(backendRequest, { worker: true, ...(options.memoryCap !== undefined ? { sessionOptions: { enableCpuMemArena: false } } : {}) });
  const backend = opened.backend;
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  const progress = !v.json && process.stderr.isTTY ? progressLine(process.stderr) : undefined;
  const started = Date.now();
  let flopBudget: number | null = null;
  try {
    const cpu = cpus();
    const hardware = `cpu: ${cpu[0]?.model.trim() ?? 'unknown'} × ${cpu.length}, ${opened.label}`;
    const result = await fineTuneFiles({ ...options, backend, hardware, signal: controller.signal }, (event) => {
      if (v.json) out(JSON.stringify(eventJson(event)));
      if (event.kind === 'plan') flopBudget = event.plan.flopBudget;
      if (event.kind === 'warning' && !v.json) process.stderr.write(`repurpose train: warning: ${event.message}\n`);
      if (progress && event.kind === 'step') progress.step(event, flopBudget, (Date.now() - started) / 1000);
      if (progress && event.kind === 'evaluation') progress.note(`evaluated ${event.label} (step ${event.step})`);
    });
    progress?.done();
    const summary = {
      kind: 'result',
      reason: result.reason,
      step: result.step,
      totalSteps: result.totalSteps,
      method: result.method,
      pairs: result.pairs,
      tokens: result.tokens,
      flops: result.flops,
      seconds: result.seconds,
      before: result.before,
      after: result.after,
      ledger: result.ledger,
      files: result.files,
      warnings: result.warnings,
    };
    if (v.json) {
      out(JSON.stringify(summary));
      return 0;
    }
    out(`trained ${describeMethod(result.method)} for ${num(result.step)} of ${num(result.totalSteps)} steps (stopped: ${result.reason}) on ${num(result.pairs)} pairs, ${num(result.tokens)} tokens, ${result.seconds.toFixed(1)} s`);
    const budget = result.flops.budget === null ? 'no budget' : `of the ${sci(result.flops.budget)} budget (${((100 * result.flops.spent) / result.flops.budget).toFixed(1)}%)`;
    out(`FLOP: ${sci(result.flops.spent)} spent, ${result.plan.accounting} accounting over real tokens, ${budget}; ${sci(result.flops.executed)} counted on the executed graph (padding and AdamW included)`);
    if (result.before || result.after) out(`\n${(await import('@repurpose/core/node')).evaluationTable(result)}\n`);
    out(`run folder ${outDir}: checkpoint.safetensors, log.jsonl, model/${result.files.evaluation ? ', evaluation.json, evaluation.txt' : ''}`);
    if (result.files.ledger) out(`ledger line appended to ${result.files.ledger}`);
    else if (v.ledger !== undefined) out(`no ledger line: the run has no held-out loss`);
    return 0;
  } finally {
    progress?.done();
    process.removeListener('SIGINT', onInterrupt);
    opened.dispose();
  }
}

const opt = <K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: T }));

/** Exactly one plan source; none when resuming (the checkpoint holds it). */
function planFrom(v: Values, resuming: boolean): FineTunePlan | undefined {
  const given = (['recipe', 'budget', 'method'] as const).filter((k) => v[k] !== undefined);
  if (given.length > 1) throw new CliError(`give one of --recipe, --budget or --method, not ${given.map((g) => `--${g}`).join(' and ')}`);
  if (given.length === 0) {
    if (resuming) return undefined;
    throw new CliError('give the plan: --recipe recipe.json, --budget FLOP, or --method full|freeze|bias|lora');
  }
  const plannerOnly = (['methods', 'ranks', 'accounting', 'max-pairs'] as const).find((k) => v[k] !== undefined);
  if (plannerOnly && v.budget === undefined) throw new CliError(`--${plannerOnly} applies with --budget only (it is a planner option)`);
  const explicitOnly = (['rank', 'alpha', 'trainable-blocks', 'train-pairs', 'flop-budget'] as const).find((k) => v[k] !== undefined);
  if (explicitOnly && v.method === undefined) throw new CliError(`--${explicitOnly} applies with --method only`);
  if (v.recipe !== undefined) {
    const text = readInputText('--recipe', v.recipe, "a recipe (repurpose plan --json's output)", 16 * 2 ** 20);
    const parsed = parseJsonText('--recipe', text, 'a recipe as JSON') as { recipes?: unknown[] } & Record<string, unknown>;
    if (parsed !== null && typeof parsed === 'object' && Array.isArray(parsed.recipes)) {
      if (parsed.recipes.length !== 1) throw new CliError(`--recipe: ${JSON.stringify(v.recipe)} holds ${parsed.recipes.length} recipes (several budgets); expected one`);
      return { kind: 'recipe', recipe: parsed.recipes[0] as RecipeInput };
    }
    return { kind: 'recipe', recipe: parsed as unknown as RecipeInput };
  }
  if (v.budget !== undefined) {
    const budget = rangeFlag('budget', v.budget, { min: 1, max: 1e30, what: 'FLOP' })! as Budget;
    const kinds = listFlag('methods', v.methods, (k) => choiceFlag('methods', k.trim(), METHODS)!);
    const on = (k: (typeof METHODS)[number]) => !kinds || kinds.includes(k);
    const ranks = numberListFlag('ranks', v.ranks, { min: 1, max: 65536, integer: true, what: 'LoRA rank' });
    return {
      kind: 'budget',
      budget,
      options: {
        methods: { full: on('full'), freeze: on('freeze'), bias: on('bias'), lora: on('lora') && (ranks ? { ranks } : true) },
        ...(v.accounting !== undefined ? { accounting: choiceFlag('accounting', v.accounting, ['paper', 'detailed'] as const)! } : {}),
        ...(v['max-pairs'] !== undefined ? { maxPairs: rangeFlag('max-pairs', v['max-pairs'], { min: 1, max: 1e15, integer: true, what: 'unique training pairs' })! } : {}),
      },
    };
  }
  const kind = choiceFlag('method', v.method, METHODS)!;
  const whole = (flag: 'rank' | 'trainable-blocks' | 'train-pairs', what: string) => rangeFlag(flag, v[flag], { min: 1, max: 1e15, integer: true, what });
  if (kind !== 'lora' && (v.rank !== undefined || v.alpha !== undefined)) throw new CliError('--rank and --alpha apply with --method lora only');
  if (kind !== 'freeze' && v['trainable-blocks'] !== undefined) throw new CliError('--trainable-blocks applies with --method freeze only');
  let method: FineTuningMethod;
  if (kind === 'lora') method = { kind, rank: requireFlag('rank', whole('rank', 'LoRA rank'), 'a LoRA rank, e.g. 32'), alpha: rangeFlag('alpha', v.alpha, { min: 0, above: true, max: 1e6, what: 'LoRA alpha' }) ?? 8 };
  else if (kind === 'freeze') method = { kind, trainableBlocks: requireFlag('trainable-blocks', whole('trainable-blocks', 'trainable blocks'), 'the number of trainable (last) blocks') };
  else method = { kind };
  return {
    kind: 'explicit',
    method,
    ...opt('pairs', whole('train-pairs', 'training pairs')),
    ...opt('flopBudget', rangeFlag('flop-budget', v['flop-budget'], { min: 1, max: 1e30, what: 'FLOP' })),
  };
}

function describeMethod(m: FineTuningMethod): string {
  switch (m.kind) {
    case 'lora':
      return `LoRA r=${m.rank}`;
    case 'freeze':
      return `block freezing (${m.trainableBlocks} trainable blocks)`;
    case 'bias':
      return 'bias-only';
    case 'full':
      return 'full fine-tuning';
  }
}

/** Events as JSON lines: plain data, the plan's recipe fields as resolved. */
function eventJson(event: FineTuneEvent): unknown {
  return event;
}
