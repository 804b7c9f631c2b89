/**
 * `repurpose plan`: the compute-optimal recipe for one or more budgets, as a table or one JSON object,
 * and optionally the frontier plot (the paper's Figure 1) as SVG. Every flag is checked before any
 * planning, the plot's path included; not a training command.
 */
import { describeMethod, frontier, GPU_NAMES, loadLaw, MODEL_FAMILY_NAMES, type ModelFamily, optimalRecipe, type Budget, type MethodKind, type ModelArchitecture, type PlanOptions, type Recipe } from '@repurpose/core';
import { bytesFlag, choiceFlag, listFlag, noPositionals, numberListFlag, parseFlags, rangeFlag, textFlag, typed } from '../args.js';
import { CliError } from '../cli-error.js';
import { parseJsonText, readInputText } from '../files/input-file.js';
import { readModelConfig } from '../files/model-config.js';
import { checkOutputs, writeOutput } from '../files/output-files.js';
import { compact, dollars, fixed, num, sci } from '../format/numbers.js';
import { table } from '../format/table.js';
import { frontierSvg } from '../plot/frontier-svg.js';

export const PAPER_BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18];

const DTYPES = ['fp32', 'tf32', 'bf16', 'fp16', 'fp8'] as const;
const METHOD_KINDS: readonly MethodKind[] = ['full', 'freeze', 'bias', 'lora'];
/** Budgets above this are far beyond any training run (10^30 FLOP); below 1 FLOP is not a budget. */
const MAX_FLOP = 1e30;

export const PLAN_HELP = `repurpose plan — the compute-optimal recipe for a training budget

  --budget FLOP[,FLOP...]   budget(s) in FLOP, e.g. 1e17 or 1.5e15,6e15 (at most 1000)
  --paper-budgets           the paper's six budgets (1.5e15 … 1.536e18)
  --gpu-hours H --gpu NAME  a budget in GPU-hours on a GPU (see 'repurpose gpus')
  --dollars USD --price P --gpu NAME
                            a budget in dollars at P dollars per GPU-hour
  --gpu NAME                with --budget: the GPU the GPU-hour and cost views use (default H100, assumed)
  --mfu F                   model FLOP utilisation in (0, 1] (default 0.4); needs --gpu
  --dtype T                 fp32 | tf32 | bf16 | fp16 | fp8 (default bf16); needs --gpu
  --price P                 dollars per GPU-hour for the cost view; needs --gpu
  --law LAW.json            a law saved by 'repurpose fit --out' (default: the ziarko2024 preset)
  --models a,b              candidate models (default: the eight Pythia models)
  --family NAME             every model of one family: pythia, smollm2, qwen2.5, qwen3
  --model-config FILE       a Hugging Face config.json as a candidate: model_type gpt_neox, llama,
                            mistral, qwen2 or qwen3 (repeatable; named by its _name_or_path, else its
                            folder); with it, --models defaults to none
  --methods full,lora       method kinds to consider (default: full,freeze,bias,lora)
  --ranks 8,16,...          LoRA ranks (default 8 … 512)
  --accounting paper|detailed   FLOP accounting (default paper)
  --batch-size N            pairs per optimizer step (default 1024)
  --runners-up N            runners-up to list (default 5)
  --inference-tokens N      tokens the model will embed over its life; their 2·N FLOP each come out of the budget
  --max-memory SIZE         exclude configurations whose estimated peak training memory exceeds SIZE (24GB, 80GiB)
  --grad-cache PAIRS        estimate memory with GradCache chunks of PAIRS pairs
  --no-checkpointing        estimate memory without gradient checkpointing
  --max-pairs N             unique training pairs available (no repetition)
  --throughput lora=0.7,... method throughput relative to full fine-tuning (for GPU-hour and dollar budgets)
  --json                    print one JSON object (the recipe, or { recipes } for several budgets)
  --plot FILE.svg           write the frontier plot: best loss per method vs budget (never over --law)`;

export const FLAGS = {
  budget: { type: 'string' },
  'paper-budgets': { type: 'boolean' },
  'gpu-hours': { type: 'string' },
  dollars: { type: 'string' },
  price: { type: 'string' },
  gpu: { type: 'string' },
  mfu: { type: 'string' },
  dtype: { type: 'string' },
  law: { type: 'string' },
  models: { type: 'string' },
  family: { type: 'string' },
  'model-config': { type: 'string', multiple: true },
  methods: { type: 'string' },
  ranks: { type: 'string' },
  accounting: { type: 'string' },
  'batch-size': { type: 'string' },
  'runners-up': { type: 'string' },
  'inference-tokens': { type: 'string' },
  'max-memory': { type: 'string' },
  'grad-cache': { type: 'string' },
  'no-checkpointing': { type: 'boolean' },
  'max-pairs': { type: 'string' },
  throughput: { type: 'string' },
  json: { type: 'boolean' },
  plot: { type: 'string' },
} as const;

