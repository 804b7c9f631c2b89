/**
 * `repurpose export`: a trainer checkpoint and its base model folder → a folder other libraries load:
 * `hf` (transformers), `sentence-transformers`, `peft` (LoRA runs), each with a model card
 * (core's exportModel / exportModelDir; docs/export.md). The folder appears whole or not at all (a
 * staging folder renamed into place). `onnx` is the transformers.js folder of `@repurpose/backend-onnx`
 * (buildExportFiles: config.json, tokenizer files, onnx/model.onnx, f32), with the same card.
 *
 * Every flag and input is checked before anything is written. Not a trainer and not an uploader.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_MAX_SEQ_LENGTH, EXPORT_DTYPES, EXPORT_FORMATS, ModelCardInputSchema, modelCard, trainedWeights, type ExportedFolder, type ModelCardInput } from '@repurpose/core/engine';
import { exportModelDir, loadCheckpointDir, readTokenizerFiles, readTrainerCheckpointFile, sha256File, writeExportedFolder } from '@repurpose/core/node';
import { TOKENIZER_FILE_NAMES, buildExportFiles } from '@repurpose/backend-onnx';
import { choiceFlag, noPositionals, parseFlags, rangeFlag, requireFlag, textFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { parseJsonText, readInputText, statInput } from '../files/input-file.js';
import { num } from '../format/numbers.js';

export const EXPORT_HELP = `repurpose export — write a trained model in a format other libraries load

  --format F                hf | sentence-transformers | peft | onnx
                            hf: config.json + model.safetensors (LoRA merged) + tokenizer files;
                            sentence-transformers: the same + modules.json, pooling and configs;
                            peft: adapter_config.json + adapter_model.safetensors (LoRA runs)
  --model DIR               the base model folder the run started from (config.json, weights, tokenizer)
  --checkpoint FILE         a checkpoint of the repurpose trainer (without it: the base, converted)
  --out DIR                 the folder to write (new or empty; --overwrite replaces one)
  --dtype f32|f16|bf16      storage precision of the weights (default f32)
  --max-seq-length N        sentence-transformers' truncation (default 75, the paper's)
  --recipe FILE             the recipe followed, for the card (\`repurpose plan --json\` output)
  --eval FILE               an evaluation table for the card: JSON [{"metric", "split", "value", "before"}]
  --data FILE               the training pair file: its SHA-256 goes on the card
  --base-name NAME          the base model's name on the card (e.g. EleutherAI/pythia-160m)
  --title TEXT              the card's title
  --overwrite               replace an existing folder at --out
  --json                    print {"format", "out", "files"} instead of a summary`;

export const EXPORT_FIELD_FLAGS: Record<string, string> = {
  'input.maxSeqLength': '--max-seq-length',
  'input.checkpoint': '--checkpoint',
  'input.tokenizer': '--model',
  card: '--recipe',
  'card.evaluation': '--eval',
  'card.title': '--title',
  'card.baseModel': '--base-name',
  dir: '--out',
};

export const FLAGS = {
  format: { type: 'string' },
  model: { type: 'string' },
  checkpoint: { type: 'string' },
  out: { type: 'string' },
  dtype: { type: 'string' },
  'max-seq-length': { type: 'string' },
  recipe: { type: 'string' },
  eval: { type: 'string' },
  data: { type: 'string' },
  'base-name': { type: 'string' },
  title: { type: 'string' },
  overwrite: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function exportCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'export');
  noPositionals('export', positionals);
  const format = requireFlag('format', choiceFlag('format', v.format, EXPORT_FORMATS), EXPORT_FORMATS.join(' | '));
  const model = requireFlag('model', textFlag('model', v.model, 'the base model folder'), 'the base model folder the run started from');
  const outDir = requireFlag('out', textFlag('out', v.out, 'a folder to write'), 'the folder to write');
  const dtype = choiceFlag('dtype', v.dtype, EXPORT_DTYPES);
  const maxSeqLength = rangeFlag('max-seq-length', v['max-seq-length'], { min: 1, max: 1_000_000, integer: true, what: 'tokens' });
  checkModelDir(model);
  if (v.checkpoint !== undefined) {
    const stats = statInput('--checkpoint', v.checkpoint, 'a checkpoint written by the repurpose trainer');
    if (stats.size > MAX_CHECKPOINT_BYTES) throw new CliError(`--checkpoint: ${JSON.stringify(v.checkpoint)} is ${num(stats.size)} bytes; expected a trainer checkpoint of at most ${num(MAX_CHECKPOINT_BYTES)} bytes (2 GiB, the most one read takes)`);
  }
  if (v.data !== undefined) statInput('--data', v.data, 'the training pair file');
  checkOutDir(outDir, model, v.overwrite ?? false);
  const card: ModelCardInput = {
    ...(v.recipe !== undefined ? { recipe: readRecipe(v.recipe) } : {}),
    ...(v.eval !== undefined ? { evaluation: readEvaluation(v.eval) } : {}),
    ...(v['base-name'] !== undefined ? { baseModel: textFlag('base-name', v['base-name'], 'a model name')! } : {}),
    ...(v.title !== undefined ? { title: textFlag('title', v.title, 'a title')! } : {}),
  };
  if (format === 'onnx' && dtype !== undefined && dtype !== 'f32') throw new CliError(`--dtype ${dtype}: the onnx export writes f32 weights; drop --dtype`);
  const checkpoint = v.checkpoint === undefined ? undefined : await readCheckpoint(v.checkpoint);
  const folder = format === 'onnx' ? await writeOnnxFolder(model, outDir, checkpoint, card, v.data, v.overwrite ?? false) : await exportModelDir({
    format, model, out: outDir, card,
    ...(checkpoint ? { checkpoint } : {}),
    ...(v.data !== undefined ? { data: v.data } : {}),
    ...(dtype ? { dtype } : {}),
    ...(maxSeqLength !== undefined ? { maxSeqLength } : {}),
    overwrite: v.overwrite ?? false,
  });
  const files = folder.files.map((f) => f.path);
  if (v.json) {
    out(JSON.stringify({ format, out: outDir, files }));
    return 0;
  }
  const bytes = folder.files.reduce((s, f) => s + f.bytes.length, 0);
  out(`wrote ${format} folder ${outDir} (${files.length} files, ${num(bytes)} bytes${dtype ? `, ${dtype}` : ''}): ${files.join(', ')}`);
  return 0;
}

const MAX_CHECKPOINT_BYTES = 2 ** 31 - 1;

/**
 * `--format onnx`: the transformers.js folder of `@repurpose/backend-onnx` (config.json, tokenizer
 * files, onnx/model.onnx with the trained weights, LoRA merged) plus the same model card, written
 * through the same staging-folder writer as the other formats.
 */
