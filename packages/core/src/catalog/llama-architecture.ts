/**
 * The architecture numbers of a Llama-family decoder (Hugging Face model_type `llama`, `mistral`,
 * `qwen2`, `qwen3`; SmolLM checkpoints are `llama`), and how to read them from a `config.json`.
 * Not a general model-config library and not the forward (model/): only what planning and the engine
 * need, with every key that changes the math either honoured or refused up front.
 *
 * What this family computes per block (transformers' modeling_llama / _qwen2 / _qwen3):
 *   x ← x + o_proj(attn(rope(q_norm?(q_proj(rms(x)))), rope(k_norm?(k_proj(rms(x)))), v_proj(rms(x))))
 *   x ← x + down_proj(silu(gate_proj(rms(x))) ⊙ up_proj(rms(x)))
 * RMSNorm weight-only (eps `rms_norm_eps`), RoPE over the whole head (`rope_theta`, rotate-half),
 * grouped-query attention (`num_key_value_heads` k/v heads shared by NH/KV query heads each), head
 * size `head_dim` (may differ from d/NH, as in Qwen3). Biases: Llama's `attention_bias` puts them on
 * q, k, v and o; Qwen2 always has them on q, k, v and never on o; `mlp_bias` (Llama only) on the
 * three MLP projections. Qwen3 adds a per-head RMSNorm on q and k (q_norm, k_norm, HS weights each).
 *
 * Refused, naming the key: a rotary variant other than "default" (rope_scaling / rope_parameters),
 * sliding-window attention, an activation other than silu, pretraining_tp > 1, interleaved rotary,
 * attention dropout, and any key not in the tables below (it might change the math; silently ignoring
 * it could run the wrong model). A math key that is absent gets the model_type's transformers default
 * and is listed in `defaulted`.
 *
 * Symbols: L layers, d hidden, NH query heads, KV k/v heads, HS head size, I MLP width, V vocabulary.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { expect, integerAtLeast, validate } from '../validate.js';
import { ARCHITECTURE_LIMITS } from './architecture-limits.js';
import type { ConfigDefault } from './architecture.js';

export const LLAMA_MODEL_TYPES = ['llama', 'mistral', 'qwen2', 'qwen3'] as const;
export type LlamaModelType = (typeof LLAMA_MODEL_TYPES)[number];

export interface LlamaArchitecture {
  readonly kind: 'llama';
  /** The config.json model_type it was read as (it decides the bias layout and q/k norms). */
  readonly modelType: LlamaModelType;
  readonly name: string;
  /** L. */
  readonly numLayers: number;
  /** d. */
  readonly hiddenSize: number;
  /** NH: query heads. */
  readonly numHeads: number;
  /** KV: key/value heads (NH for plain multi-head attention; must divide NH). */
  readonly numKeyValueHeads: number;
  /** HS: per-head size (d/NH unless config.json says otherwise). */
  readonly headDim: number;
  /** I: width of gate_proj / up_proj. */
  readonly intermediateSize: number;
  /** V: rows of embed_tokens. */
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
  /** Always 1: this family rotates the whole head. Kept so code that reads it for GPT-NeoX reads the truth here. */
  readonly rotaryPct: 1;
  /** rope_theta. */
  readonly rotaryEmbBase: number;
  /** rms_norm_eps (the field shares GPT-NeoX's name so memory and planning code read one place). */
  readonly layerNormEps: number;
  /** Always false: attention then MLP, each on its own residual. */
  readonly useParallelResidual: false;
  /** Biases on q_proj, k_proj, v_proj. */
  readonly qkvBias: boolean;
  /** Bias on o_proj. */
  readonly outputBias: boolean;
  /** Biases on gate_proj, up_proj, down_proj. */
  readonly mlpBias: boolean;
  /** Qwen3's per-head RMSNorm on q and k (self_attn.q_norm, self_attn.k_norm). */
  readonly qkNorm: boolean;
  /** lm_head shares embed_tokens (matters for a causal-LM checkpoint's size, not for the embedder). */
  readonly tieWordEmbeddings: boolean;
  readonly hiddenAct: 'silu';
  readonly preTrainingLr?: number;
}

const bounded = (field: keyof typeof ARCHITECTURE_LIMITS, key: string) => {
  const max = ARCHITECTURE_LIMITS[field];
  return integerAtLeast(1, `(${key})`).refine((x) => x <= max, { error: `an integer in 1..${max.toLocaleString('en-US')} (${key})` });
};
const positive = (what: string) =>
  z.number(expect(`a positive finite number (${what})`)).refine((x) => Number.isFinite(x) && x > 0, { error: `a positive finite number (${what})` });
const ignored = z.unknown().optional();

