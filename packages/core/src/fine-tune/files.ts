/**
 * `fineTuneFiles(options, onEvent?)` — fineTune on files, in Node: the base model folder (HF layout:
 * config.json, model.safetensors or shards, tokenizer.json and tokenizer_config.json), a pair file,
 * optionally a scored-pair TSV, and an output folder that receives, each file written atomically
 * (a temporary file, then a rename):
 *
 *   checkpoint.safetensors  the run's checkpoint every K steps and at the end (run-checkpoint.ts);
 *                           `resumeDir` continues from the one in that folder
 *   log.jsonl               one line per event (steps, evaluations, warnings), rewritten with each
 *                           checkpoint, so it never runs ahead of the checkpoint it belongs to
 *   model/                  the trained model in the base folder's layout (LoRA merged), with its
 *                           config and tokenizer files copied — loadable like the base
 *   evaluation.json / .txt  the before/after reports and their table
 *
 * and appends the run's line to `ledger` (read, extended, written atomically). Exported from
 * `@repurpose/core/node`. Not a downloader: every path is local.
 */
import { readdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { ValidationError } from '../errors.js';
import { readScoredPairsPath } from '../eval/files.js';
import { formatEvaluationTable } from '../eval/eval-table.js';
import { readRegularFile, readRegularTextFile } from '../io/read-regular-file.js';
import { writeSafetensorsFile } from '../io/safetensors-file.js';
import type { TensorToWrite } from '../io/safetensors-write.js';
import { makeFolders } from '../io/make-folders.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { LedgerRecord } from '../fit/ledger.js';
import { loadCheckpointDir } from '../model/checkpoint-file.js';
import { mergeLora } from '../model/lora.js';
import { methodPlan } from '../model/method-plan.js';
import { loadTokenizerDir, readPairFilePath } from '../text/files.js';
import { type FineTuneEvent, type FineTuneOptions, type FineTuneResult, fineTune } from './fine-tune.js';
import { type FineTuneCheckpoint, decodeFineTuneCheckpoint, encodeFineTuneCheckpoint } from './run-checkpoint.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const LOG_FILE = 'log.jsonl';

export interface FineTuneFilesOptions extends Omit<FineTuneOptions, 'model' | 'tokenizer' | 'pairs' | 'onCheckpoint' | 'resume' | 'scored'> {
  readonly modelDir: string;
  readonly pairFile: string;
  readonly outDir: string;
  /** A run folder whose checkpoint.safetensors to continue from. */
  readonly resumeDir?: string;
  /** A run ledger (JSONL) to append the finished run's line to. */
  readonly ledger?: string;
  /** STS-style scored pairs (sentence1, sentence2, score TSV). */
  readonly scoredFile?: string;
  /** Token truncation; default 75 (the paper's). */
  readonly maxTokens?: number;
}

export interface FineTuneFilesResult extends FineTuneResult {
  readonly files: { readonly checkpoint: string; readonly log: string; readonly model: string; readonly evaluation: string | null; readonly ledger: string | null };
}

export async function fineTuneFiles(options: FineTuneFilesOptions, onEvent: (event: FineTuneEvent) => void = () => {}): Promise<FineTuneFilesResult> {
  const { modelDir, pairFile, outDir, resumeDir, ledger, scoredFile, maxTokens, ...rest } = options;
  for (const [field, value] of Object.entries({ modelDir, pairFile, outDir })) {
    if (typeof value !== 'string' || value === '') throw new ValidationError(`options.${field}`, value, 'a path');
  }
  checkRunFolder(outDir, resumeDir);
  // Everything is read and checked before any compute: the pair file (every bad line), the tokenizer, the model.
  const resume = resumeDir === undefined ? undefined : await readFineTuneCheckpoint(join(resumeDir, CHECKPOINT_FILE));
  const { pairs } = await readPairFilePath(pairFile);
  const scored = scoredFile === undefined ? undefined : await readScoredPairsPath(scoredFile);
  // A resumed run tokenizes as it started (the checkpoint's truncation), unless told otherwise (then the data check refuses it).
  const truncation = maxTokens ?? resume?.run.data.maxTokens;
  const tokenizer = await loadTokenizerDir(modelDir, truncation === undefined ? {} : { maxTokens: truncation });
  // The model is named after its folder (the ledger and recipes show it), as `repurpose plan --model-config` names it.
  const model = await loadCheckpointDir(modelDir, { dtype: resume?.trainer.state.dtype ?? options.dtype ?? 'f32', name: basename(resolve(modelDir)) });
  // Created once the plan is settled (fineTune's 'plan' event, before the first step), so a run refused
  // before any compute leaves nothing behind and a folder that cannot be made fails before hours of it.
  let made = false;
  const ensureOut = () => {
    if (!made) makeRunFolder(outDir);
    made = true;
  };
  const checkpointPath = join(outDir, CHECKPOINT_FILE);
  const logPath = join(outDir, LOG_FILE);

  // The log continues a resumed run's, up to the step it resumes from.
  const log: string[] = [];
  if (resume && resumeDir !== undefined) {
    const previous = await readRegularTextFile(join(resumeDir, LOG_FILE)).catch(() => '');
    for (const line of previous.split('\n')) {
      if (line.trim() === '') continue;
      const step = (JSON.parse(line) as { step?: number }).step;
      if (step === undefined || step <= resume.trainer.state.step) log.push(line);
    }
  }
  const flushLog = async () => {
    ensureOut();
    await writeFileAtomic(logPath, log.length === 0 ? '' : `${log.join('\n')}\n`);
  };

  const result = await fineTune(
    {
      ...rest,
      model: { architecture: model.architecture, parameters: model.parameters },
      tokenizer,
      pairs,
      ...(scored ? { scored } : {}),
      ...(resume ? { resume } : {}),
      hardware: options.hardware ?? hardwareDescription(options.backend.name),
      provenance: { pairFile, ...(options.provenance ?? {}) },
      onCheckpoint: async (checkpoint) => {
        ensureOut();
        await writeFileAtomic(checkpointPath, encodeFineTuneCheckpoint(checkpoint));
        await flushLog();
      },
    },
    (event) => {
      if (event.kind === 'plan') ensureOut();
      log.push(JSON.stringify(event.kind === 'plan' ? { kind: 'plan', plan: event.plan, steps: event.steps, trainPairs: event.trainPairs, heldOutPairs: event.heldOutPairs, batch: event.batch } : event));
      onEvent(event);
    },
  );
  await flushLog();

  const modelOut = join(outDir, 'model');
  await writeModelFolder(modelDir, modelOut, model.architecture, result);
  let evaluation: string | null = null;
  if (result.before || result.after) {
    evaluation = join(outDir, 'evaluation.json');
    await writeFileAtomic(evaluation, `${JSON.stringify({ before: result.before, after: result.after, during: result.evaluations }, null, 2)}\n`);
    await writeFileAtomic(join(outDir, 'evaluation.txt'), `${evaluationTable(result)}\n`);
  }
  if (ledger !== undefined && result.ledger) await appendLedgerLine(ledger, result.ledger);
  return { ...result, files: { checkpoint: checkpointPath, log: logPath, model: modelOut, evaluation, ledger: ledger !== undefined && result.ledger ? ledger : null } };
}

/**
 * The run folder must be new, empty, or the folder being resumed: never a file, a device, or a folder
 * holding other things (a model folder given as the output would get a run written into it). A new
 * folder's nearest existing ancestor must be a directory.
 */
function checkRunFolder(outDir: string, resumeDir: string | undefined): void {
  const info = pathInfo(outDir, outDir);
  if (info) {
    if (!info.isDirectory()) throw new ValidationError('options.outDir', outDir, `a folder for the run (it is ${info.isFile() ? 'a file' : 'not a directory'})`);
    const resuming = resumeDir !== undefined && resolve(resumeDir) === resolve(outDir);
    if (!resuming && readdirSync(outDir).length > 0) throw new ValidationError('options.outDir', outDir, 'a new or empty folder for the run (it holds files; to continue a run there, resume from it)');
    return;
  }
  let ancestor = dirname(resolve(outDir));
  let found = pathInfo(ancestor, outDir);
  for (; !found; found = pathInfo(ancestor, outDir)) ancestor = dirname(ancestor);
  if (!found.isDirectory()) throw new ValidationError('options.outDir', outDir, `a folder path (${ancestor} is not a directory)`);
}

/** stat, or undefined where nothing is; a path through a file is refused, naming the run folder. */
function pathInfo(path: string, outDir: string): ReturnType<typeof statSync> {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw new ValidationError('options.outDir', outDir, `a folder path (${path}: ${(error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'a part of it is a file, not a directory' : String(error)})`);
  }
}

