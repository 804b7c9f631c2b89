/**
 * Fine-tuning on text in one call: a plan (recipe, budget or explicit), a base model, a tokenizer
 * and text pairs → a trained, evaluated model, its checkpoints and its ledger line. Browser-safe;
 * `fineTuneFiles` (Node: model folders, pair files, run folders, ledgers) is exported from
 * `@repurpose/core/node`.
 */
export { type FineTuneEvent, type FineTuneOptions, type FineTuneResult, DEFAULT_HELD_OUT, DEFAULT_PEAK_LEARNING_RATE, fineTune } from './fine-tune.js';
export { type FineTunePlan, type RecipeInput, type ResolvedPlan, resolvePlan } from './plan-source.js';
export {
  type FineTuneCheckpoint,
  type FineTuneRunState,
  type RunData,
  type RunEvaluation,
  FINE_TUNE_FORMAT,
  checkResumeData,
  decodeFineTuneCheckpoint,
  encodeFineTuneCheckpoint,
  pairsFingerprint,
} from './run-checkpoint.js';
export { type NonFiniteDiagnosis, NonFiniteTrainingError, firstNonFinite } from './guards.js';
export { type LedgerRecordInput, ledgerRecord } from './ledger-record.js';
