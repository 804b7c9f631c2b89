/**
 * Loading a Hugging Face GPT-NeoX checkpoint from bytes (browser-safe): `config.json` plus one
 * `model.safetensors` (or several shards). A `GPTNeoXForCausalLM` checkpoint loads unmapped: its
 * `gpt_neox.` prefix is stripped and `embed_out.weight` (the LM head) is ignored. The tensors are
 * validated against the architecture's layout before anything is used — every missing, unexpected
 * or wrongly shaped tensor is reported together (LayoutMismatchError) — and widened to f32 (or f64).
 *
 * Not a hub client and not a file reader: model/checkpoint-file.ts reads a directory in Node.
 */
import { z } from 'zod';
import { type ModelArchitecture, architectureFromConfig } from '../catalog/architecture.js';
import type { FloatDType } from '../engine/dtype.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { ValidationError } from '../errors.js';
import { checkLayout, type ExpectedTensor } from '../io/safetensors-layout.js';
import { LayoutMismatchError, type LayoutProblem } from '../io/safetensors-error.js';
import { readSafetensors, type LoadedTensor } from '../io/safetensors-read.js';
import { expect, validate } from '../validate.js';
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
  /** Every GPTNeoXModel parameter under its HF name, in layout order. */
  readonly parameters: ParameterMap;
}

/** Prefix of GPTNeoXForCausalLM's base model. */
const CAUSAL_LM_PREFIX = 'gpt_neox.';
/**
 * Tensors a checkpoint may carry that the embedding model does not use: the LM head, and the
 * buffers older transformers saved with Pythia (causal-mask `attention.bias`, `masked_bias`,
 * `rotary_emb.inv_freq`), which this forward recomputes.
 */
const IGNORED = /^(embed_out\.weight|layers\.\d+\.attention\.(bias|masked_bias|rotary_emb\.inv_freq))$/;
const LOADABLE_DTYPES = ['F32', 'F16', 'BF16', 'F64'] as const;

/** What this forward implements; a config asking for anything else is refused rather than run wrong. */
const SupportedConfigSchema = z.object({
  hidden_act: z.literal('gelu', expect('"gelu" (exact GELU, as Pythia)')).optional(),
  attention_bias: z.literal(true, expect('true (biases on the attention projections)')).optional(),
  rotary_emb_base: z.number().optional(),
  rope_theta: z.number(expect('a positive number')).positive().optional(),
  rope_scaling: z.null(expect('null (rotary scaling variants are not implemented)')).optional(),
});

export function loadCheckpoint(files: CheckpointFiles, options: LoadCheckpointOptions = {}): LoadedCheckpoint {
  const config = parseConfig(files.config);
  const supported = validate(SupportedConfigSchema, config, 'config');
  let architecture = architectureFromConfig(config, options.name);
  // Newer transformers write rope_theta instead of rotary_emb_base.
  if (supported.rotary_emb_base === undefined && supported.rope_theta !== undefined) {
    architecture = { ...architecture, rotaryEmbBase: supported.rope_theta };
  }
  const parameters = loadParameters(architecture, files.weights, options.dtype ?? 'f32');
  return Object.freeze({ architecture, config, parameters });
}

/** The weights alone, for an architecture already known. Same checks as `loadCheckpoint`. */
export function loadParameters(
  architecture: ModelArchitecture,
  weights: CheckpointFiles['weights'],
  dtype: FloatDType = 'f32',
): Map<string, HostTensor> {
  const shards = Array.isArray(weights) ? (weights as readonly (Uint8Array | ArrayBuffer)[]) : [weights as Uint8Array | ArrayBuffer];
  if (shards.length === 0) throw new ValidationError('weights', [], 'at least one safetensors file');
  const found = new Map<string, LoadedTensor>();
  const duplicates: LayoutProblem[] = [];
  for (const shard of shards) {
    for (const [stored, tensor] of readSafetensors(shard).tensors) {
      const name = stored.startsWith(CAUSAL_LM_PREFIX) ? stored.slice(CAUSAL_LM_PREFIX.length) : stored;
      if (IGNORED.test(name)) continue;
      if (found.has(name)) duplicates.push({ kind: 'unexpected', name, actual: `a second copy (stored as ${JSON.stringify(stored)})` });
      found.set(name, tensor);
    }
  }
  if (duplicates.length > 0) throw new LayoutMismatchError(duplicates);
  const layout = new Map<string, ExpectedTensor>(gptNeoXParameters(architecture).map((p) => [p.name, { shape: p.shape, dtype: LOADABLE_DTYPES }]));
  checkLayout({ tensors: found }, layout);
  const parameters = new Map<string, HostTensor>();
  for (const name of layout.keys()) {
    const t = found.get(name)!;
    parameters.set(name, hostTensor(dtype, t.shape, t.data as Float32Array | Float64Array));
  }
  return parameters;
}

function parseConfig(config: CheckpointFiles['config']): Record<string, unknown> {
  let value: unknown = config;
  if (typeof config === 'string' || config instanceof Uint8Array) {
    const text = typeof config === 'string' ? config : new TextDecoder('utf-8', { fatal: false }).decode(config);
    try {
      value = JSON.parse(text);
    } catch {
      throw new ValidationError('config', text, 'JSON text of a Hugging Face config.json');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('config', value, 'a JSON object');
  return value as Record<string, unknown>;
}