const RopeParametersSchema = z
  .object({
    rope_type: z.literal('default', expect('"default" (scaled rotary variants such as "linear", "dynamic", "yarn" or "llama3" are not implemented)')).optional(),
    rope_theta: positive('rope_theta').optional(),
  })
  .strict();

/** Keys that change the math: each honoured or refused. */
const MATH_KEYS = {
  model_type: z.enum(LLAMA_MODEL_TYPES, expect(`one of ${LLAMA_MODEL_TYPES.join(', ')}`)),
  num_hidden_layers: bounded('numLayers', 'num_hidden_layers'),
  hidden_size: bounded('hiddenSize', 'hidden_size'),
  num_attention_heads: bounded('numHeads', 'num_attention_heads'),
  num_key_value_heads: bounded('numHeads', 'num_key_value_heads').nullable().optional(),
  head_dim: bounded('hiddenSize', 'head_dim').nullable().optional(),
  intermediate_size: bounded('intermediateSize', 'intermediate_size'),
  vocab_size: bounded('vocabSize', 'vocab_size'),
  max_position_embeddings: bounded('maxPositionEmbeddings', 'max_position_embeddings').optional(),
  rms_norm_eps: positive('rms_norm_eps').optional(),
  hidden_act: z.literal('silu', expect('"silu" (SwiGLU; other activations are not implemented)')).optional(),
  rope_theta: positive('rope_theta').optional(),
  rope_parameters: RopeParametersSchema.nullable().optional(),
  rope_scaling: z.null(expect('null (rotary scaling variants are not implemented)')).optional(),
  rope_interleaved: z.literal(false, expect('false (interleaved rotary pairs are not implemented; this forward rotates halves)')).optional(),
  attention_bias: z.boolean(expect('a boolean')).optional(),
  mlp_bias: z.boolean(expect('a boolean')).optional(),
  tie_word_embeddings: z.boolean(expect('a boolean')).optional(),
  pretraining_tp: z.literal(1, expect('1 (tensor-parallel slicing of the projections is not implemented)')).optional(),
  attention_dropout: z.literal(0, expect('0 (attention dropout is not implemented)')).optional(),
  use_sliding_window: z.literal(false, expect('false (sliding-window attention is not implemented)')).optional(),
  // Mistral applies sliding_window whenever it is set; Qwen only when use_sliding_window is true (checked below).
  sliding_window: z.union([z.null(), integerAtLeast(1, '(sliding_window)')], expect('null or a window size')).optional(),
  max_window_layers: ignored,
  layer_types: z.array(z.literal('full_attention', expect('"full_attention" (sliding-window layers are not implemented)'))).optional(),
  use_mrope: z.literal(false, expect('false (multimodal rotary is not implemented)')).optional(),
} as const;

/** Keys that never change the forward of the embedding model: token ids, dtype, bookkeeping. */
const METADATA_KEYS = [
  'architectures', 'transformers_version', 'torch_dtype', 'dtype', '_name_or_path', 'bos_token_id', 'eos_token_id',
  'pad_token_id', 'sep_token_id', 'initializer_range', 'use_cache', 'return_dict', 'output_hidden_states',
  'output_attentions', 'torchscript', 'id2label', 'label2id', 'problem_type', 'tokenizer_class', 'is_llama_config',
  'auto_map', 'task_specific_params', 'chunk_size_feed_forward', 'is_encoder_decoder', 'is_decoder',
  'add_cross_attention', 'finetuning_task', 'prefix', 'decoder_start_token_id', 'pruned_heads', 'tie_encoder_decoder',
  'cross_attention_hidden_size', 'num_labels',
] as const;

export const LlamaConfigSchema = z
  .object({ ...MATH_KEYS, ...Object.fromEntries(METADATA_KEYS.map((k) => [k, ignored])) }, expect('a Hugging Face Llama-family config.json object'))
  .strict();

/** transformers' per-model_type defaults for absent math keys (LlamaConfig, MistralConfig, Qwen2Config, Qwen3Config). */
const HF_DEFAULTS: Record<LlamaModelType, { max_position_embeddings: number; rms_norm_eps: number; rope_theta: number; tie_word_embeddings: boolean }> = {
  llama: { max_position_embeddings: 2048, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false },
  mistral: { max_position_embeddings: 4096 * 32, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false },
  qwen2: { max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false },
  qwen3: { max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false },
};

export interface ReadLlamaConfig {
  readonly architecture: LlamaArchitecture;
  readonly defaulted: readonly ConfigDefault[];
}

/**
 * Reads a Llama-family architecture from a parsed config.json. Throws ValidationError naming the key
 * for anything missing, malformed, out of bounds, unknown, or not implemented (see the header).
 */
