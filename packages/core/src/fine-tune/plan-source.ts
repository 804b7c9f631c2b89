/**
 * Where a fine-tuning run's plan comes from — a string-literal union on `kind`:
 *
 *   recipe    a Recipe from `optimalRecipe` (or `repurpose plan --json`'s recipe.json, parsed);
 *   budget    a budget and the planner's options: planned here, over the model being trained unless
 *             `options.models` says otherwise (the winner must then be that model);
 *   explicit  a method, and optionally the pairs to train on and a FLOP budget.
 *
 * `resolvePlan` turns each into the same few numbers the run needs: the method, the pairs asked for,
 * the training FLOP budget (the budget minus any inference set aside; paper accounting unless the
 * recipe says otherwise), the batch size and the accounting. A recipe for another model is refused
 * with both shapes named. Not the planner (recipe/) and not the run.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { ValidationError } from '../errors.js';
import type { Budget } from '../budget/budget.js';
import type { FlopAccounting } from '../flops/training-flops.js';
import { type FineTuningMethod, FineTuningMethodSchema, checkMethod } from '../methods/method.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import type { PlanOptions } from '../recipe/planner.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';

/** The part of a Recipe a run reads (what recipe.json holds; extra keys are allowed). */
export interface RecipeInput {
  readonly model: { readonly name: string; readonly numLayers: number; readonly hiddenSize: number; readonly numHeads: number; readonly intermediateSize: number; readonly vocabSize: number };
  readonly method: FineTuningMethod;
  readonly pairs: number;
  readonly batchSize: number;
  readonly accounting: FlopAccounting;
  readonly budget: { readonly flop: number };
  readonly inference?: { readonly flop: number };
  readonly predictedLoss?: number;
}

export type FineTunePlan =
  | { readonly kind: 'recipe'; readonly recipe: RecipeInput }
  | { readonly kind: 'budget'; readonly budget: Budget; readonly options?: PlanOptions }
  | { readonly kind: 'explicit'; readonly method: FineTuningMethod; readonly pairs?: number; readonly flopBudget?: number; readonly batchSize?: number; readonly accounting?: FlopAccounting };

/** What the run needs from a plan. Plain data: it is stored in the run's checkpoints. */
export interface ResolvedPlan {
  readonly source: FineTunePlan['kind'];
  readonly method: FineTuningMethod;
  /** Pairs the plan asks for; null: every full batch of the file (× epochs). */
  readonly requestedPairs: number | null;
  /** Training FLOP the run may spend (paper accounting unless `accounting`); null: no budget. */
  readonly flopBudget: number | null;
  /** The budget the run was planned for (the ledger's `budget`); null without one. */
  readonly plannedBudget: number | null;
  readonly batchSize: number;
  readonly accounting: FlopAccounting;
  /** The law's predicted loss, when a recipe made the plan. */
  readonly predictedLoss: number | null;
  readonly recipeModel: string | null;
}

const RecipeSchema = z.looseObject(
  {
    model: z.looseObject(
      {
        name: z.string(expect('a model name')),
        numLayers: integerAtLeast(1),
        hiddenSize: integerAtLeast(1),
        numHeads: integerAtLeast(1),
        intermediateSize: integerAtLeast(1),
        vocabSize: integerAtLeast(1),
      },
      expect('the recipe model (an architecture)'),
    ),
    method: FineTuningMethodSchema,
    pairs: integerAtLeast(1, '(pairs)'),
    batchSize: integerAtLeast(1, '(pairs per step)'),
    accounting: z.enum(['paper', 'detailed'], expect('"paper" or "detailed"')),
    budget: z.looseObject({ flop: positiveNumber('of FLOP') }, expect('the budget views ({ flop, … })')),
    inference: z.looseObject({ flop: z.number().min(0) }).optional(),
    predictedLoss: z.number().optional(),
  },
  expect('a recipe (optimalRecipe output, or repurpose plan --json)'),
);

const SHAPE_KEYS = ['numLayers', 'hiddenSize', 'numHeads', 'intermediateSize', 'vocabSize'] as const;

export function resolvePlan(plan: FineTunePlan, architecture: ModelArchitecture, field = 'options.plan'): ResolvedPlan {
  if (typeof plan !== 'object' || plan === null) throw new ValidationError(field, plan, 'a plan { kind: "recipe" | "budget" | "explicit", … }');
  switch (plan.kind) {
    case 'recipe':
      return fromRecipe(validate(RecipeSchema, plan.recipe, `${field}.recipe`) as RecipeInput, architecture, `${field}.recipe`);
    case 'budget': {
      const options: PlanOptions = { ...(plan.options ?? {}), models: plan.options?.models ?? [architecture] };
      return { ...fromRecipe(optimalRecipe(plan.budget, options), architecture, `${field}.options.models`), source: 'budget' };
    }
    case 'explicit': {
      const p = validate(
        z
          .object({
            kind: z.literal('explicit'),
            method: FineTuningMethodSchema,
            pairs: integerAtLeast(1, '(pairs)').optional(),
            flopBudget: positiveNumber('of FLOP').optional(),
            batchSize: integerAtLeast(1, '(pairs per step)').optional(),
            accounting: z.enum(['paper', 'detailed'], expect('"paper" or "detailed"')).optional(),
          })
          .strict(),
        plan,
        field,
      );
      const method = checkMethod(p.method, architecture, `${field}.method`);
      return {
        source: 'explicit',
        method,
        requestedPairs: p.pairs ?? null,
        flopBudget: p.flopBudget ?? null,
        plannedBudget: p.flopBudget ?? null,
        // Explicit runs without a batch size take the paper's 1024 (the caller's batchSize option overrides it).
        batchSize: p.batchSize ?? 1024,
        accounting: p.accounting ?? 'paper',
        predictedLoss: null,
        recipeModel: null,
      };
    }
    default:
      throw new ValidationError(`${field}.kind`, (plan as { kind?: unknown }).kind, '"recipe", "budget" or "explicit"');
  }
}

function fromRecipe(recipe: RecipeInput, architecture: ModelArchitecture, field: string): ResolvedPlan {
  const differing = SHAPE_KEYS.filter((k) => recipe.model[k] !== architecture[k]);
  if (differing.length > 0) {
    const shape = (m: Pick<ModelArchitecture, (typeof SHAPE_KEYS)[number]>) => SHAPE_KEYS.map((k) => `${k} ${m[k]}`).join(', ');
    throw new ValidationError(`${field}.model`, recipe.model.name, `the model being trained, ${architecture.name} (${shape(architecture)}); the recipe's has ${shape(recipe.model)}`);
  }
  const inference = recipe.inference?.flop ?? 0;
  return {
    source: 'recipe',
    method: checkMethod(recipe.method, architecture, `${field}.method`),
    requestedPairs: recipe.pairs,
    flopBudget: recipe.budget.flop - inference,
    plannedBudget: recipe.budget.flop,
    batchSize: recipe.batchSize,
    accounting: recipe.accounting,
    predictedLoss: recipe.predictedLoss ?? null,
    recipeModel: recipe.model.name,
  };
}