/** Which flag sets which field of optimalRecipe's input, for messages (see main.ts). */
export const PLAN_FIELD_FLAGS: Record<string, string> = {
  budget: '--budget',
  'budget.gpuHours': '--gpu-hours',
  'budget.dollars': '--dollars',
  'budget.gpu': '--gpu',
  'budget.mfu': '--mfu',
  'budget.dtype': '--dtype',
  'budget.pricePerGpuHour': '--price',
  'options.hardware.gpu': '--gpu',
  'options.hardware.mfu': '--mfu',
  'options.hardware.dtype': '--dtype',
  'options.hardware.pricePerGpuHour': '--price',
  'options.models': '--models',
  'options.methods': '--methods',
  'options.methods.lora.ranks': '--ranks',
  'options.accounting': '--accounting',
  'options.batchSize': '--batch-size',
  'options.runnersUp': '--runners-up',
  'options.inferenceTokens': '--inference-tokens',
  'options.maxMemoryBytes': '--max-memory',
  'options.memory.cachedChunkPairs': '--grad-cache',
  'options.maxPairs': '--max-pairs',
  'options.throughput': '--throughput',
  law: '--law',
  config: '--model-config',
};

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

export async function plan(argv: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, 'plan');
  noPositionals('plan', positionals);
  checkOutputs([values.plot !== undefined ? { flag: '--plot', path: values.plot } : undefined], [values.law !== undefined ? { flag: '--law', path: values.law } : undefined, ...(values['model-config'] ?? []).map((path) => ({ flag: '--model-config', path }))]);
  const budgets = budgetsFrom(values);
  const options = optionsFrom(values);
  const recipes = budgets.map((b) => optimalRecipe(b, options));

  if (values.plot) {
    const flops = recipes.map((r) => r.budget.flop);
    const lo = Math.min(1.5e15, ...flops) / 1.5;
    const hi = Math.max(1.536e18, ...flops) * 1.5;
    const dense = Array.from({ length: 97 }, (_, i) => lo * (hi / lo) ** (i / 96));
    await writeOutput({ flag: '--plot', path: values.plot }, frontierSvg(frontier(dense, options), { marked: flops, law: recipes[0]!.law }));
  }

  if (values.json) {
    out(JSON.stringify(recipes.length === 1 ? recipes[0] : { recipes }, null, 2));
  } else {
    out(recipes.length === 1 ? describeRecipe(recipes[0]!) : recipeTable(recipes));
    if (values.plot) out(`\nfrontier plot written to ${values.plot}`);
  }
  return 0;
}

const positive = (flag: string, raw: string | undefined, what: string, max = MAX_FLOP) => rangeFlag(flag, raw, { min: 0, above: true, max, what });

function budgetsFrom(v: Values): Budget[] {
  const forms = [v.budget !== undefined, v['paper-budgets'] === true, v['gpu-hours'] !== undefined, v.dollars !== undefined].filter(Boolean).length;
  if (forms !== 1) throw new CliError('give exactly one of --budget, --paper-budgets, --gpu-hours or --dollars');
  if (v['gpu-hours'] !== undefined) {
    if (v.gpu === undefined) throw new CliError('--gpu-hours needs --gpu, e.g. --gpu H100');
    return [{ gpuHours: positive('gpu-hours', v['gpu-hours'], 'GPU-hours', 1e12)!, ...hardwareFlags(v) } as Budget];
  }
  if (v.dollars !== undefined) {
    if (v.gpu === undefined || v.price === undefined) throw new CliError('--dollars needs --gpu and --price (dollars per GPU-hour)');
    return [{ dollars: positive('dollars', v.dollars, 'US dollars', 1e15)!, ...hardwareFlags(v) } as Budget];
  }
  // A FLOP budget's GPU-hour and cost views use --gpu's hardware; without --gpu they are the default
  // H100's, marked assumed, so an --mfu, --dtype or --price without --gpu would be silently ignored.
  if (v.gpu === undefined) {
    const lone = (['mfu', 'dtype', 'price'] as const).find((f) => v[f] !== undefined);
    if (lone) throw new CliError(`--${lone} needs --gpu: it describes the GPU the GPU-hour and cost views are on (e.g. --gpu H100 --${lone} ${typed(v[lone]!)})`);
  }
  return v['paper-budgets'] ? PAPER_BUDGETS : numberListFlag('budget', v.budget, { min: 1, max: MAX_FLOP, what: 'FLOP' })!;
}

