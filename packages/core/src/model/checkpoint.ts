/**
 * Loading a Hugging Face checkpoint from bytes (browser-safe): `config.json` plus one
 * `model.safetensors` (or several shards), stored in F32, F16, BF16 or F64, for either family the
 * config's `model_type` names:
 *
 *   gpt_neox                      GPTNeoXModel names; a `GPTNeoXForCausalLM` file loads unmapped: its
 *                                 `gpt_neox.` prefix is stripped and `embed_out.weight` (the LM head) ignored.
 *   llama, mistral, qwen2, qwen3  LlamaModel names (model/llama.ts's llamaParameters); a `*ForCausalLM`
 *                                 file's `model.` prefix is stripped and `lm_head.weight` ignored — except
 *                                 when the embeddings are tied and the file kept only `lm_head.weight`,
 *                                 which then is `embed_tokens.weight`.
 *
 * The tensors are validated against the architecture's layout before anything is used — every
 * missing, unexpected or wrongly shaped tensor is reported together (LayoutMismatchError) — and
 * widened to f32 (or f64).
 *
 * Not a hub client and not a file reader: model/checkpoint-file.ts reads a directory in Node.
 */
import { checkedArchitecture } from '../catalog/resolve-model.js';
import { type ConfigDefault, type ModelArchitecture, readArchitectureConfig } from '../catalog/architecture.js';
import type { FloatDType } from '../engine/dtype.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { ValidationError } from '../errors.js';
import { checkLayout, type ExpectedTensor } from '../io/safetensors-layout.js';
import { LayoutMismatchError, type LayoutProblem } from '../io/safetensors-error.js';
import { readSafetensors, type LoadedTensor } from '../io/safetensors-read.js';
import { parseJsonBounded } from '../io/bounded-json.js';
import { checkOptions } from '../validate.js';
import { llamaParameters } from './llama.js';
import { gptNeoXParameters } from './parameter-layout.js';
import type { ParameterMap } from './parameter-map.js';

export interface CheckpointFiles {
  /** config.json as text, bytes, or an already parsed object. */
  readonly config: string | Uint8Array | object;
  /** model.safetensors, or every shard of a sharded checkpoint (any order). */
  readonly weights: Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[];
}

export interface LoadCheckpointOptions {
  /** Dtype of the loaded tensors. Default f32 (f16/bf16 checkpoints widen exactly). */
  readonly dtype?: FloatDType;
  /** Name recorded in the architecture, e.g. `pythia-160m`. */
  readonly name?: string;
}

export interface LoadedCheckpoint {
  readonly architecture: ModelArchitecture;
  /** The parsed config.json, as found. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Keys config.json lacked that got transformers' default (see readArchitectureConfig); empty for files transformers saved. */
  readonly defaulted: readonly ConfigDefault[];
  /** Every parameter of the base model (GPTNeoXModel or LlamaModel) under its HF name, in layout order. */
  readonly parameters: ParameterMap;
}

/** How each family's files name things: the causal-LM wrapper's prefix, and the tensors the embedder does not use. */
const FAMILY_FILES = {
  gpt_neox: {
    prefix: 'gpt_neox.',
    // The LM head, and the buffers older transformers saved with Pythia (causal-mask `attention.bias`,
    // `masked_bias`, `rotary_emb.inv_freq`), which this forward recomputes.
    ignored: /^(embed_out\.weight|layers\.\d+\.attention\.(bias|masked_bias|rotary_emb\.inv_freq))$/,
  },
  llama: {
    prefix: 'model.',
    // The LM head (handled apart for tied files) and the inverse frequencies older versions saved.
    ignored: /^(lm_head\.weight|layers\.\d+\.self_attn\.rotary_emb\.inv_freq)$/,
  },
} as const;
const LM_HEAD = 'lm_head.weight';
const EMBED_TOKENS = 'embed_tokens.weight';
const LOADABLE_DTYPES = ['F32', 'F16', 'BF16', 'F64'] as const;

export function loadCheckpoint(files: CheckpointFiles, options: LoadCheckpointOptions = {}): LoadedCheckpoint {
  if (files === null || typeof files !== 'object') throw new ValidationError('files', files, '{ config, weights }: config.json and the safetensors bytes');
  checkOptions(options, 'options', ['dtype', 'name']);
  const dtype = options.dtype === undefined ? 'f32' : options.dtype;
  if (dtype !== 'f32' && dtype !== 'f64') throw new ValidationError('options.dtype', dtype, '"f32" or "f64"');
  const config = parseConfig(files.config);
  const { architecture, defaulted } = readArchitectureConfig(config, options.name);
  const parameters = loadParameters(architecture, files.weights, dtype);
  return Object.freeze({ architecture, config, defaulted, parameters });
}