export function readLlamaConfig(config: unknown, name = 'llama', field = 'config'): ReadLlamaConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new ValidationError(field, config, 'a Hugging Face Llama-family config.json object');
  if ('quantization_config' in config) throw new ValidationError(`${field}.quantization_config`, (config as Record<string, unknown>).quantization_config, 'no quantization (quantized weights are not implemented)');
  const c = validate(LlamaConfigSchema, config, field);
  if (typeof name !== 'string' || name.length === 0) throw new ValidationError('name', name, 'a non-empty model name');
  const type = c.model_type;
  const defaults = HF_DEFAULTS[type];
  const defaulted: ConfigDefault[] = [];
  const pick = <T extends number | boolean>(key: string, value: T | undefined, d: T): T => {
    if (value !== undefined) return value;
    defaulted.push({ key, value: d, note: `config.json has no ${key}; assumed ${String(d)}, transformers' ${type} default` });
    return d;
  };
  if (type === 'mistral' && c.sliding_window !== undefined && c.sliding_window !== null) {
    throw new ValidationError(`${field}.sliding_window`, c.sliding_window, 'null (Mistral applies a sliding window whenever it is set; sliding-window attention is not implemented)');
  }
  if (type === 'qwen2' && c.attention_bias === false) {
    throw new ValidationError(`${field}.attention_bias`, false, 'absent or true (Qwen2 always has q/k/v biases)');
  }
  if (type !== 'llama' && c.mlp_bias !== undefined && c.mlp_bias !== false) {
    throw new ValidationError(`${field}.mlp_bias`, c.mlp_bias, `absent or false (${type} has no MLP biases)`);
  }
  const rope = c.rope_parameters ?? undefined;
  if (c.rope_theta !== undefined && rope?.rope_theta !== undefined && c.rope_theta !== rope.rope_theta) {
    throw new ValidationError(`${field}.rope_parameters.rope_theta`, rope.rope_theta, `the same value as rope_theta (${c.rope_theta}); the config gives two different values`);
  }
  const numHeads = c.num_attention_heads;
  const kvHeads = c.num_key_value_heads ?? pick('num_key_value_heads', undefined, numHeads);
  if (numHeads % kvHeads !== 0) throw new ValidationError(`${field}.num_key_value_heads`, kvHeads, `a divisor of num_attention_heads (${numHeads}); each k/v head serves NH/KV query heads`);
  let headDim = c.head_dim ?? undefined;
  if (headDim === undefined) {
    if (c.hidden_size % numHeads !== 0) throw new ValidationError(`${field}.hidden_size`, c.hidden_size, `a width divisible by num_attention_heads (${numHeads}) when head_dim is absent`);
    headDim = pick('head_dim', undefined, c.hidden_size / numHeads);
  }
  if (headDim % 2 !== 0) throw new ValidationError(`${field}.head_dim`, headDim, 'an even head size (rotate-half pairs dim j with j + HS/2)');
  // Llama's attention_bias covers q, k, v and o; Qwen2's biases are on q, k, v only; Qwen3 and Mistral have none unless attention_bias says so (Qwen3) or never (Mistral).
  const attentionBias = type === 'qwen2' ? true : pick('attention_bias', c.attention_bias, false);
  if (type === 'mistral' && attentionBias) throw new ValidationError(`${field}.attention_bias`, true, 'absent or false (Mistral has no attention biases)');
  const architecture: LlamaArchitecture = {
    kind: 'llama',
    modelType: type,
    name,
    numLayers: c.num_hidden_layers,
    hiddenSize: c.hidden_size,
    numHeads,
    numKeyValueHeads: kvHeads,
    headDim,
    intermediateSize: c.intermediate_size,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: pick('max_position_embeddings', c.max_position_embeddings, defaults.max_position_embeddings),
    rotaryPct: 1,
    rotaryEmbBase: pick('rope_theta', c.rope_theta ?? rope?.rope_theta, defaults.rope_theta),
    layerNormEps: pick('rms_norm_eps', c.rms_norm_eps, defaults.rms_norm_eps),
    useParallelResidual: false,
    qkvBias: attentionBias,
    outputBias: type === 'qwen2' ? false : attentionBias,
    mlpBias: type === 'llama' ? pick('mlp_bias', c.mlp_bias, false) : false,
    qkNorm: type === 'qwen3',
    tieWordEmbeddings: pick('tie_word_embeddings', c.tie_word_embeddings, defaults.tie_word_embeddings),
    hiddenAct: 'silu',
  };
  if (c.hidden_act === undefined) defaulted.push({ key: 'hidden_act', value: 'silu', note: `config.json has no hidden_act; assumed silu, transformers' ${type} default` });
  return { architecture, defaulted };
}
