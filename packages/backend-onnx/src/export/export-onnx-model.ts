/**
 * `exportOnnxModel(dir, options)`: writes a transformers.js model folder (export-files.ts) — config.json,
 * the tokenizer files (given as contents, or copied from `tokenizerDir`), onnx/model.onnx — each file
 * atomically (core's writeFileAtomic: a reader sees the old file or the new one, never a part).
 * Node only. Not a packager (no model card, no quantised variants) and not a converter of other
 * models' ONNX files.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ValidationError } from '@repurpose/core';
import { makeFolders, readRegularFile, writeFileAtomic } from '@repurpose/core/node';
import { buildExportFiles, type ExportModelOptions, TOKENIZER_FILE_NAMES, type TokenizerFileName } from './export-files.js';

export interface ExportOnnxModelOptions extends ExportModelOptions {
  /** A folder whose tokenizer files (tokenizer.json, tokenizer_config.json, …) are copied; those in `tokenizer` win. */
  readonly tokenizerDir?: string;
}

export interface ExportedModel {
  readonly dir: string;
  /** Relative paths written, config.json first. */
  readonly files: readonly string[];
  /** Bytes of onnx/model.onnx. */
  readonly modelBytes: number;
}

export async function exportOnnxModel(dir: string, options: ExportOnnxModelOptions): Promise<ExportedModel> {
  if (typeof dir !== 'string' || dir.trim() === '') throw new ValidationError('dir', dir, 'a folder path to write the model into');
  const { tokenizerDir, ...rest } = (options ?? {}) as ExportOnnxModelOptions;
  const tokenizer: Partial<Record<TokenizerFileName, Uint8Array | string>> = {};
  if (tokenizerDir !== undefined) {
    if (typeof tokenizerDir !== 'string' || tokenizerDir.trim() === '') throw new ValidationError('options.tokenizerDir', tokenizerDir, 'a folder with tokenizer.json');
    const present = new Set(await readdir(tokenizerDir).catch((error: NodeJS.ErrnoException) => {
      throw new ValidationError('options.tokenizerDir', tokenizerDir, `a readable folder with tokenizer.json (${error.code ?? 'unreadable'})`);
    }));
    if (!present.has('tokenizer.json')) throw new ValidationError('options.tokenizerDir', tokenizerDir, 'a folder with tokenizer.json');
    for (const name of TOKENIZER_FILE_NAMES) if (present.has(name)) tokenizer[name] = await readRegularFile(join(tokenizerDir, name));
  }
  const files = buildExportFiles({ ...rest, ...(tokenizerDir !== undefined || rest.tokenizer ? { tokenizer: { ...tokenizer, ...rest.tokenizer } } : {}) });
  for (const [path, bytes] of files) {
    const target = join(dir, path);
    try {
      makeFolders(dirname(target));
    } catch (error) {
      throw new ValidationError('dir', dir, `a folder that can be created (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    await writeFileAtomic(target, bytes);
  }
  return { dir, files: [...files.keys()], modelBytes: files.get('onnx/model.onnx')!.byteLength };
}
