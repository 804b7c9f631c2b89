/**
 * `exportRecipe(recipe, options)`: the files that train a recipe on an existing distributed engine —
 * train.py (PyTorch + sentence-transformers + PEFT, under torchrun or accelerate launch) and the run
 * config recipe.json it reads — as text, for any writer. Pure: nothing is written here (the CLI
 * writes them atomically) and nothing runs.
 */
import { recipeRunInput } from './recipe-input.js';
import { type ExportRecipeOptions, type RecipeRunConfig, recipeRunConfig } from './run-config.js';
import { trainScript } from './train-script.js';

export interface ExportedFile {
  /** Relative to the export folder, `/`-separated. */
  readonly path: string;
  readonly text: string;
  /** True for scripts (written with the executable bit). */
  readonly executable: boolean;
}

export interface ExportedRecipe {
  readonly config: RecipeRunConfig;
  readonly files: readonly ExportedFile[];
}

/** The run config as the file holds it: stable key order, two-space indent, final newline. */
export function runConfigText(config: RecipeRunConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * train.py and recipe.json for `recipe` (what `optimalRecipe` returns, or parsed `plan --json`
 * output). Throws ValidationError for an invalid recipe (field `recipe.…`) or option (`options.…`).
 */
export function exportRecipe(recipe: unknown, options: ExportRecipeOptions = {}): ExportedRecipe {
  const config = recipeRunConfig(recipeRunInput(recipe), options);
  return {
    config,
    files: [
      { path: 'train.py', text: trainScript(config), executable: true },
      { path: 'recipe.json', text: runConfigText(config), executable: false },
    ],
  };
}