async function writeOnnxFolder(model: string, out: string, checkpoint: Awaited<ReturnType<typeof readCheckpoint>> | undefined, card: ModelCardInput, data: string | undefined, overwrite: boolean): Promise<ExportedFolder> {
  const base = await loadCheckpointDir(model);
  const tokenizer = await readTokenizerFiles(model);
  const { parameters } = trainedWeights(base.architecture, base.parameters, checkpoint);
  const files = buildExportFiles({
    architecture: base.architecture,
    parameters,
    config: base.config,
    tokenizer: Object.fromEntries([...tokenizer].filter(([name]) => (TOKENIZER_FILE_NAMES as readonly string[]).includes(name))),
  });
  const dataHash = data === undefined ? card.dataHash : await sha256File(data);
  const arch = base.architecture;
  const readme = modelCard(
    { format: 'onnx', dtype: 'f32', modelName: arch.name, hiddenSize: arch.hiddenSize, maxSeqLength: Math.min(DEFAULT_MAX_SEQ_LENGTH, arch.maxPositionEmbeddings), ...(checkpoint ? { state: checkpoint.state } : {}) },
    { ...card, ...(dataHash ? { dataHash } : {}) },
  );
  const folder: ExportedFolder = { format: 'onnx', files: [...[...files].map(([path, bytes]) => ({ path, bytes })), { path: 'README.md', bytes: new TextEncoder().encode(readme) }] };
  await writeExportedFolder(out, folder, { overwrite });
  return folder;
}

/** The checkpoint, with its decoder's errors naming the flag and the file. */
async function readCheckpoint(path: string) {
  try {
    return await readTrainerCheckpointFile(path);
  } catch (error) {
    if (error instanceof Error) error.message = `--checkpoint ${JSON.stringify(path)}: ${error.message.replace(`${path}: `, '')}`;
    throw error;
  }
}

