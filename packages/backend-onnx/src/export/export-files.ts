/**
 * The files of a transformers.js model folder, as bytes by relative path: `config.json` (Hugging
 * Face's GPT-NeoX config, `architectures: ["GPTNeoXModel"]`, so `AutoModel` and the feature-extraction
 * pipeline pick the right class), the tokenizer files when given, and `onnx/model.onnx`
 * (gpt-neox-onnx.ts). LoRA is merged into the base weights first (core's mergeLora), so the exported
 * model is a plain GPT-NeoX. Pure: no Node APIs (export-onnx-model.ts writes the folder).
 *
 * Not a tokenizer converter: tokenizer files are copied as given, and only the names transformers.js
 * reads are accepted (a name like `../x` is refused, never written).
 */
import { z } from 'zod';
import { ValidationError, type FineTuningMethod, type GptNeoxArchitecture, type ModelArchitecture } from '@repurpose/core';
import { methodPlan, mergeLora, type ParameterMap } from '@repurpose/core/engine';
import { buildGptNeoXOnnx } from './gpt-neox-onnx.js';

/** The tokenizer files transformers.js (and Hugging Face tokenizers) read from a model folder. */
export const TOKENIZER_FILE_NAMES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json', 'vocab.json', 'merges.txt'] as const;
export type TokenizerFileName = (typeof TOKENIZER_FILE_NAMES)[number];

export const MODEL_PATH = 'onnx/model.onnx';

export interface ExportModelOptions {
  readonly architecture: ModelArchitecture;
  /** Every base parameter (HF names); with LoRA, the adapters too (here or in `adapters`). */
  readonly parameters: ParameterMap;
  readonly adapters?: ParameterMap;
  /** The method the parameters were trained with; LoRA is merged before export. Default full. */
  readonly method?: FineTuningMethod;
  /** LoRA: whether embed_in had an adapter (the trainer's default true). */
  readonly loraEmbedIn?: boolean;
  /** The source model's config.json, whose other keys (token ids, names) are carried over. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Tokenizer files by name, as bytes or text, copied as given. */
  readonly tokenizer?: Readonly<Partial<Record<TokenizerFileName, Uint8Array | string>>>;
}

const OptionsSchema = z
  .object({
    architecture: z.object({ name: z.string() }, { error: () => 'a model architecture (architectureFromConfig)' }).passthrough(),
    parameters: z.instanceof(Map, { error: () => 'a Map of parameter name → HostTensor' }),
    adapters: z.instanceof(Map, { error: () => 'a Map of adapter name → HostTensor' }).optional(),
    method: z.object({ kind: z.string() }, { error: () => 'a fine-tuning method ({ kind: "full" | "freeze" | "bias" | "lora", … })' }).passthrough().optional(),
    loraEmbedIn: z.boolean({ error: () => 'a boolean' }).optional(),
    config: z.record(z.string(), z.unknown(), { error: () => 'the config.json object' }).optional(),
    tokenizer: z.record(z.string(), z.unknown(), { error: () => 'an object of tokenizer file name → bytes or text' }).optional(),
  })
  .strict();

export function validateExportOptions(options: unknown): ExportModelOptions {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', options, 'an object { architecture, parameters, … }');
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['options', ...issue.path.map(String)].join('.');
    let value: unknown = options;
    for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
    throw new ValidationError(path, value, issue.code === 'unrecognized_keys' ? `no key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message);
  }
  const o = options as ExportModelOptions;
  for (const [name, content] of Object.entries(o.tokenizer ?? {})) {
    if (!(TOKENIZER_FILE_NAMES as readonly string[]).includes(name)) throw new ValidationError(`options.tokenizer.${name}`, name, `a tokenizer file name (${TOKENIZER_FILE_NAMES.join(', ')})`);
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw new ValidationError(`options.tokenizer.${name}`, typeof content, 'bytes (Uint8Array) or text');
  }
  return o;
}

/** Hugging Face's config.json for the architecture, over the source config's other keys. */
export function gptNeoXConfigJson(arch: GptNeoxArchitecture, source: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    ...source,
    architectures: ['GPTNeoXModel'],
    model_type: 'gpt_neox',
    vocab_size: arch.vocabSize,
    hidden_size: arch.hiddenSize,
    num_hidden_layers: arch.numLayers,
    num_attention_heads: arch.numHeads,
    intermediate_size: arch.intermediateSize,
    hidden_act: 'gelu',
    rotary_pct: arch.rotaryPct,
    rotary_emb_base: arch.rotaryEmbBase,
    max_position_embeddings: arch.maxPositionEmbeddings,
    layer_norm_eps: arch.layerNormEps,
    use_parallel_residual: arch.useParallelResidual,
    torch_dtype: 'float32',
  };
}

/** The base weights with LoRA merged (other methods train base tensors in place: nothing to merge). */
export function mergedParameters(o: ExportModelOptions): ParameterMap {
  const all = new Map([...o.parameters, ...(o.adapters ?? [])]);
  if (o.method?.kind !== 'lora') {
    if (o.adapters && o.adapters.size > 0) throw new ValidationError('options.adapters', [...o.adapters.keys()].slice(0, 3), 'no adapters unless options.method is LoRA');
    return all;
  }
  const plan = methodPlan(o.architecture, o.method, o.loraEmbedIn !== undefined ? { loraEmbedIn: o.loraEmbedIn } : {});
  return mergeLora(all, plan.lora!);
}

const encoder = new TextEncoder();

/** Every file of the folder, by relative path. */
export function buildExportFiles(options: ExportModelOptions): Map<string, Uint8Array> {
  const o = validateExportOptions(options);
  if (o.architecture.kind === 'llama') throw new ValidationError('options.architecture.kind', 'llama', 'a GPT-NeoX architecture (the export writes GPT-NeoX models only)');
  const files = new Map<string, Uint8Array>();
  files.set('config.json', encoder.encode(`${JSON.stringify(gptNeoXConfigJson(o.architecture as GptNeoxArchitecture, o.config), null, 2)}\n`));
  for (const [name, content] of Object.entries(o.tokenizer ?? {})) files.set(name, typeof content === 'string' ? encoder.encode(content) : (content as Uint8Array));
  files.set(MODEL_PATH, buildGptNeoXOnnx(o.architecture, mergedParameters(o)));
  return files;
}