/** Makes the run folder (and missing parents; see makeFolders), naming the option when it cannot. */
function makeRunFolder(outDir: string): void {
  try {
    makeFolders(outDir);
  } catch (error) {
    throw new ValidationError('options.outDir', outDir, `a folder that can be created (${(error as NodeJS.ErrnoException).code ?? String(error)}${(error as { path?: string }).path ? ` making ${(error as { path: string }).path}` : ''})`);
  }
}

/** The before/after table of a result. */
export function evaluationTable(result: Pick<FineTuneResult, 'before' | 'after' | 'step'>): string {
  const columns = [
    ...(result.before ? [{ label: 'before', report: result.before }] : []),
    ...(result.after ? [{ label: `after (step ${result.step})`, report: result.after }] : []),
  ];
  return columns.length === 0 ? '' : formatEvaluationTable(columns);
}

export async function readFineTuneCheckpoint(path: string): Promise<FineTuneCheckpoint> {
  const bytes = await readRegularFile(path, { field: path, what: `a run checkpoint (${CHECKPOINT_FILE} written by repurpose train)` });
  try {
    return decodeFineTuneCheckpoint(bytes, path);
  } catch (error) {
    if (error instanceof Error && !error.message.includes(path)) error.message = `${path}: ${error.message}`;
    throw error;
  }
}

