/**
 * The run config (`recipe.json`) an exported training script reads: every setting that shapes the
 * run, derived from a recipe and the export options, as plain JSON. The numbers are repurpose's own
 * training setup (docs/training.md): max 75 tokens, mean pooling, pad = EOS, symmetric InfoNCE at
 * inverse temperature 40, AdamW (weight decay 0.1, β 0.9/0.999, ε 1e-8) on every trainable tensor,
 * warm-up over 10% of the steps then cosine to 0, peak 1e-3 (the paper's shipped configs).
 *
 * Also decides whether the loss must be the cached (GradCache) variant: when the per-GPU batch's
 * estimated peak memory (memory/training-memory.ts) exceeds the GPU's, the largest power-of-two
 * mini-batch that fits is chosen. Not the script (train-script.ts) and not a file writer.
 */
import { z } from 'zod';
import { type ArchitectureKind, architectureKind, type ModelArchitecture } from '../catalog/architecture.js';
import { CATALOG_MODELS } from '../catalog/model-families.js';
import { ValidationError } from '../errors.js';
import { DEFAULT_SEQUENCE_LENGTH } from '../flops/training-flops.js';
import { TOKENS_PER_PAIR } from '../flops/units.js';
import { DEFAULT_LORA_ALPHA, type FineTuningMethod } from '../methods/method.js';
import { trainingMemory } from '../memory/training-memory.js';
import { DEFAULT_INVERSE_TEMPERATURE } from '../model/info-nce.js';
import { DEFAULT_WARMUP_FRACTION, warmupSteps } from '../train/learning-rate.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { HUB_IDS, MODEL_MODULES } from './model-modules.js';
import type { RecipeRunInput } from './recipe-input.js';

export const RUN_CONFIG_FORMAT = 'repurpose.recipe-run.v1';

/** The paper's shipped configs train at peak 1e-3 (docs/training.md). */
export const DEFAULT_PEAK_LEARNING_RATE = 1e-3;
/** torch.optim.AdamW's semantics as repurpose's train/adamw.ts (DEFAULT_ADAMW); a test keeps them equal. */
export const EXPORT_ADAMW = Object.freeze({ weightDecay: 0.1, betas: [0.9, 0.999] as const, eps: 1e-8 });
/** The paper's GPUs were 80 GB A100/H100s; the memory check assumes them unless told otherwise. */
export const DEFAULT_GPU_MEMORY_BYTES = 80e9;
export const DEFAULT_GPUS = 8;
/** Leave a tenth of the GPU to the allocator, the CUDA context and what the estimate leaves out. */
const MEMORY_HEADROOM = 0.9;

export type Precision = 'auto' | 'fp32' | 'bf16' | 'fp16';

export interface ExportRecipeOptions {
  /** Hugging Face hub id or local folder. Default: the catalog model's hub id, else the recipe model's name. */
  readonly model?: string;
  /** Training pairs (BGE JSONL, JSONL or TSV), as the script will see the path. Default: none (give --train to the script). */
  readonly train?: string;
  /** Held-out pairs; default: the pairs after the training pairs in `train`. */
  readonly heldOut?: string;
  /** Held-out pairs evaluated for the ledger's loss. Default 4 batches. */
  readonly heldOutPairs?: number;
  /** The run ledger the script appends to, relative to recipe.json. Default `runs.jsonl`. */
  readonly ledger?: string;
  /** Where the trained model is saved, relative to recipe.json. Default `model`. */
  readonly outputDir?: string;
  readonly peakLearningRate?: number;
  readonly warmupFraction?: number;
  /** LoRA only: adapt the input embedding too (repurpose's engine and the authors' code do). Default true. */
  readonly loraEmbedIn?: boolean;
  /** GPUs the run is meant for: the global batch is split over them, and the memory check uses B / gpus. Default 8. */
  readonly gpus?: number;
  /** Memory of one GPU in bytes. Default 80e9. */
  readonly gpuMemoryBytes?: number;
  /** Pairs per GradCache mini-batch; 0 turns the cached loss off. Default: decided by the memory check. */
  readonly miniBatch?: number;
  readonly precision?: Precision;
  /** On CUDA (CPU runs skip it: it saves memory only). Default true, as the paper. */
  readonly gradientCheckpointing?: boolean;
  /** Seed of the data shuffle and of the adapters' initialisation. Default 0. */
  readonly seed?: number;
  /** The ledger line's id. Default: model, method and budget. */
  readonly id?: string;
}

const path = (what: string) => z.string(expect(`a path ${what}`)).min(1, expect(`a non-empty path ${what}`));

