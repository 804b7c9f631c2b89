/**
 * Shipping a trained model (browser-safe): exports in the layouts other libraries load (hf,
 * sentence-transformers, PEFT) with a model card, and PEFT adapters read back. The Node helpers that
 * write folders and read directories are exported from `@repurpose/core/node`. See docs/export.md.
 */
export { EXPORT_FORMATS, CORE_EXPORT_FORMATS, EXPORT_DTYPES, DEFAULT_MAX_SEQ_LENGTH, type ExportFormat, type CoreExportFormat, type ExportDtype } from './export-format.js';
export { type ExportedFile, type ExportedFolder } from './exported-folder.js';
export { type ExportModelInput, exportModel } from './export-model.js';
export { TOKENIZER_FILES, baseModelClass, exportedConfig, exportedWeights } from './hf-folder.js';
export { type EvaluationRow, type ModelCardInput, type ModelCardContext, EvaluationRowSchema, ModelCardInputSchema, modelCard } from './model-card.js';
export {
  type PeftAdapter,
  type PeftAdapterConfig,
  type PeftAdapterFiles,
  type PeftExportOptions,
  mergePeftAdapter,
  peftAdapterConfig,
  peftAdapterMethod,
  peftAdapterWeights,
  peftTargetModules,
  readPeftAdapter,
} from './peft-adapter.js';
export { type TrainedWeights, trainedWeights } from './trained-weights.js';
export { LIBRARY_NAME, LIBRARY_VERSION } from './library-version.js';
