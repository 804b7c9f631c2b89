/**
 * The architecture numbers of a GPT-NeoX model, and how to read them from a Hugging Face
 * `config.json`. Only what planning and the engine need; not a general model-config library.
 *
 * Symbols: L = numLayers, d = hiddenSize, I = intermediateSize (4d in Pythia), V = vocabSize.
 */
import { z } from 'zod';
import { expect, integerAtLeast, validate } from '../validate.js';

export interface ModelArchitecture {
  /** A name for tables and recipes, e.g. `pythia-160m`. */
  readonly name: string;
  /** L: transformer blocks. */
  readonly numLayers: number;
  /** d: residual stream width. */
  readonly hiddenSize: number;
  readonly numHeads: number;
  /** I: MLP width (4d for Pythia). */
  readonly intermediateSize: number;
  /** V: rows of embed_in (Pythia pads its 50,277-token vocabulary to 50,304). */
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
  /** Fraction of each head's dimensions that get rotary embeddings. */
  readonly rotaryPct: number;
  readonly rotaryEmbBase: number;
  readonly layerNormEps: number;
  readonly useParallelResidual: boolean;
  /** Peak learning rate of pre-training, where known; PAPER.md's fallback fine-tuning LR is 1/10 of it. */
  readonly preTrainingLr?: number;
}

const positiveInt = (field: string) => integerAtLeast(1, `(${field})`);

/** The subset of Hugging Face's GPTNeoXConfig that we read; other keys are ignored. */
export const GptNeoxConfigSchema = z.object({
  num_hidden_layers: positiveInt('num_hidden_layers'),
  hidden_size: positiveInt('hidden_size'),
  num_attention_heads: positiveInt('num_attention_heads'),
  intermediate_size: positiveInt('intermediate_size'),
  vocab_size: positiveInt('vocab_size'),
  max_position_embeddings: positiveInt('max_position_embeddings').default(2048),
  rotary_pct: z.number(expect('a number in (0, 1]')).gt(0).lte(1).default(0.25),
  rotary_emb_base: z.number(expect('a positive number')).positive().default(10000),
  layer_norm_eps: z.number(expect('a positive number')).positive().default(1e-5),
  use_parallel_residual: z.boolean(expect('a boolean')).default(true),
  model_type: z.literal('gpt_neox', expect('"gpt_neox"')).optional(),
});

/**
 * Reads a GPT-NeoX architecture from a parsed Hugging Face `config.json`.
 * Throws ValidationError naming the key when a required number is missing or malformed.
 */
export function architectureFromConfig(config: unknown, name = 'gpt-neox'): ModelArchitecture {
  const c = validate(GptNeoxConfigSchema, config, 'config');
  if (c.hidden_size % c.num_attention_heads !== 0) {
    validate(z.never(expect(`hidden_size divisible by num_attention_heads (${c.num_attention_heads})`)), c.hidden_size, 'config.hidden_size');
  }
  return {
    name,
    numLayers: c.num_hidden_layers,
    hiddenSize: c.hidden_size,
    numHeads: c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: c.max_position_embeddings,
    rotaryPct: c.rotary_pct,
    rotaryEmbBase: c.rotary_emb_base,
    layerNormEps: c.layer_norm_eps,
    useParallelResidual: c.use_parallel_residual,
  };
}
