/**
 * The architecture numbers of a GPT-NeoX model, and how to read them from a Hugging Face
 * `config.json`. Only what planning and the engine need; not a general model-config library.
 *
 * Both spellings transformers has used are read: `rotary_pct` / `rotary_emb_base` (4.x, Pythia's
 * files) and `rope_parameters: {rope_type, rope_theta, partial_rotary_factor}` (5.x); if both are
 * present they must agree. Anything that changes the math and that this forward does not implement
 * (a `rope_type` other than "default", `rope_scaling`, a `hidden_act` other than exact GELU,
 * attention without biases, odd rotary dims) is refused here, up front, rather than run wrong or
 * failing later in the engine. A key that changes the math and is absent gets transformers'
 * GPTNeoXConfig default, and `readGptNeoxConfig` says so in `defaulted`. Other keys of config.json
 * (dropout, token ids, dtype, ...) are ignored: the file is Hugging Face's format, not ours.
 *
 * Symbols: L = numLayers, d = hiddenSize, I = intermediateSize (4d in Pythia), V = vocabSize.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { expect, integerAtLeast, validate } from '../validate.js';
import { ARCHITECTURE_LIMITS, checkArchitectureConsistency, SUPPORTED_HIDDEN_ACTS } from './architecture-limits.js';
import { LLAMA_MODEL_TYPES, type LlamaArchitecture, readLlamaConfig } from './llama-architecture.js';

/**
 * Every architecture kind this library plans and (where model/ has a forward) runs. `kind` is the
 * discriminant; GPT-NeoX's is optional so every architecture object written before the union (the
 * Pythia catalog, users' objects) still means GPT-NeoX. The fields both kinds share (L, d, NH, I, V,
 * positions, rotary fraction and base, norm epsilon, parallel residual) mean the same thing in both.
 */
export type ModelArchitecture = GptNeoxArchitecture | LlamaArchitecture;
export type ArchitectureKind = 'gpt_neox' | 'llama';

/** The architecture's kind, reading an absent `kind` as GPT-NeoX. */
export function architectureKind(a: ModelArchitecture): ArchitectureKind {
  return a.kind === 'llama' ? 'llama' : 'gpt_neox';
}

export interface GptNeoxArchitecture {
  readonly kind?: 'gpt_neox';
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
  /** Peak learning rate of pre-training, where known; the paper's fallback fine-tuning LR is 1/10 of it. */
  readonly preTrainingLr?: number;
}

const bounded = (field: keyof typeof ARCHITECTURE_LIMITS, key: string) => {
  const max = ARCHITECTURE_LIMITS[field];
  const phrase = `an integer in 1..${max.toLocaleString('en-US')} (${key})`;
  return integerAtLeast(1, `(${key})`).refine((x) => x <= max, { error: phrase });
};
const positive = (what: string) =>
  z.number(expect(`a positive finite number (${what})`)).refine((x) => Number.isFinite(x) && x > 0, { error: `a positive finite number (${what})` });
const fraction = (what: string) =>
  z.number(expect(`a number in (0, 1] (${what})`)).refine((x) => x > 0 && x <= 1, { error: `a number in (0, 1] (${what})` });

const ropeBase = (what: string) =>
  z.number(expect(`a positive number up to 1e12 (${what})`)).refine((x) => x > 0 && x <= ARCHITECTURE_LIMITS.rotaryEmbBase, { error: `a positive number up to 1e12 (${what})` });
const epsilon = (what: string) =>
  z.number(expect(`a number in (0, 1] (${what})`)).refine((x) => x > 0 && x <= ARCHITECTURE_LIMITS.layerNormEps, { error: `a number in (0, 1] (${what})` });

const RopeParametersSchema = z
  .object({
    rope_type: z.literal('default', expect('"default" (the only rotary variant this forward implements; scaled variants such as "linear", "dynamic", "yarn" or "llama3" are not)')).optional(),
    rope_theta: ropeBase('rope_theta').optional(),
    partial_rotary_factor: fraction('partial_rotary_factor').optional(),
  })
  .strict();

/** The subset of Hugging Face's GPTNeoXConfig that we read; other keys are ignored (see the header). */
export const GptNeoxConfigSchema = z.object(
  {
    num_hidden_layers: bounded('numLayers', 'num_hidden_layers'),
    hidden_size: bounded('hiddenSize', 'hidden_size'),
    num_attention_heads: bounded('numHeads', 'num_attention_heads'),
    intermediate_size: bounded('intermediateSize', 'intermediate_size'),
    vocab_size: bounded('vocabSize', 'vocab_size'),
    max_position_embeddings: bounded('maxPositionEmbeddings', 'max_position_embeddings').optional(),
    rotary_pct: fraction('rotary_pct').optional(),
    rotary_emb_base: ropeBase('rotary_emb_base').optional(),
    rope_theta: ropeBase('rope_theta').optional(),
    rope_parameters: RopeParametersSchema.nullable().optional(),
    rope_scaling: z.null(expect('null (rotary scaling variants are not implemented)')).optional(),
    layer_norm_eps: epsilon('layer_norm_eps').optional(),
    use_parallel_residual: z.boolean(expect('a boolean')).optional(),
    hidden_act: z.enum(SUPPORTED_HIDDEN_ACTS, expect('"gelu" (exact erf GELU, as Pythia; "gelu_new", "gelu_fast" and others are approximations this forward does not implement)')).optional(),
    attention_bias: z.literal(true, expect('true (biases on the attention projections, as Pythia)')).optional(),
    model_type: z.literal('gpt_neox', expect('"gpt_neox"')).optional(),
  },
  expect('a Hugging Face GPT-NeoX config.json object'),
);