/** The weights alone, for an architecture already known. Same checks as `loadCheckpoint`. */
export function loadParameters(
  architecture: ModelArchitecture,
  weights: CheckpointFiles['weights'],
  dtype: FloatDType = 'f32',
): Map<string, HostTensor> {
  architecture = checkedArchitecture(architecture, 'architecture');
  if (dtype !== 'f32' && dtype !== 'f64') throw new ValidationError('dtype', dtype, '"f32" or "f64"');
  if (weights === null || typeof weights !== 'object') throw new ValidationError('weights', weights, 'safetensors bytes, or an array of shards');
  const shards = Array.isArray(weights) ? (weights as readonly (Uint8Array | ArrayBuffer)[]) : [weights as Uint8Array | ArrayBuffer];
  if (shards.length === 0) throw new ValidationError('weights', [], 'at least one safetensors file');
  shards.forEach((s, i) => {
    if (!(s instanceof Uint8Array) && !(s instanceof ArrayBuffer)) throw new ValidationError(Array.isArray(weights) ? `weights.${i}` : 'weights', s, 'safetensors bytes (a Uint8Array or ArrayBuffer)');
  });
  const files = FAMILY_FILES[architecture.kind === 'llama' ? 'llama' : 'gpt_neox'];
  const found = new Map<string, LoadedTensor>();
  const duplicates: LayoutProblem[] = [];
  let lmHead: LoadedTensor | undefined;
  for (const shard of shards) {
    for (const [stored, tensor] of readSafetensors(shard).tensors) {
      const name = stored.startsWith(files.prefix) ? stored.slice(files.prefix.length) : stored;
      if (name === LM_HEAD) lmHead = tensor;
      if (files.ignored.test(name)) continue;
      if (found.has(name)) duplicates.push({ kind: 'unexpected', name, actual: `a second copy (stored as ${JSON.stringify(stored)})` });
      found.set(name, tensor);
    }
  }
  if (duplicates.length > 0) throw new LayoutMismatchError(duplicates);
  // A tied Llama-family file may keep the shared matrix under the head's name only.
  if (architecture.kind === 'llama' && architecture.tieWordEmbeddings && !found.has(EMBED_TOKENS) && lmHead) found.set(EMBED_TOKENS, lmHead);
  checkLayerCount(architecture, found);
  const specs = architecture.kind === 'llama' ? llamaParameters(architecture) : gptNeoXParameters(architecture);
  const layout = new Map<string, ExpectedTensor>(specs.map((p) => [p.name, { shape: p.shape, dtype: LOADABLE_DTYPES }]));
  checkLayout({ tensors: found }, layout);
  const parameters = new Map<string, HostTensor>();
  for (const name of layout.keys()) {
    const t = found.get(name)!;
    parameters.set(name, hostTensor(dtype, t.shape, t.data as Float32Array | Float64Array));
  }
  return parameters;
}

/**
 * The checkpoint's block count against the architecture's, before the expected layout (16 tensors a
 * block) is built: a config claiming 300,000 layers beside weights for 2 is one line of error, not
 * millions of "missing" entries.
 */
function checkLayerCount(architecture: ModelArchitecture, found: ReadonlyMap<string, unknown>): void {
  let layers = 0;
  for (const name of found.keys()) {
    const m = /^layers\.(\d{1,9})\./.exec(name);
    if (m) layers = Math.max(layers, Number(m[1]) + 1);
  }
  if (layers !== architecture.numLayers) {
    throw new ValidationError('config.num_hidden_layers', architecture.numLayers, layers === 0 ? 'the number of blocks the weights hold (they hold no layers.N tensors)' : `the number of blocks the weights hold (${layers}: tensors layers.0 … layers.${layers - 1})`);
  }
}

function parseConfig(config: CheckpointFiles['config']): Record<string, unknown> {
  let value: unknown = config;
  if (typeof config === 'string' || config instanceof Uint8Array) {
    const text = typeof config === 'string' ? config : new TextDecoder('utf-8', { fatal: false }).decode(config);
    value = parseJsonBounded(text, 'config', 'JSON text of a Hugging Face config.json');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('config', value, 'a JSON object');
  return value as Record<string, unknown>;
}