/** --gpu, --mfu, --dtype and --price, for a time budget or for the views of a FLOP budget. */
function hardwareFlags(v: Values) {
  const gpu = textFlag('gpu', v.gpu, `a GPU name (${GPU_NAMES.join(', ')})`);
  return {
    ...(gpu !== undefined ? { gpu } : {}),
    ...(v.mfu !== undefined ? { mfu: rangeFlag('mfu', v.mfu, { min: 0, above: true, max: 1, what: 'model FLOP utilisation' })! } : {}),
    ...(v.dtype !== undefined ? { dtype: choiceFlag('dtype', v.dtype, DTYPES)! } : {}),
    ...(v.price !== undefined ? { pricePerGpuHour: positive('price', v.price, 'dollars per GPU-hour', 1e6)! } : {}),
  };
}

function optionsFrom(v: Values): PlanOptions {
  const kinds = listFlag('methods', v.methods, (k) => choiceFlag('methods', k.trim(), METHOD_KINDS)!);
  const on = (k: MethodKind) => !kinds || kinds.includes(k);
  const ranks = numberListFlag('ranks', v.ranks, { min: 1, max: 65536, integer: true, what: 'LoRA rank' });
  if (ranks && !on('lora')) throw new CliError('--ranks applies only when --methods includes lora');
  const configs: ModelArchitecture[] = (v['model-config'] ?? []).map((path) => readModelConfig(path));
  const names = listFlag('models', v.models, (m) => textFlag('models', m.trim(), 'a model name (see repurpose models)')!);
  // A time budget carries its own hardware; a FLOP budget's views use --gpu's when given.
  const hardware = v.gpu !== undefined && v['gpu-hours'] === undefined && v.dollars === undefined ? { ...hardwareFlags(v), gpu: v.gpu } : undefined;
  const whole = (flag: string, raw: string | undefined, what: string, min = 1, max = 1e15) => rangeFlag(flag, raw, { min, max, integer: true, what });
  return {
    ...(v.law !== undefined ? { law: readLaw(v.law) } : {}),
    ...(v.family !== undefined
      ? { models: familyFlag(v.family, names !== undefined || configs.length > 0) }
      : names !== undefined || configs.length > 0
        ? { models: [...(names ?? []), ...configs] }
        : {}),
    methods: { full: on('full'), freeze: on('freeze'), bias: on('bias'), lora: on('lora') && (ranks ? { ranks } : true) },
    ...(v.accounting !== undefined ? { accounting: choiceFlag('accounting', v.accounting, ['paper', 'detailed'] as const)! } : {}),
    ...(v['batch-size'] !== undefined ? { batchSize: whole('batch-size', v['batch-size'], 'pairs per optimizer step', 1, 2 ** 24)! } : {}),
    ...(v['runners-up'] !== undefined ? { runnersUp: whole('runners-up', v['runners-up'], 'runners-up to list', 0, 1000)! } : {}),
    ...(hardware ? { hardware } : {}),
    ...(v['inference-tokens'] !== undefined ? { inferenceTokens: rangeFlag('inference-tokens', v['inference-tokens'], { min: 0, above: true, max: 1e24, what: 'tokens to embed' })! } : {}),
    ...(v['max-memory'] !== undefined ? { maxMemoryBytes: bytesFlag('max-memory', v['max-memory'])! } : {}),
    ...(v['grad-cache'] !== undefined || v['no-checkpointing']
      ? { memory: { gradientCheckpointing: !v['no-checkpointing'], ...(v['grad-cache'] !== undefined ? { cachedChunkPairs: whole('grad-cache', v['grad-cache'], 'pairs per GradCache chunk', 1, 2 ** 24)! } : {}) } }
      : {}),
    ...(v['max-pairs'] !== undefined ? { maxPairs: whole('max-pairs', v['max-pairs'], 'unique training pairs')! } : {}),
    ...(v.throughput !== undefined ? { throughput: throughputFrom(v.throughput) } : {}),
  };
}

function readLaw(path: string) {
  const what = "a law written by 'repurpose fit --out'";
  return loadLaw(parseJsonText('--law', readInputText('--law', path, what), what));
}

/** `lora=0.7,bias=0.9` → { lora: 0.7, bias: 0.9 }. */
function throughputFrom(raw: string): Record<string, number> {
  const entries = listFlag('throughput', raw, (pair) => {
    const [kind, value, extra] = pair.split('=');
    if (!kind || value === undefined || extra !== undefined) throw new CliError(`--throughput: expected method=factor pairs such as lora=0.7, got ${typed(pair)}`);
    return [choiceFlag('throughput', kind.trim(), METHOD_KINDS)!, rangeFlag('throughput', value, { min: 0, above: true, max: 1000, what: 'throughput relative to full fine-tuning' })!] as const;
  })!;
  const kinds = entries.map(([k]) => k);
  const twice = kinds.find((k, i) => kinds.indexOf(k) !== i);
  if (twice) throw new CliError(`--throughput: ${twice} given twice, got ${typed(raw)}`);
  return Object.fromEntries(entries);
}