/** A key config.json lacked, and the transformers default used for it. */
export interface ConfigDefault {
  readonly key: string;
  readonly value: number | boolean | string;
  readonly note: string;
}

/** transformers' GPTNeoXConfig defaults for the keys that change the math. */
const HF_DEFAULTS = {
  max_position_embeddings: 2048,
  rotary_pct: 0.25,
  rotary_emb_base: 10000,
  layer_norm_eps: 1e-5,
  use_parallel_residual: true,
  hidden_act: 'gelu' as string,
};

export interface ReadConfig {
  readonly architecture: GptNeoxArchitecture;
  /** Keys that were absent and got transformers' default; empty for a file transformers saved. */
  readonly defaulted: readonly ConfigDefault[];
}

/**
 * Reads a GPT-NeoX architecture from a parsed Hugging Face `config.json`, with the list of keys that
 * were absent and defaulted. Throws ValidationError naming the key when a number is missing,
 * malformed or out of bounds (ARCHITECTURE_LIMITS), or when the config asks for what is not implemented.
 */
export function readGptNeoxConfig(config: unknown, name = 'gpt-neox', field = 'config'): ReadConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new ValidationError(field, config, 'a Hugging Face GPT-NeoX config.json object');
  const c = validate(GptNeoxConfigSchema, config, field);
  if (typeof name !== 'string' || name.length === 0) throw new ValidationError('name', name, 'a non-empty model name');
  const defaulted: ConfigDefault[] = [];
  const pick = <K extends keyof typeof HF_DEFAULTS>(key: K, value: (typeof HF_DEFAULTS)[K] | undefined, spelled = key as string): (typeof HF_DEFAULTS)[K] => {
    if (value !== undefined) return value;
    const d = HF_DEFAULTS[key];
    defaulted.push({ key: spelled, value: d, note: `config.json has no ${spelled}; assumed ${String(d)}, transformers' GPTNeoXConfig default` });
    return d;
  };
  const rope = c.rope_parameters ?? undefined;
  const agree = (a: number | undefined, aKey: string, b: number | undefined, bKey: string): number | undefined => {
    if (a !== undefined && b !== undefined && a !== b) throw new ValidationError(`${field}.${bKey}`, b, `the same value as ${aKey} (${a}); the config gives two different values`);
    return a ?? b;
  };
  const rotaryPct = agree(c.rotary_pct, 'rotary_pct', rope?.partial_rotary_factor, 'rope_parameters.partial_rotary_factor');
  const base = agree(agree(c.rotary_emb_base, 'rotary_emb_base', c.rope_theta, 'rope_theta'), 'rotary_emb_base', rope?.rope_theta, 'rope_parameters.rope_theta');
  pick('hidden_act', c.hidden_act);
  const architecture: GptNeoxArchitecture = {
    name,
    numLayers: c.num_hidden_layers,
    hiddenSize: c.hidden_size,
    numHeads: c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: pick('max_position_embeddings', c.max_position_embeddings),
    rotaryPct: pick('rotary_pct', rotaryPct, 'rotary_pct (or rope_parameters.partial_rotary_factor)'),
    rotaryEmbBase: pick('rotary_emb_base', base, 'rotary_emb_base (or rope_parameters.rope_theta)'),
    layerNormEps: pick('layer_norm_eps', c.layer_norm_eps),
    useParallelResidual: pick('use_parallel_residual', c.use_parallel_residual),
  };
  checkArchitectureConsistency(architecture, field, {
    hiddenSize: 'hidden_size',
    rotaryPct: c.rotary_pct !== undefined || rope?.partial_rotary_factor === undefined ? 'rotary_pct' : 'rope_parameters.partial_rotary_factor',
  });
  return { architecture, defaulted };
}

/**
 * Reads an architecture from a parsed `config.json`, dispatching on `model_type`: `gpt_neox` (or
 * absent, as in old Pythia files) to readGptNeoxConfig, `llama` / `mistral` / `qwen2` / `qwen3` to
 * readLlamaConfig (see each for what was defaulted). Any other model_type is refused, naming it.
 */
export function readArchitectureConfig(config: unknown, name?: string, field = 'config'): { architecture: ModelArchitecture; defaulted: readonly ConfigDefault[] } {
  const type = config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>).model_type : undefined;
  if (type === undefined || type === 'gpt_neox') return readGptNeoxConfig(config, name === undefined ? 'gpt-neox' : name, field);
  if ((LLAMA_MODEL_TYPES as readonly unknown[]).includes(type)) return readLlamaConfig(config, name === undefined ? String(type) : name, field);
  throw new ValidationError(`${field}.model_type`, type, `one of gpt_neox, ${LLAMA_MODEL_TYPES.join(', ')}`);
}

/** Reads an architecture of any supported kind from a parsed `config.json` (see readArchitectureConfig). */
export function architectureFromConfig(config: unknown, name?: string): ModelArchitecture {
  return readArchitectureConfig(config, name).architecture;
}
