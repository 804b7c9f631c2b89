/**
 * `repurpose plan`: the compute-optimal recipe for one or more budgets, as a table or one JSON object,
 * and optionally the frontier plot (the paper's Figure 1) as SVG.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describeMethod, frontier, loadLaw, MODEL_FAMILY_NAMES, type ModelFamily, optimalRecipe, type Budget, type MethodKind, type PlanOptions, type Recipe } from '@repurpose/core';
import { bytesFlag, numberFlag, numberListFlag, parseFlags } from '../args.js';
import { CliError } from '../cli-error.js';
import { compact, dollars, fixed, sci } from '../format/numbers.js';
import { table } from '../format/table.js';
import { frontierSvg } from '../plot/frontier-svg.js';

export const PAPER_BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18];

export const PLAN_HELP = `repurpose plan — the compute-optimal recipe for a training budget

  --budget FLOP[,FLOP...]   budget(s) in FLOP, e.g. 1e17 or 1.5e15,6e15
  --paper-budgets           the paper's six budgets (1.5e15 … 1.536e18)
  --gpu-hours H --gpu NAME  a budget in GPU-hours on a GPU (see 'repurpose gpus')
  --dollars USD --price P --gpu NAME
                            a budget in dollars at P dollars per GPU-hour
  --mfu F                   model FLOP utilisation for GPU-hour budgets (default 0.4)
  --dtype T                 fp32 | tf32 | bf16 | fp16 | fp8 (default bf16)
  --law LAW.json            a law saved by 'repurpose fit --out' (default: the ziarko2024 preset)
  --models a,b              candidate models (default: the eight Pythia models)
  --family NAME             every model of one family: pythia, smollm2, qwen2.5, qwen3
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
  --plot FILE.svg           write the frontier plot: best loss per method vs budget`;

const FLAGS = {
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

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

export function plan(argv: string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new CliError(`plan takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
  const budgets = budgetsFrom(values);
  const options = optionsFrom(values);
  const recipes = budgets.map((b) => optimalRecipe(b, options));

  if (values.plot) {
    const flops = recipes.map((r) => r.budget.flop);
    const lo = Math.min(1.5e15, ...flops) / 1.5;
    const hi = Math.max(1.536e18, ...flops) * 1.5;
    const dense = Array.from({ length: 97 }, (_, i) => lo * (hi / lo) ** (i / 96));
    writeFileSync(values.plot, frontierSvg(frontier(dense, options), { marked: flops, law: recipes[0]!.law }));
  }

  if (values.json) {
    out(JSON.stringify(recipes.length === 1 ? recipes[0] : { recipes }, null, 2));
  } else {
    out(recipes.length === 1 ? describeRecipe(recipes[0]!) : recipeTable(recipes));
    if (values.plot) out(`\nfrontier plot written to ${values.plot}`);
  }
  return 0;
}

function budgetsFrom(v: Values): Budget[] {
  const forms = [v.budget !== undefined, v['paper-budgets'] === true, v['gpu-hours'] !== undefined, v.dollars !== undefined].filter(Boolean).length;
  if (forms !== 1) throw new CliError('give exactly one of --budget, --paper-budgets, --gpu-hours or --dollars');
  if (v['gpu-hours'] !== undefined) {
    if (v.gpu === undefined) throw new CliError('--gpu-hours needs --gpu, e.g. --gpu H100');
    return [{ gpuHours: numberFlag('gpu-hours', v['gpu-hours'])!, ...hardwareFlags(v) } as Budget];
  }
  if (v.dollars !== undefined) {
    if (v.gpu === undefined || v.price === undefined) throw new CliError('--dollars needs --gpu and --price (dollars per GPU-hour)');
    return [{ dollars: numberFlag('dollars', v.dollars)!, ...hardwareFlags(v) } as Budget];
  }
  return v['paper-budgets'] ? PAPER_BUDGETS : numberListFlag('budget', v.budget)!;
}

/** --gpu, --mfu, --dtype and --price, for a time budget or for the views of a FLOP budget. */
function hardwareFlags(v: Values) {
  return {
    ...(v.gpu !== undefined ? { gpu: v.gpu } : {}),
    ...(v.mfu !== undefined ? { mfu: numberFlag('mfu', v.mfu)! } : {}),
    ...(v.dtype !== undefined ? { dtype: v.dtype as never } : {}),
    ...(v.price !== undefined ? { pricePerGpuHour: numberFlag('price', v.price)! } : {}),
  };
}

/** --family NAME: the planner's family option; with --models it would be ambiguous, so that is refused. */
function familyFlag(family: string, models: string | undefined): ModelFamily {
  if (models !== undefined) throw new CliError('--family and --models both choose the candidate models; give one of them');
  if (!(MODEL_FAMILY_NAMES as readonly string[]).includes(family)) throw new CliError(`--family: expected one of ${MODEL_FAMILY_NAMES.join(', ')}, got ${JSON.stringify(family)}`);
  return family as ModelFamily;
}