/** Appends one JSON line to a ledger: the old text, then the line, written atomically (never half a line). */
export async function appendLedgerLine(path: string, record: LedgerRecord): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  const old = exists ? await readRegularTextFile(path, { field: path, what: 'a run ledger (JSONL)' }) : '';
  await writeFileAtomic(path, `${old}${old === '' || old.endsWith('\n') ? '' : '\n'}${JSON.stringify(record)}\n`);
}

/** The trained model in the base folder's layout: merged weights (f32), config and tokenizer files copied. */
async function writeModelFolder(baseDir: string, dir: string, architecture: ModelArchitecture, result: FineTuneResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  let parameters = result.parameters as ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>;
  if (result.method.kind === 'lora') {
    const plan = methodPlan(architecture, result.method, { loraEmbedIn: result.loraEmbedIn });
    const merged = mergeLora(result.parameters, plan.lora!);
    for (const a of plan.adapters) merged.delete(a.name);
    parameters = merged;
  }
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, t] of parameters) tensors.set(name, { shape: t.shape, data: Float32Array.from(t.data), dtype: 'F32' });
  await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    const exists = await stat(join(baseDir, name)).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const bytes = await readRegularFile(join(baseDir, name), { field: join(baseDir, name), what: 'a model folder file' });
    await writeFileAtomic(join(dir, name), bytes);
  }
}

function hardwareDescription(backend: string): string {
  const cores = cpus();
  return `cpu: ${cores[0]?.model.trim() ?? 'unknown'} × ${cores.length} (${backend} backend)`;
}
