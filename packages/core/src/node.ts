/**
 * @repurpose/core/node — conveniences that need Node's file system. The main entry stays free of
 * Node imports so it also runs in browsers.
 */
export { readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile } from './io/safetensors-file.js';
export { readLedgerFile } from './fit/ledger-file.js';
export { loadAdapterDir, loadCheckpointDir } from './model/checkpoint-file.js';
export { type ExportModelDirOptions, exportModelDir, readTokenizerFiles, sha256File } from './ship/export-dir.js';
export { type WriteFolderOptions, sweepStaleExports, writeExportedFolder } from './ship/write-folder.js';
export { readTrainerCheckpointFile, writeTrainerCheckpointFile } from './train/checkpoint-file.js';
export { writeFileAtomic, sweepStaleTemporaries } from './io/write-file-atomic.js';
export { readRegularFile, readRegularTextFile } from './io/read-regular-file.js';
export { makeFolders } from './io/make-folders.js';
export { readLawFile, writeLawFile } from './fit/law-file.js';
export { loadTokenizerDir, readPairFilePath } from './text/files.js';
export { readScoredPairsPath } from './eval/files.js';
export { type FineTuneFilesOptions, type FineTuneFilesResult, CHECKPOINT_FILE, LOG_FILE, appendLedgerLine, evaluationTable, fineTuneFiles, readFineTuneCheckpoint } from './fine-tune/files.js';
