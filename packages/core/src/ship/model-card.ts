/**
 * The model card (README.md) written into every exported folder: what the model is, the recipe it
 * was trained with (budget, model, method, pairs), what the run really spent (steps, pairs, tokens,
 * FLOPs in the run's accounting), the evaluation table when the caller has one, the hash of the
 * training data, the library version, and how to load the folder in the format it was exported in.
 * Hugging Face's hub reads the YAML front matter (library_name, base_model, tags).
 *
 * The evaluation is a plain typed table (metric, split, value, value before training), so any
 * evaluator's numbers fit; nothing here computes a metric. Not a template engine: Markdown by hand.
 */
import { z } from 'zod';
import { formatCount } from '../format.js';
import { type FineTuningMethod, FineTuningMethodSchema } from '../methods/method.js';
import type { TrainerState } from '../train/checkpoint.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { LIBRARY_NAME, LIBRARY_VERSION } from './library-version.js';
import type { ExportFormat } from './export-format.js';

const finite = (what: string) => z.number(expect(`a finite number ${what}`)).refine(Number.isFinite, { error: `a finite number ${what}` });
const line = (what: string, max = 200) => z.string(expect(`a string (${what})`)).min(1, { error: `a non-empty string (${what})` }).max(max, { error: `at most ${max} characters (${what})` });

/** One row of the evaluation table: `recall@10` on `held-out` is 0.62 (0.31 before training). */
export const EvaluationRowSchema = z
  .object({
    metric: line('metric name'),
    split: line('data split').optional(),
    value: finite('(the trained model’s value)'),
    before: finite('(the value before training)').optional(),
  })
  .strict();

/** What the caller knows about the run beyond the checkpoint: the plan it followed, its evaluation, its data. */
export const ModelCardInputSchema = z
  .object({
    title: line('title').optional(),
    /** The base model's name, e.g. `EleutherAI/pythia-160m`. */
    baseModel: line('base model').optional(),
    /** The recipe the run followed (e.g. from `optimalRecipe` or `repurpose plan --json`). */
    recipe: z
      .object({
        budget: positiveNumber('(FLOP budget)').optional(),
        model: line('model name').optional(),
        method: FineTuningMethodSchema.optional(),
        pairs: integerAtLeast(1, '(pairs)').optional(),
        steps: integerAtLeast(1, '(steps)').optional(),
        predictedLoss: finite('(predicted loss)').optional(),
      })
      .strict()
      .optional(),
    evaluation: z.array(EvaluationRowSchema, expect('an array of evaluation rows')).max(500, { error: 'at most 500 rows' }).optional(),
    /** `sha256:<64 hex>` of the training pair file. */
    dataHash: z.string(expect('"sha256:" and 64 hex digits')).regex(/^sha256:[0-9a-f]{64}$/, { error: '"sha256:" and 64 lowercase hex digits' }).optional(),
  })
  .strict();

export type EvaluationRow = z.infer<typeof EvaluationRowSchema>;
export type ModelCardInput = z.infer<typeof ModelCardInputSchema>;

export interface ModelCardContext {
  readonly format: Exclude<ExportFormat, 'onnx'> | 'onnx';
  /** Storage dtype of the weights written. */
  readonly dtype: string;
  /** The architecture's name (the base model when `card.baseModel` is not given). */
  readonly modelName: string;
  readonly hiddenSize: number;
  readonly maxSeqLength: number;
  /** The trainer's state, when the export came from a checkpoint. */
  readonly state?: TrainerState;
}

const FRONT_MATTER: Record<ModelCardContext['format'], { library: string; pipeline: string }> = {
  hf: { library: 'transformers', pipeline: 'feature-extraction' },
  'sentence-transformers': { library: 'sentence-transformers', pipeline: 'sentence-similarity' },
  peft: { library: 'peft', pipeline: 'feature-extraction' },
  onnx: { library: 'transformers.js', pipeline: 'feature-extraction' },
};

export function methodText(m: FineTuningMethod, loraEmbedIn?: boolean): string {
  switch (m.kind) {
    case 'full':
      return 'full fine-tuning';
    case 'freeze':
      return `block freezing (last ${m.trainableBlocks} blocks train)`;
    case 'bias':
      return 'bias-only fine-tuning';
    case 'lora':
      return `LoRA, rank ${m.rank}, alpha ${m.alpha ?? 8}${loraEmbedIn === undefined ? '' : loraEmbedIn ? ', embed_in adapted' : ', embed_in not adapted'}`;
  }
}

/**
 * How the weights came about, in words that claim no more than the inputs show: a recipe is only
 * called followed when the checkpoint trained its method (a demo's LoRA alternative to a full
 * fine-tuning plan is not "at the recipe"), and a card without a checkpoint says nothing was trained.
 */
function provenance(planned: FineTuningMethod | undefined, trained: FineTuningMethod | undefined): string {
  if (!trained) return 'the base model’s weights converted, not fine-tuned';
  if (planned && !sameMethod(planned, trained)) return `contrastive fine-tuning with ${methodText(trained)}, instead of the recipe’s ${methodText(planned)}`;
  return planned ? 'contrastive fine-tuning at the recipe below, planned after Ziarko et al., NeurIPS 2024' : 'contrastive fine-tuning after Ziarko et al., NeurIPS 2024';
}

/** The same method up to LoRA's alpha (a scale the planner does not choose). */
function sameMethod(a: FineTuningMethod, b: FineTuningMethod): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'freeze' && b.kind === 'freeze') return a.trainableBlocks === b.trainableBlocks;
  if (a.kind === 'lora' && b.kind === 'lora') return a.rank === b.rank;
  return true;
}