export const ExportRecipeOptionsSchema = z
  .object({
    model: z.string(expect('a Hugging Face model id or a folder')).min(1, expect('a non-empty model id or folder')).optional(),
    train: path('(training pairs)').optional(),
    heldOut: path('(held-out pairs)').optional(),
    heldOutPairs: integerAtLeast(1, '(held-out pairs)').optional(),
    ledger: path('(run ledger)').default('runs.jsonl'),
    outputDir: path('(model output folder)').default('model'),
    peakLearningRate: positiveNumber('(peak learning rate)').refine((x) => x < 1, { error: 'a learning rate in (0, 1)' }).default(DEFAULT_PEAK_LEARNING_RATE),
    warmupFraction: z.number(expect('a number in [0, 1]')).refine((x) => x >= 0 && x <= 1, { error: 'a number in [0, 1]' }).default(DEFAULT_WARMUP_FRACTION),
    loraEmbedIn: z.boolean(expect('a boolean')).default(true),
    gpus: integerAtLeast(1, '(GPUs)').refine((x) => x <= 1_000_000, { error: 'at most 1,000,000 GPUs' }).default(DEFAULT_GPUS),
    gpuMemoryBytes: positiveNumber('of bytes').default(DEFAULT_GPU_MEMORY_BYTES),
    miniBatch: integerAtLeast(0, '(pairs per GradCache mini-batch; 0 = off)').optional(),
    precision: z.enum(['auto', 'fp32', 'bf16', 'fp16'], expect('"auto", "fp32", "bf16" or "fp16"')).default('auto'),
    gradientCheckpointing: z.boolean(expect('a boolean')).default(true),
    seed: z.number(expect('an integer seed')).int(expect('an integer seed')).min(0, expect('an integer seed ≥ 0')).default(0),
    id: z.string(expect('a non-empty run id')).min(1, expect('a non-empty run id')).optional(),
  })
  .strict();

export interface PeftLoraConfig {
  readonly r: number;
  readonly lora_alpha: number;
  readonly lora_dropout: 0;
  readonly target_modules: readonly string[];
  readonly bias: 'none';
  readonly use_rslora: false;
}

export interface RecipeRunConfig {
  readonly format: typeof RUN_CONFIG_FORMAT;
  readonly recipe: { readonly budgetFlop: number | null; readonly law: string | null; readonly accounting: string | null; readonly predictedLoss: number | null; readonly tokens: number };
  readonly model: { readonly path: string; readonly name: string; readonly family: ArchitectureKind; readonly numLayers: number };
  readonly modules: { readonly embedding: string; readonly layers: string };
  readonly method: FineTuningMethod;
  readonly peft: PeftLoraConfig | null;
  readonly pairs: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly tokensPerPair: number;
  readonly maxSeqLength: number;
  readonly pooling: 'mean';
  readonly pad: 'eos';
  readonly schedule: { readonly kind: 'warmup-cosine'; readonly peakLearningRate: number; readonly warmupFraction: number; readonly warmupSteps: number };
  readonly optimizer: { readonly kind: 'adamw'; readonly weightDecay: number; readonly betas: readonly [number, number]; readonly eps: number };
  readonly loss: { readonly kind: 'symmetric-info-nce'; readonly scale: number; readonly cachedMiniBatch: number | null; readonly why: string };
  readonly data: { readonly train: string | null; readonly heldOut: string | null; readonly heldOutPairs: number };
  readonly ledger: { readonly path: string; readonly id: string; readonly model: string | ModelArchitecture; readonly budget: number | null };
  readonly output: { readonly dir: string; readonly save: boolean };
  readonly precision: Precision;
  readonly gradientCheckpointing: boolean;
  readonly seed: number;
  readonly shuffle: true;
  readonly gpus: number;
}

