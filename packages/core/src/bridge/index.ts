/**
 * The bridge to existing distributed engines: a recipe (or the paper's whole grid) as a PyTorch +
 * sentence-transformers training script and its run config, whose results come back as ledger
 * lines for `fitLaw`. Pure text generation; no Node, no Python here.
 */
export { type RecipeRunInput, recipeRunInput } from './recipe-input.js';
export {
  type ExportRecipeOptions,
  type PeftLoraConfig,
  type Precision,
  type RecipeRunConfig,
  DEFAULT_GPU_MEMORY_BYTES,
  DEFAULT_GPUS,
  DEFAULT_PEAK_LEARNING_RATE,
  ExportRecipeOptionsSchema,
  RUN_CONFIG_FORMAT,
  recipeRunConfig,
} from './run-config.js';
export { type ExportedFile, type ExportedRecipe, exportRecipe, runConfigText } from './export-recipe.js';
export { type ExportedSweep, type SweepOptions, type SweepRun, MAX_SWEEP_RUNS, SWEEP_PAPER_BUDGETS, exportSweep, sweepRuns } from './sweep.js';
export { HUB_IDS, MODEL_MODULES, type ModelModules, modelModules } from './model-modules.js';
export { TRAIN_SCRIPT_TEMPLATE, trainScript } from './train-script.js';