/** README.md text for an exported folder. `card` is validated (errors name `card.<field>`). */
export function modelCard(context: ModelCardContext, card: ModelCardInput = {}): string {
  const c = validate(ModelCardInputSchema, card, 'card');
  const s = context.state;
  const base = c.baseModel ?? context.modelName;
  const fm = FRONT_MATTER[context.format];
  const out: string[] = ['---', `library_name: ${fm.library}`, `pipeline_tag: ${fm.pipeline}`, `base_model: ${yamlString(base)}`, 'tags:', '  - repurpose', '  - embeddings', '  - sentence-similarity', '---', ''];
  out.push(`# ${cell(c.title ?? `${base} repurposed as an embedding model`)}`, '');
  out.push(
    `A text-embedding model made from ${cell(base)} by ${LIBRARY_NAME} ${LIBRARY_VERSION} (${provenance(c.recipe?.method, s?.method)}):`,
    `mean pooling over the last hidden state, compared by cosine similarity, ${context.hiddenSize} dimensions, texts truncated to ${context.maxSeqLength} tokens.`,
    '',
  );
  if (c.recipe) {
    const r = c.recipe;
    out.push('## Recipe', '', '| | |', '|---|---|');
    if (r.budget !== undefined) out.push(`| budget | ${formatCount(r.budget)} FLOP |`);
    if (r.model !== undefined) out.push(`| model | ${cell(r.model)} |`);
    if (r.method !== undefined) out.push(`| method | ${methodText(r.method)} |`);
    if (r.pairs !== undefined) out.push(`| pairs | ${formatCount(r.pairs)} |`);
    if (r.steps !== undefined) out.push(`| steps | ${formatCount(r.steps)} |`);
    if (r.predictedLoss !== undefined) out.push(`| predicted loss | ${formatCount(r.predictedLoss)} |`);
    out.push('');
  }
  out.push('## Training', '');
  if (s) {
    out.push(
      '| | |',
      '|---|---|',
      `| method | ${methodText(s.method, s.method.kind === 'lora' ? s.loraEmbedIn : undefined)} |`,
      `| steps | ${formatCount(s.step)} of a ${formatCount(s.steps)}-step schedule |`,
      `| pairs trained on | ${formatCount(s.pairs)} |`,
      `| tokens | ${formatCount(s.tokens)} |`,
      `| FLOPs spent | ${formatCount(s.flopUsed)} (${s.accounting} accounting) |`,
      `| batch | ${s.batch.B} pairs, queries ${s.batch.Tq} and positives ${s.batch.Tp} tokens |`,
      `| peak learning rate | ${formatCount(s.peakLearningRate)} (warm-up ${formatCount(s.warmupFraction)}, cosine decay) |`,
      `| loss | symmetric InfoNCE, scale ${formatCount(s.inverseTemperature)}, ${s.pooling} pooling |`,
      `| precision | ${s.dtype} weights, ${s.computeDtype} compute |`,
      '',
    );
  } else out.push('No training checkpoint was given: these are the base model’s weights, converted.', '');
  if (c.evaluation && c.evaluation.length > 0) {
    const withBefore = c.evaluation.some((r) => r.before !== undefined);
    out.push('## Evaluation', '', withBefore ? '| metric | split | before | after |' : '| metric | split | value |', withBefore ? '|---|---|---|---|' : '|---|---|---|');
    for (const r of c.evaluation) {
      const split = r.split === undefined ? '' : cell(r.split);
      out.push(withBefore ? `| ${cell(r.metric)} | ${split} | ${r.before === undefined ? '' : number(r.before)} | ${number(r.value)} |` : `| ${cell(r.metric)} | ${split} | ${number(r.value)} |`);
    }
    out.push('');
  }
  out.push('## Data', '', c.dataHash ? `Training pairs: \`${c.dataHash}\` (SHA-256 of the pair file).` : 'The training data’s hash was not recorded.', '');
  out.push('## Use', '', ...usage(context.format), '');
  out.push('## Export', '', `Format ${context.format}, weights in ${context.dtype}, written by ${LIBRARY_NAME} ${LIBRARY_VERSION}.`, '');
  return out.join('\n');
}

function usage(format: ModelCardContext['format']): string[] {
  switch (format) {
    case 'sentence-transformers':
      return ['```python', 'from sentence_transformers import SentenceTransformer', 'model = SentenceTransformer("path/to/this/folder")', 'embeddings = model.encode(["a sentence", "another one"])', '```'];
    case 'hf':
      return ['The folder loads with `transformers.AutoModel.from_pretrained(folder)`; the embedding is the mean of the last hidden state over the attention mask. With repurpose: `repurpose embed --model folder "a sentence"`.'];
    case 'peft':
      return ['```python', 'from transformers import AutoModel', 'from peft import PeftModel', 'model = PeftModel.from_pretrained(AutoModel.from_pretrained("path/to/base"), "path/to/this/folder")', '```', 'Mean-pool the last hidden state over the attention mask. With repurpose: `repurpose embed --model BASE --adapter folder "a sentence"`.'];
    case 'onnx':
      return ['The folder is laid out for transformers.js (`onnx/model.onnx`); run it as a feature-extraction pipeline with mean pooling.'];
  }
}

/** Table cells and headings are one line, with `|` escaped. */
function cell(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
}

function number(x: number): string {
  return Math.abs(x) < 1e6 && Math.abs(x) >= 1e-3 ? String(Number(x.toPrecision(4))) : formatCount(x);
}

function yamlString(text: string): string {
  return JSON.stringify(text.replace(/[\r\n]+/g, ' '));
}
