/**
 * `repurpose export-recipe`: a recipe (what `repurpose plan --json` prints) as a runnable training
 * script for an existing distributed engine — train.py on PyTorch + sentence-transformers + PEFT,
 * launched with torchrun or accelerate launch — and its run config recipe.json. The script appends
 * its held-out loss to a run ledger that `repurpose fit` reads (docs/distributed.md). Every flag is
 * checked before anything is written; each file is written atomically. Not a launcher: nothing runs.
 */
import { chmodSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type ExportedFile, type ExportRecipeOptions, exportRecipe, type RecipeRunConfig } from '@repurpose/core';
import { makeFolders } from '@repurpose/core/node';
import { bytesFlag, choiceFlag, noPositionals, parseFlags, rangeFlag, requireFlag, textFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { parseJsonText, readInputText, statInput } from '../files/input-file.js';
import { checkOutputs, writeOutput } from '../files/output-files.js';

export const EXPORT_RECIPE_HELP = `repurpose export-recipe — a recipe as a multi-GPU training script (docs/distributed.md)

  --recipe FILE         a recipe: what 'repurpose plan --json' prints (one budget, or --index with several)
  --to sentence-transformers
                        the engine: PyTorch + sentence-transformers + PEFT (torchrun / accelerate launch)
  --out DIR             the folder to write train.py and recipe.json into (created if missing)
  --index N             which recipe of a 'plan --json' file with several budgets (0-based)
${RUN_FLAGS_HELP()}
  --id ID               the ledger line's id (default: model, method and budget)
  --json                print the run config as JSON instead of a summary`;

/** The flags export-recipe and sweep share: where the data is and how the run is shaped. */
export function RUN_FLAGS_HELP(): string {
  return `  --model ID|DIR        Hugging Face model id or local folder (default: the catalog model's hub id)
  --train FILE          training pairs: BGE JSONL, JSONL (query/positive) or TSV (the script can take it later)
  --held-out FILE       held-out pairs (default: the pairs after the training pairs in --train)
  --held-out-pairs N    held-out pairs the ledger's loss is measured on (default 4 batches)
  --ledger FILE         the run ledger the script appends to (default runs.jsonl in --out)
  --peak-lr X           peak learning rate (default 1e-3, the paper's)
  --warmup F            warm-up fraction of the steps (default 0.1)
  --no-lora-embed-in    LoRA: leave the input embedding without an adapter (default: adapt it, as the engine)
  --gpus N              GPUs the run is sized for: the batch splits over them (default 8)
  --gpu-memory SIZE     memory of one GPU, e.g. 80GB (default 80GB): over it the loss is cached (GradCache)
  --mini-batch N        pairs per GradCache mini-batch (0 = off; default: chosen from the memory estimate)
  --precision P         auto | fp32 | bf16 | fp16 (default auto: bf16 on GPUs that have it, else fp32)
  --no-gradient-checkpointing
                        keep every activation (default: checkpointing on CUDA, as the paper)
  --seed S              data shuffle and adapter initialisation seed (default 0)`;
}

export const RUN_FLAGS = {
  model: { type: 'string' },
  train: { type: 'string' },
  'held-out': { type: 'string' },
  'held-out-pairs': { type: 'string' },
  ledger: { type: 'string' },
  'peak-lr': { type: 'string' },
  warmup: { type: 'string' },
  'no-lora-embed-in': { type: 'boolean' },
  gpus: { type: 'string' },
  'gpu-memory': { type: 'string' },
  'mini-batch': { type: 'string' },
  precision: { type: 'string' },
  'no-gradient-checkpointing': { type: 'boolean' },
  seed: { type: 'string' },
} as const;

export const FLAGS = {
  ...RUN_FLAGS,
  recipe: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  index: { type: 'string' },
  id: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Which flag sets which export option, for messages (see main.ts). */
export const EXPORT_RECIPE_FIELD_FLAGS: Record<string, string> = {
  recipe: '--recipe',
  'options.model': '--model',
  'options.heldOutPairs': '--held-out-pairs',
  'options.peakLearningRate': '--peak-lr',
  'options.warmupFraction': '--warmup',
  'options.gpus': '--gpus',
  'options.gpuMemoryBytes': '--gpu-memory',
  'options.miniBatch': '--mini-batch',
  'options.seed': '--seed',
  'options.id': '--id',
};

export const ENGINES = ['sentence-transformers'] as const;

type RunValues = { [K in keyof typeof RUN_FLAGS]?: (typeof RUN_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** The export options the shared flags set. Paths the user typed are made absolute: the script runs from anywhere. */
export function runOptionsFrom(v: RunValues): ExportRecipeOptions {
  const whole = (flag: string, raw: string | undefined, what: string, min = 1, max = 2 ** 31) => rangeFlag(flag, raw, { min, max, integer: true, what });
  const model = textFlag('model', v.model, 'a Hugging Face model id or a local folder');
  if (v.train !== undefined) statInput('--train', v.train, 'a pair file (BGE JSONL, JSONL or TSV)');
  if (v['held-out'] !== undefined) statInput('--held-out', v['held-out'], 'a pair file (BGE JSONL, JSONL or TSV)');
  return {
    ...(model !== undefined ? { model: isFolder(model) ? resolve(model) : model } : {}),
    ...(v.train !== undefined ? { train: resolve(v.train) } : {}),
    ...(v['held-out'] !== undefined ? { heldOut: resolve(v['held-out']) } : {}),
    ...(v['held-out-pairs'] !== undefined ? { heldOutPairs: whole('held-out-pairs', v['held-out-pairs'], 'held-out pairs')! } : {}),
    ...(v['peak-lr'] !== undefined ? { peakLearningRate: rangeFlag('peak-lr', v['peak-lr'], { min: 0, above: true, max: 0.999, what: 'peak learning rate' })! } : {}),
    ...(v.warmup !== undefined ? { warmupFraction: rangeFlag('warmup', v.warmup, { min: 0, max: 1, what: 'warm-up fraction of the steps' })! } : {}),
    ...(v['no-lora-embed-in'] ? { loraEmbedIn: false } : {}),
    ...(v.gpus !== undefined ? { gpus: whole('gpus', v.gpus, 'GPUs', 1, 1_000_000)! } : {}),
    ...(v['gpu-memory'] !== undefined ? { gpuMemoryBytes: bytesFlag('gpu-memory', v['gpu-memory'])! } : {}),
    ...(v['mini-batch'] !== undefined ? { miniBatch: whole('mini-batch', v['mini-batch'], 'pairs per GradCache mini-batch; 0 = off', 0)! } : {}),
    ...(v.precision !== undefined ? { precision: choiceFlag('precision', v.precision, ['auto', 'fp32', 'bf16', 'fp16'] as const)! } : {}),
    ...(v['no-gradient-checkpointing'] ? { gradientCheckpointing: false } : {}),
    ...(v.seed !== undefined ? { seed: whole('seed', v.seed, 'seed', 0)! } : {}),
  };
}

function isFolder(path: string): boolean {
  return statOrUndefined(path)?.isDirectory() ?? false;
}

/** --out DIR, checked before any work: an existing folder, or a new one whose parent exists (made when writing). */
export function outputFolder(dir: string | undefined): string {
  const out = requireFlag('out', textFlag('out', dir, 'a folder to write into'), 'the folder to write the files into');
  const stats = statOrUndefined(out);
  if (stats && !stats.isDirectory()) throw new CliError(`--out: ${JSON.stringify(out)} is not a folder; expected a folder to write into`);
  if (!stats && !statOrUndefined(resolve(out, '..'))?.isDirectory()) throw new CliError(`--out: cannot create the folder ${JSON.stringify(out)}: its parent does not exist`);
  return out;
}

/**
 * The ledger the script will append to: it may not exist yet (nor its folder, here: the script may run
 * elsewhere), but where something is at that path it must be a regular file.
 */
function ledgerPath(raw: string): string {
  const path = resolve(textFlag('ledger', raw, 'a ledger file path')!);
  const stats = statOrUndefined(path);
  if (stats && !stats.isFile()) throw new CliError(`--ledger: ${JSON.stringify(raw)} is ${stats.isDirectory() ? 'a directory' : 'not a regular file (a FIFO, socket or device)'}; expected a ledger file path (JSONL) the script appends to`);
  return path;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Writes each file under `dir` atomically (folders made as needed); scripts get the executable bit. */
export async function writeExportedFiles(dir: string, files: readonly ExportedFile[], inputs: readonly { flag: string; path: string }[]): Promise<void> {
  const named = files.map((f) => ({ flag: '--out', path: join(dir, ...f.path.split('/')) }));
  try {
    for (const f of named) makeFolders(resolve(f.path, '..'));
  } catch (error) {
    throw new CliError(`--out: cannot create folders in ${JSON.stringify(dir)} (${(error as NodeJS.ErrnoException).code ?? 'mkdir failed'})`);
  }
  checkOutputs(named, inputs);
  for (let i = 0; i < files.length; i++) {
    await writeOutput(named[i]!, files[i]!.text);
    if (files[i]!.executable) chmodSync(named[i]!.path, 0o755);
  }
}

export async function exportRecipeCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'export-recipe');
  noPositionals('export-recipe', positionals);
  requireFlag('to', choiceFlag('to', v.to, ENGINES), `the engine to export to (${ENGINES.join(', ')})`);
  const recipePath = requireFlag('recipe', v.recipe, "a recipe file: 'repurpose plan --budget 1e17 --json > recipe.json'");
  const what = "a recipe (what 'repurpose plan --json' prints)";
  const parsed = parseJsonText('--recipe', readInputText('--recipe', recipePath, what), what);
  const recipe = pickRecipe(parsed, v.index);
  const dir = outputFolder(v.out);
  const options: ExportRecipeOptions = {
    ...runOptionsFrom(v),
    ...(v.ledger !== undefined ? { ledger: ledgerPath(v.ledger) } : {}),
    ...(v.id !== undefined ? { id: textFlag('id', v.id, 'a run id')! } : {}),
  };
  const exported = exportRecipe(recipe, options);
  const inputs = [{ flag: '--recipe', path: recipePath }, ...(v.train ? [{ flag: '--train', path: v.train }] : []), ...(v['held-out'] ? [{ flag: '--held-out', path: v['held-out'] }] : [])];
  await writeExportedFiles(dir, exported.files, inputs);
  out(v.json ? JSON.stringify(exported.config, null, 2) : describeExport(dir, exported.config));
  return 0;
}

/** One recipe, or `{ recipes: [...] }` with --index. */
function pickRecipe(parsed: unknown, index: string | undefined): unknown {
  const list = parsed !== null && typeof parsed === 'object' && Array.isArray((parsed as { recipes?: unknown }).recipes) ? ((parsed as { recipes: unknown[] }).recipes) : undefined;
  if (list === undefined) {
    if (index !== undefined) throw new CliError('--index applies only to a file with several recipes ({ "recipes": [...] })');
    return parsed;
  }
  if (index === undefined) throw new CliError(`--recipe holds ${list.length} recipes (one per budget); choose one with --index 0..${list.length - 1}`);
  const i = rangeFlag('index', index, { min: 0, max: list.length - 1, integer: true, what: `a recipe of the ${list.length} in the file` })!;
  return list[i];
}

function describeExport(dir: string, c: RecipeRunConfig): string {
  const script = join(dir, 'train.py');
  const ledger = isAbsolute(c.ledger.path) ? c.ledger.path : join(dir, c.ledger.path);
  const data = c.data.train === null ? ' --train PAIRS.jsonl' : '';
  return [
    `wrote ${script} and ${join(dir, 'recipe.json')}`,
    `  ${c.model.name} (${c.model.path}), ${c.method.kind}${c.peft ? ` r=${c.peft.r} alpha=${c.peft.lora_alpha} on ${c.peft.target_modules.join(', ')}` : ''}`,
    `  ${c.pairs} pairs, ${c.steps} steps of ${c.batchSize} (${c.batchSize / c.gpus} per GPU on ${c.gpus}), peak lr ${c.schedule.peakLearningRate}, ${c.schedule.warmupSteps} warm-up steps`,
    `  loss: symmetric InfoNCE at scale ${c.loss.scale}${c.loss.cachedMiniBatch ? `, cached in mini-batches of ${c.loss.cachedMiniBatch}` : ''} (${c.loss.why})`,
    '',
    'run it:',
    `  torchrun --nproc_per_node ${c.gpus} ${script}${data}`,
    `  accelerate launch --num_processes ${c.gpus} ${script}${data}`,
    `then: repurpose fit ${ledger} --out law.json`,
  ].join('\n');
}
