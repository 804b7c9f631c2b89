/**
 * GPT-NeoX and the Llama family (Llama, Mistral, Qwen2, Qwen3; model-family.ts says which is which)
 * as embedding models on the engine: the forwards, the fine-tuning methods as rewrites,
 * pooling + InfoNCE, the training and embedding graphs, checkpoint loading from bytes, and LoRA
 * merge. No Node imports (the directory loader is model/checkpoint-file.ts) and no side effects.
 *
 * The training graph, as the trainer uses it:
 *
 *   const t = buildTrainingGraph(arch, method, { B, Tq, Tp }, { dtype: 'f32' });
 *   // t.graph inputs:  'query.input_ids', 'query.attention_mask' [B, Tq] i32,
 *   //                  'positive.input_ids', 'positive.attention_mask' [B, Tp] i32 (TRAINING_INPUTS),
 *   //                  every name of t.plan.parameters (HF names) and t.adapters (LoRA), role 'param'
 *   // t.graph outputs: 'loss' [], 'scores' [B, B], and `grad:${name}` for each name in t.trainable
 *   const exe = backend.compileSync(t.graph);
 *   const adapters = initAdapters(t.plan);                       // empty unless LoRA
 *   const out = exe.runSync({ ...batchFeeds, ...parameterFeeds(t.graph, checkpoint.parameters, adapters) });
 *   out.loss; out[gradOutputName('layers.5.mlp.dense_4h_to_h.weight')];
 *
 * `t.trainable` is what the optimiser updates; `t.frozen` are fed but never change. With LoRA the
 * adapters default to include embed_in (the paper's code); pass `{ loraEmbedIn: false }` to leave it out.
 * `buildLossGraph` is the same graph without gradients (evaluation).
 */
export {
  type ParameterSpec,
  type LinearModule,
  type LinearModuleName,
  LINEAR_MODULE_NAMES,
  LAYER_NORM_NAMES,
  gptNeoXParameters,
  linearModules,
  layerOf,
} from './parameter-layout.js';
export {
  type AdapterInit,
  type AdapterSpec,
  type LoraLinear,
  type LoraPlan,
  type MethodPlan,
  type MethodOptions,
  methodPlan,
} from './method-plan.js';
export { type ModelWeights, declareWeights } from './model-weights.js';
export { rotaryDims, rotaryTables, rotaryEmbedding } from './rotary.js';
export { gptNeoXForward } from './gpt-neox.js';
export { LLAMA_EMBEDDING, LLAMA_FINAL_NORM, llamaForward, llamaLinearModules, llamaParameters } from './llama.js';
export { type BlockLinear, type ModelFamily, MODEL_FAMILIES, modelFamily } from './model-family.js';
export { type Pooling, POOLINGS, appendsEos, pool, meanPool, lastTokenPool, l2Normalize, withEos } from './pooling.js';
export { DEFAULT_INVERSE_TEMPERATURE, similarityScores, symmetricInfoNce } from './info-nce.js';
export {
  type TrainingBatchShape,
  type TrainingGraph,
  type TrainingGraphOptions,
  TRAINING_INPUTS,
  LOSS_OUTPUT,
  SCORES_OUTPUT,
  DEFAULT_LOSS_SCALE,
  buildLossGraph,
  buildTrainingGraph,
} from './training-graph.js';
export {
  type EmbeddingGraph,
  type EmbeddingGraphOptions,
  EMBEDDING_INPUTS,
  EMBEDDING_OUTPUTS,
  buildEmbeddingGraph,
} from './embedding-graph.js';
export { type ParameterMap, castParameters, parameterFeeds } from './parameter-map.js';
export { type InitAdapterOptions, initAdapters, mergeLora, unmergeLora } from './lora.js';
export {
  type CheckpointFiles,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  loadParameters,
} from './checkpoint.js';
export { loadAdapters, peftAdapterTensors } from './adapter-checkpoint.js';