/** The run config for `recipe` (validated by recipeRunInput) under `options` (validated here). */
export function recipeRunConfig(recipe: RecipeRunInput, options: ExportRecipeOptions = {}): RecipeRunConfig {
  const o = validate(ExportRecipeOptionsSchema, options, 'options');
  const { model, method, batchSize } = recipe;
  if (batchSize % o.gpus !== 0) throw new ValidationError('options.gpus', o.gpus, `a GPU count that divides the global batch of ${batchSize} pairs (each GPU takes an equal share)`);
  const kind = architectureKind(model);
  const modules = MODEL_MODULES[kind];
  const loss = cachedLoss(model, method, batchSize / o.gpus, o);
  return {
    format: RUN_CONFIG_FORMAT,
    recipe: { budgetFlop: recipe.budgetFlop ?? null, law: recipe.law ?? null, accounting: recipe.accounting ?? null, predictedLoss: recipe.predictedLoss ?? null, tokens: recipe.tokens },
    model: { path: o.model ?? HUB_IDS[model.name] ?? model.name, name: model.name, family: kind, numLayers: model.numLayers },
    modules: { embedding: modules.embedding, layers: modules.layers },
    method,
    peft:
      method.kind === 'lora'
        ? {
            r: method.rank,
            lora_alpha: method.alpha ?? DEFAULT_LORA_ALPHA,
            lora_dropout: 0,
            target_modules: [...modules.loraTargets, ...(o.loraEmbedIn ? [modules.embedding] : [])],
            bias: 'none',
            use_rslora: false,
          }
        : null,
    pairs: recipe.pairs,
    batchSize,
    steps: recipe.steps,
    tokensPerPair: TOKENS_PER_PAIR,
    maxSeqLength: DEFAULT_SEQUENCE_LENGTH,
    pooling: 'mean',
    pad: 'eos',
    schedule: { kind: 'warmup-cosine', peakLearningRate: o.peakLearningRate, warmupFraction: o.warmupFraction, warmupSteps: warmupSteps(recipe.steps, o.warmupFraction) },
    optimizer: { kind: 'adamw', weightDecay: EXPORT_ADAMW.weightDecay, betas: [...EXPORT_ADAMW.betas], eps: EXPORT_ADAMW.eps },
    loss: { kind: 'symmetric-info-nce', scale: DEFAULT_INVERSE_TEMPERATURE, ...loss },
    data: { train: o.train ?? null, heldOut: o.heldOut ?? null, heldOutPairs: o.heldOutPairs ?? 4 * batchSize },
    ledger: { path: o.ledger, id: o.id ?? defaultId(recipe), model: ledgerModel(model), budget: recipe.budgetFlop ?? null },
    output: { dir: o.outputDir, save: true },
    precision: o.precision,
    gradientCheckpointing: o.gradientCheckpointing,
    seed: o.seed,
    shuffle: true,
    gpus: o.gpus,
  };
}

type ResolvedOptions = z.output<typeof ExportRecipeOptionsSchema>;

function cachedLoss(model: ModelArchitecture, method: FineTuningMethod, perGpu: number, o: ResolvedOptions): { cachedMiniBatch: number | null; why: string } {
  const estimate = (chunk?: number) =>
    trainingMemory(model, method, { batchSize: perGpu, sequenceLength: DEFAULT_SEQUENCE_LENGTH, gradientCheckpointing: o.gradientCheckpointing, ...(chunk !== undefined ? { cachedChunkPairs: chunk } : {}) }).total;
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;
  const limit = o.gpuMemoryBytes * MEMORY_HEADROOM;
  if (o.miniBatch !== undefined) {
    if (o.miniBatch === 0) return { cachedMiniBatch: null, why: 'cached loss turned off by the export options' };
    if (o.miniBatch >= perGpu) return { cachedMiniBatch: null, why: `mini-batch ${o.miniBatch} ≥ the ${perGpu} pairs each GPU holds: no caching needed` };
    return { cachedMiniBatch: o.miniBatch, why: `mini-batch of ${o.miniBatch} pairs set by the export options (~${gb(estimate(o.miniBatch))} per GPU estimated)` };
  }
  const whole = estimate();
  if (whole <= limit) return { cachedMiniBatch: null, why: `${perGpu} pairs per GPU fit: ~${gb(whole)} estimated of ${gb(o.gpuMemoryBytes)}` };
  for (let m = 2 ** Math.floor(Math.log2(Math.max(1, perGpu - 1))); m >= 1; m /= 2) {
    const bytes = estimate(m);
    if (bytes <= limit) return { cachedMiniBatch: m, why: `${perGpu} pairs per GPU need ~${gb(whole)} of ${gb(o.gpuMemoryBytes)}; GradCache mini-batches of ${m} need ~${gb(bytes)}` };
  }
  throw new ValidationError('options.gpuMemoryBytes', o.gpuMemoryBytes, `at least ${gb(estimate(1) / MEMORY_HEADROOM)}: even GradCache mini-batches of 1 pair need ~${gb(estimate(1))} per GPU for ${model.name} (use more memory per GPU or a smaller model)`);
}

/** A catalog model by name (the ledger resolves it back exactly); any other model as its architecture. */
function ledgerModel(model: ModelArchitecture): string | ModelArchitecture {
  const entry = CATALOG_MODELS[model.name] as unknown as Record<string, unknown> | undefined;
  const fields = model as unknown as Record<string, unknown>;
  const same = entry !== undefined && Object.keys(entry).length === Object.keys(fields).length && Object.keys(entry).every((k) => entry[k] === fields[k]);
  return same ? model.name : model;
}

function defaultId(r: RecipeRunInput): string {
  const m = r.method;
  const method = m.kind === 'lora' ? `lora-r${m.rank}` : m.kind === 'freeze' ? `freeze-${m.trainableBlocks}` : m.kind;
  const budget = r.budgetFlop !== undefined ? `-${r.budgetFlop.toExponential(2).replace('+', '')}` : '';
  return `${r.model.name}-${method}${budget}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}
