/**
 * Training: AdamW as graph nodes, the paper's learning-rate schedule, fixed-shape batching, the FLOP
 * meter, the loop over any Backend with progress events, and trainer checkpoints (bytes). Browser-safe:
 * the Node file helpers (checkpoint-file.ts) are exported from `@repurpose/core/node` instead.
 *
 *   const result = await train({
 *     backend: referenceBackend(), architecture: arch, method: { kind: 'full' }, parameters,
 *     data: syntheticPairs({ vocabSize: arch.vocabSize }), batch: { B: 8, Tq: 6, Tp: 8 },
 *     steps: 100, peakLearningRate: 1e-3, flopBudget: 1e12,
 *   }, (e) => e.kind === 'step' && console.log(e.step, e.loss, e.learningRate));
 */
export {
  type AdamWOptions,
  type AdamWParameter,
  type AdamWTarget,
  type MomentKind,
  type ResolvedAdamWOptions,
  ADAMW_INPUTS,
  AdamWOptionsSchema,
  DEFAULT_ADAMW,
  addAdamWUpdate,
  adamwScalarFeeds,
  appendAdamW,
  buildAdamWGraph,
  momentName,
  resolveAdamWOptions,
  zeroMoments,
} from './adamw.js';
export { type LearningRateOptions, DEFAULT_WARMUP_FRACTION, learningRate, warmupSteps } from './learning-rate.js';
export { type PairSource, type SyntheticPairSource, type SyntheticPairsOptions, type TokenPair, arrayPairSource, syntheticPairs } from './pairs.js';
export { type PaddedBatch, padBatch, padSequences } from './batch.js';
export { type FlopMeter, type FlopMeterOptions, createFlopMeter } from './flop-meter.js';
export { type RandomParametersOptions, randomGptNeoXParameters } from './random-parameters.js';
export {
  type TrainerCheckpoint,
  type TrainerState,
  TRAINER_CHECKPOINT_FORMAT,
  TrainerStateSchema,
  decodeTrainerCheckpoint,
  encodeTrainerCheckpoint,
  trainerCheckpointContents,
} from './checkpoint.js';
export {
  type StopReason,
  type TrainerEvent,
  type TrainerOptions,
  type TrainResult,
  TrainingDivergedError,
  train,
  trainEvents,
} from './trainer.js';
export {
  type TrainerSettingName,
  type TrainerSettings,
  TRAINER_SETTING_DEFAULTS,
  TRAINER_SETTING_NAMES,
  TrainerSettingsSchema,
  checkResumeSettings,
} from './settings.js';
export { type DeviceTensors, deviceTensors } from './device-tensors.js';
export { crc32Hex } from './checksum.js';
export { type MiniBatchChoice, type MiniBatchRequest, RUNTIME_OVERHEAD_BYTES, chooseMiniBatch, trainerMemory } from '../memory/mini-batch.js';
export { graphPeakBytes } from '../memory/graph-memory.js';
export { type CachedExecutable, type ExecutableCache, executableCache } from './executable-cache.js';