function optionsFrom(v: Values): PlanOptions {
  const kinds = v.methods?.split(',').map((s) => s.trim());
  const known: MethodKind[] = ['full', 'freeze', 'bias', 'lora'];
  for (const k of kinds ?? []) if (!known.includes(k as MethodKind)) throw new CliError(`--methods: expected a list of ${known.join(', ')}, got ${JSON.stringify(k)}`);
  const on = (k: MethodKind) => !kinds || kinds.includes(k);
  const ranks = numberListFlag('ranks', v.ranks);
  // A time budget carries its own hardware; a FLOP budget's views use --gpu's when given.
  const hardware = v.gpu !== undefined && v['gpu-hours'] === undefined && v.dollars === undefined ? { ...hardwareFlags(v), gpu: v.gpu } : undefined;
  return {
    ...(v.law !== undefined ? { law: readLaw(v.law) } : {}),
    ...(v.models !== undefined ? { models: v.models.split(',').map((s) => s.trim()) } : {}),
    ...(v.family !== undefined ? { models: familyFlag(v.family, v.models) } : {}),
    methods: { full: on('full'), freeze: on('freeze'), bias: on('bias'), lora: on('lora') && (ranks ? { ranks } : true) },
    ...(v.accounting !== undefined ? { accounting: v.accounting as never } : {}),
    ...(v['batch-size'] !== undefined ? { batchSize: numberFlag('batch-size', v['batch-size'])! } : {}),
    ...(v['runners-up'] !== undefined ? { runnersUp: numberFlag('runners-up', v['runners-up'])! } : {}),
    ...(hardware ? { hardware } : {}),
    ...(v['inference-tokens'] !== undefined ? { inferenceTokens: numberFlag('inference-tokens', v['inference-tokens'])! } : {}),
    ...(v['max-memory'] !== undefined ? { maxMemoryBytes: bytesFlag('max-memory', v['max-memory'])! } : {}),
    ...(v['grad-cache'] !== undefined || v['no-checkpointing']
      ? { memory: { gradientCheckpointing: !v['no-checkpointing'], ...(v['grad-cache'] !== undefined ? { cachedChunkPairs: numberFlag('grad-cache', v['grad-cache'])! } : {}) } }
      : {}),
    ...(v['max-pairs'] !== undefined ? { maxPairs: numberFlag('max-pairs', v['max-pairs'])! } : {}),
    ...(v.throughput !== undefined ? { throughput: throughputFrom(v.throughput) } : {}),
  };
}

function readLaw(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`--law: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return loadLaw(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new CliError(`--law: ${path} is not JSON (${error.message})`);
    throw error;
  }
}

/** `lora=0.7,bias=0.9` → { lora: 0.7, bias: 0.9 }. */
function throughputFrom(raw: string): Record<string, number> {
  return Object.fromEntries(
    raw.split(',').map((pair) => {
      const [kind, value] = pair.split('=');
      if (!kind || value === undefined) throw new CliError(`--throughput: expected method=factor pairs such as lora=0.7, got ${JSON.stringify(pair)}`);
      return [kind.trim(), numberFlag('throughput', value)!];
    }),
  );
}

const hardwareLabel = (r: Recipe) => `${r.budget.hardware.gpu} ${r.budget.hardware.dtype} @ MFU ${r.budget.hardware.mfu}`;

export function recipeTable(recipes: Recipe[]): string {
  const first = recipes[0]!;
  const rows = recipes.map((r) => [
    sci(r.budget.flop),
    r.budget.gpuHours.toPrecision(3),
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

const assumedNote = (r: Recipe) => (r.budget.assumed.length > 0 ? ` (assumed: ${r.budget.assumed.join(', ')}; pass --gpu/--mfu/--price to set)` : '');

export function describeRecipe(r: Recipe): string {
  const lines = [
    `Budget        ${sci(r.budget.flop)} FLOP = ${r.budget.gpuHours.toPrecision(3)} GPU-hours on ${hardwareLabel(r)} = ${dollars(r.budget.dollars)}${assumedNote(r)}`,
    `Model         ${r.model.name} (N = ${compact(r.model.nonEmbeddingParameters)} non-embedding parameters)`,
    `Method        ${describeMethod(r.method, r.model)}${r.method.kind === 'lora' ? `, alpha ${r.method.alpha}` : ''} (${compact(r.trainableParameters)} trainable)`,
    `Data          ${compact(r.pairs)} pairs = ${compact(r.tokens)} tokens = ${r.steps} steps of ${r.batchSize} pairs`,
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