/** --family NAME: the planner's family option; with --models it would be ambiguous, so that is refused. */
function familyFlag(family: string, modelsGiven: boolean): ModelFamily {
  if (modelsGiven) throw new CliError('--family and --models (or --model-config) both choose the candidate models; give one of them');
  if (!(MODEL_FAMILY_NAMES as readonly string[]).includes(family)) throw new CliError(`--family: expected one of ${MODEL_FAMILY_NAMES.join(', ')}, got ${JSON.stringify(family)}`);
  return family as ModelFamily;
}

const hardwareLabel = (r: Recipe) => `${r.budget.hardware.gpu} ${r.budget.hardware.dtype} @ MFU ${r.budget.hardware.mfu}`;

export function recipeTable(recipes: Recipe[]): string {
  const first = recipes[0]!;
  const rows = recipes.map((r) => [
    sci(r.budget.flop),
    num(r.budget.gpuHours),
    dollars(r.budget.dollars),
    r.model.name,
    describeMethod(r.method, r.model),
    compact(r.pairs),
    String(r.steps),
    compact(r.tokens),
    fixed(r.predictedLoss),
  ]);
  const head = ['budget (FLOP)', 'GPU-hours', 'cost', 'model', 'method', 'pairs', 'steps', 'tokens', 'pred. loss'];
  return [
    table(head, rows, [true, true, true, false, false, true, true, true, true]),
    '',
    `GPU-hours and cost on ${hardwareLabel(first)} at ${dollars(first.budget.hardware.pricePerGpuHour)}/GPU-hour${assumedNote(first)}.`,
    ...[...new Set(recipes.flatMap((r) => r.notes))].map((n) => `Note: ${n}`),
    `Law: ${first.law}${first.law === 'ziarko2024' ? ' (calibrated to the paper\u2019s decisions, not fitted to runs; losses are illustrative)' : ''}; ${first.accounting} FLOP accounting.`,
  ].join('\n');
}

const assumedNote = (r: Recipe) => (r.budget.assumed.length > 0 ? ` (assumed: ${r.budget.assumed.join(', ')}; set them with --gpu, and --mfu/--price with it)` : '');

export function describeRecipe(r: Recipe): string {
  const lines = [
    `Budget        ${sci(r.budget.flop)} FLOP = ${num(r.budget.gpuHours)} GPU-hours on ${hardwareLabel(r)} = ${dollars(r.budget.dollars)}${assumedNote(r)}`,
    `Model         ${r.model.name} (N = ${compact(r.model.nonEmbeddingParameters)} non-embedding parameters)`,
    `Method        ${describeMethod(r.method, r.model)}${r.method.kind === 'lora' ? `, alpha ${r.method.alpha}` : ''} (${compact(r.trainableParameters)} trainable)`,
    `Data          ${compact(r.pairs)} pairs = ${compact(r.tokens)} tokens = ${num(r.steps)} steps of ${num(r.batchSize)} pairs`,
    `Training FLOP ${sci(r.flops.total, 4)} (${(100 * (r.flops.total / r.budget.flop)).toFixed(3)}% of budget; forward ${sci(r.flops.forward)}, backward ${sci(r.flops.backwardActivations + r.flops.backwardWeights)})`,
    `Pred. loss    ${fixed(r.predictedLoss)}${r.lossInterval ? ` [${fixed(r.lossInterval.low)}, ${fixed(r.lossInterval.high)}] at ${r.lossInterval.level}` : ''} (law ${r.law}${r.law === 'ziarko2024' ? ': calibrated to the paper\u2019s decisions, losses illustrative' : ''})`,
  ];
  lines.push(`Memory        ~${(r.memory.total / 1e9).toFixed(1)} GB peak (estimate: weights ${(r.memory.weights / 1e9).toFixed(1)}, optimizer ${(r.memory.optimizer / 1e9).toFixed(1)}, activations ${(r.memory.activations / 1e9).toFixed(1)})`);
  if (r.inference) lines.push(`Inference     ${sci(r.inference.tokens)} tokens embedded = ${sci(r.inference.flop)} FLOP set aside (${(100 * (r.inference.flop / r.budget.flop)).toFixed(3)}% of budget)`);
  lines.push('', `Why           ${r.explanation}`);
  for (const note of r.notes) lines.push(`Note          ${note}`);
  if (r.runnersUp.length > 0) {
    lines.push('', 'Runners-up:');
    lines.push(
      table(
        ['model', 'method', 'pairs', 'pred. loss', '+ loss'],
        r.runnersUp.map((u) => [u.model.name, describeMethod(u.method, u.model), compact(u.pairs), fixed(u.predictedLoss), `+${u.lossGap < 1e-4 ? u.lossGap.toExponential(1) : fixed(u.lossGap)}`]),
        [false, false, true, true, true],
      ),
    );
  }
  return lines.join('\n');
}