function checkModelDir(dir: string): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new CliError(`--model: cannot read ${JSON.stringify(dir)} (no such directory); expected the base model folder (config.json, model.safetensors)`);
  }
  if (!isDir) throw new CliError(`--model: ${JSON.stringify(dir)} is not a directory; expected the base model folder`);
  statInput('--model', resolve(dir, 'config.json'), 'a model folder with config.json');
}

/** The output folder: its parent exists, it is not the model folder or inside it, and it is new or empty (unless --overwrite). */
function checkOutDir(dir: string, model: string, overwrite: boolean): void {
  const target = resolve(dir);
  let parent: string;
  try {
    parent = realpathSync(dirname(target));
  } catch {
    throw new CliError(`--out: cannot write ${JSON.stringify(dir)}: the directory ${JSON.stringify(dirname(dir))} does not exist`);
  }
  const real = resolve(parent, target.slice(dirname(target).length + 1));
  const modelReal = realpathSync(model);
  if (real === modelReal || real.startsWith(`${modelReal}/`) || modelReal.startsWith(`${real}/`)) {
    throw new CliError(`--out: ${JSON.stringify(dir)} is the model folder --model ${JSON.stringify(model)} (or contains it, or lies inside it); choose another folder`);
  }
  let info;
  try {
    info = statSync(target);
  } catch {
    return;
  }
  if (!info.isDirectory()) throw new CliError(`--out: ${JSON.stringify(dir)} is a file; expected a folder to write`);
  if (!overwrite && readdirSync(target).length > 0) throw new CliError(`--out: ${JSON.stringify(dir)} is not empty; pass --overwrite to replace it`);
}

/** `repurpose plan --json` output (budget.flop, model.name, …) or the card's recipe shape itself. */
function readRecipe(path: string): NonNullable<ModelCardInput['recipe']> {
  const value = parseJsonText('--recipe', readInputText('--recipe', path, 'a recipe (repurpose plan --json output)'), 'a recipe (repurpose plan --json output)');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CliError('--recipe: expected a JSON object (repurpose plan --json output)');
  const r = value as Record<string, unknown>;
  const budget = r['budget'];
  const model = r['model'];
  const recipe = {
    ...(typeof budget === 'number' ? { budget } : budget && typeof (budget as { flop?: unknown }).flop === 'number' ? { budget: (budget as { flop: number }).flop } : {}),
    ...(typeof model === 'string' ? { model } : model && typeof (model as { name?: unknown }).name === 'string' ? { model: (model as { name: string }).name } : {}),
    ...(r['method'] !== undefined ? { method: r['method'] } : {}),
    ...(r['pairs'] !== undefined ? { pairs: r['pairs'] } : {}),
    ...(r['steps'] !== undefined ? { steps: r['steps'] } : {}),
    ...(r['predictedLoss'] !== undefined ? { predictedLoss: r['predictedLoss'] } : {}),
  };
  // Unknown keys are allowed (plan's output has more), but a file with none of these is not a recipe.
  if (Object.keys(recipe).length === 0) throw new CliError(`--recipe: ${path} has none of a recipe's fields (budget, model, method, pairs, steps, predictedLoss); expected repurpose plan --json output for one budget`);
  const parsed = ModelCardInputSchema.shape.recipe.safeParse(recipe);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`--recipe: ${path}: ${issue.path.join('.') || 'recipe'}: expected ${issue.message}`);
  }
  return parsed.data!;
}

function readEvaluation(path: string): NonNullable<ModelCardInput['evaluation']> {
  const what = 'an evaluation table: JSON [{"metric", "split", "value", "before"}] or {"rows": [...]}';
  const value = parseJsonText('--eval', readInputText('--eval', path, what), what);
  const rows = Array.isArray(value) ? value : (value as { rows?: unknown } | null)?.rows;
  const parsed = ModelCardInputSchema.shape.evaluation.safeParse(rows);
  if (!parsed.success || parsed.data === undefined) {
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    throw new CliError(`--eval: ${path}: ${issue ? `row ${issue.path.join('.')}: expected ${issue.message}` : `expected ${what}`}`);
  }
  return parsed.data;
}
