/**
 * Node: `exportModelDir` reads what an export needs from disk — the base model folder (config,
 * weights, tokenizer files), the trainer checkpoint file, the training pair file to hash — runs
 * `exportModel` and writes the folder atomically (write-folder.ts). Everything is read and checked
 * before the first byte is written. Not the CLI (packages/cli/src/commands/export.ts parses flags).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { readRegularFile } from '../io/read-regular-file.js';
import { loadCheckpointDir } from '../model/checkpoint-file.js';
import type { TrainerCheckpoint } from '../train/checkpoint.js';
import { readTrainerCheckpointFile } from '../train/checkpoint-file.js';
import type { CoreExportFormat, ExportDtype } from './export-format.js';
import { exportModel } from './export-model.js';
import type { ExportedFolder } from './exported-folder.js';
import { TOKENIZER_FILES } from './hf-folder.js';
import type { ModelCardInput } from './model-card.js';
import { writeExportedFolder } from './write-folder.js';

export interface ExportModelDirOptions {
  readonly format: CoreExportFormat;
  /** The base model folder the run started from. */
  readonly model: string;
  /** A checkpoint of the repurpose trainer (its file, or one already read); without it the base is exported as it is. */
  readonly checkpoint?: string | TrainerCheckpoint;
  /** The folder to write (new or empty unless `overwrite`). */
  readonly out: string;
  readonly dtype?: ExportDtype;
  readonly maxSeqLength?: number;
  readonly card?: ModelCardInput;
  /** The training pair file: its SHA-256 goes on the card (overrides `card.dataHash`). */
  readonly data?: string;
  readonly overwrite?: boolean;
}

export async function exportModelDir(options: ExportModelDirOptions): Promise<ExportedFolder> {
  const base = await loadCheckpointDir(options.model);
  const tokenizer = await readTokenizerFiles(options.model);
  const checkpoint = typeof options.checkpoint === 'string' ? await readTrainerCheckpointFile(options.checkpoint) : options.checkpoint;
  const dataHash = options.data === undefined ? options.card?.dataHash : await sha256File(options.data);
  const folder = exportModel({
    format: options.format,
    base,
    tokenizer,
    ...(checkpoint ? { checkpoint } : {}),
    ...(options.dtype ? { dtype: options.dtype } : {}),
    ...(options.maxSeqLength !== undefined ? { maxSeqLength: options.maxSeqLength } : {}),
    card: { ...(options.card ?? {}), ...(dataHash ? { dataHash } : {}) },
  });
  await writeExportedFolder(options.out, folder, { overwrite: options.overwrite ?? false });
  return folder;
}

/** The tokenizer files present in `dir` (TOKENIZER_FILES), by name. */
export async function readTokenizerFiles(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const name of TOKENIZER_FILES) {
    const path = join(dir, name);
    if (!(await stat(path).catch(() => undefined))) continue;
    files.set(name, await readRegularFile(path, { field: path, what: 'a tokenizer file', maxBytes: 256 * 2 ** 20 }));
  }
  return files;
}

/** `sha256:<hex>` of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new ValidationError('data', path, 'the path of the training pair file');
  const bytes = await readRegularFile(path, { field: 'data', what: 'the training pair file' });
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
