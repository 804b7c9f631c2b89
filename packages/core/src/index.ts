/**
 * @repurpose/core — plan compute-optimal embedding fine-tunes (Ziarko et al., NeurIPS 2024).
 * This entry has no side effects and imports no backend. It is the planning API only: catalog, methods,
 * FLOPs, budgets, laws, recipes, fitting and the error classes. The training engine (graphs, backends,
 * the trainer, safetensors, checkpoints) is the subpath `@repurpose/core/engine`, so the root stays a
 * small surface that can be kept stable.
 */
export { RepurposeError, ValidationError } from './errors.js';

export {
  type ModelArchitecture,
  type GptNeoxArchitecture,
  type ArchitectureKind,
  architectureFromConfig,
  architectureKind,
  readArchitectureConfig,
  GptNeoxConfigSchema,
} from './catalog/architecture.js';
export { type LlamaArchitecture, type LlamaModelType, LLAMA_MODEL_TYPES, LlamaConfigSchema, readLlamaConfig } from './catalog/llama-architecture.js';
export { PYTHIA, PYTHIA_NAMES, type PythiaName } from './catalog/pythia.js';
export { SMOLLM2, QWEN2_5, QWEN3 } from './catalog/llama-families.js';
export { MODEL_FAMILIES, MODEL_FAMILY_NAMES, type ModelFamily, familyModelNames } from './catalog/model-families.js';
export { type ParameterCounts, parameterCounts, loraParameterCounts } from './catalog/parameter-counts.js';
export { type ModelRef, resolveModel } from './catalog/resolve-model.js';

export {
  type FineTuningMethod,
  type MethodKind,
  FineTuningMethodSchema,
  METHOD_KINDS,
  DEFAULT_LORA_ALPHA,
  checkMethod,
  trainableParameters,
  describeMethod,
} from './methods/method.js';

export {
  type FlopAccounting,
  type FlopBreakdown,
  type FlopOptions,
  DEFAULT_SEQUENCE_LENGTH,
  trainingFlops,
} from './flops/training-flops.js';
export { TOKENS_PER_PAIR, DEFAULT_BATCH_SIZE, tokensToPairs, pairsToTokens, pairsToSteps, tokensToSteps } from './flops/units.js';

export { GPUS, GPU_NAMES, type GpuName, type GpuSpec, type Dtype, findGpu } from './budget/gpus.js';
export {
  type Budget,
  type BudgetViews,
  type Hardware,
  DEFAULT_HARDWARE,
  DEFAULT_MFU,
  resolveBudget,
  budgetViews,
  resolveHardware,
} from './budget/budget.js';

export type { ScalingLaw, LawQuery, LawMetadata, LossInterval } from './laws/law.js';
export { capacityLaw, type CapacityLawCoefficients } from './laws/capacity-law.js';
export { ziarko2024, ZIARKO2024_COEFFICIENTS } from './laws/ziarko2024.js';

export { DEFAULT_LORA_RANKS, DEFAULT_FREEZE_FRACTIONS, type MethodGrid } from './recipe/search-space.js';
export { type PlanOptions, createPlanner, type Planner } from './recipe/planner.js';
export { optimalRecipe, type Recipe, type RecipeCandidate, type RunnerUp } from './recipe/optimal-recipe.js';
export { frontier, bisectCrossover, type Frontier, type FrontierPoint, type Crossover, type MethodBest } from './recipe/frontier.js';

export * from './fit/index.js';

export * from './bridge/index.js';
