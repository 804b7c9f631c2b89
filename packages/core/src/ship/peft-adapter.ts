/**
 * PEFT's LoRA adapter folder, both ways (bytes; browser-safe). PEFT 0.21 writes, for
 * `get_peft_model(GPTNeoXModel, LoraConfig(...)).save_pretrained(dir)`:
 *
 *   adapter_config.json        { "peft_type": "LORA", "r", "lora_alpha", "target_modules",
 *                                "use_rslora", "use_dora", "bias": "none", "fan_in_fan_out", ... }
 *   adapter_model.safetensors  base_model.model.<module>.lora_A.weight [r, in], .lora_B.weight [out, r];
 *                              base_model.model.embed_in.lora_embedding_A [r, V], .lora_embedding_B [C, r]
 *
 * (a `*ForCausalLM` base adds its inner prefix: `gpt_neox.` or `model.`). The update is
 * s·B·A with s = lora_alpha / r (lora_alpha / √r with use_rslora); the embedding's is s·(B·A)ᵀ.
 *
 * Reading accepts what changes nothing (unknown keys whose value is null, false or empty — PEFT adds
 * such switches every release) and refuses, naming the key, everything that would change the math
 * this loader does not implement: DoRA, LoRA biases, `bias` other than "none", modules_to_save,
 * per-layer rank or alpha patterns, layer selections, regex targets, fan_in_fan_out.
 *
 * Not PEFT itself: no other adapter types (IA³, prefix tuning) and no adapter stacking.
 */
import { z } from 'zod';
import { type ModelArchitecture, architectureKind } from '../catalog/architecture.js';
import { GraphError } from '../engine/errors.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { ValidationError } from '../errors.js';
import { parseJsonBounded } from '../io/bounded-json.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-write.js';
import type { FineTuningMethod } from '../methods/method.js';
import { LORA_A, LORA_B, LORA_EMBEDDING_A, LORA_EMBEDDING_B, type MethodPlan, methodPlan } from '../model/method-plan.js';
import type { ParameterMap } from '../model/parameter-map.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { type ExportDtype, EXPORT_DTYPE_NAMES } from './export-format.js';

const PEFT_PREFIX = 'base_model.model.';
const INNER_PREFIX = { gpt_neox: 'gpt_neox.', llama: 'model.' } as const;
const EMBED_IN = 'embed_in';

/** adapter_config.json's keys that this loader reads or checks; any other key must be off (null, false, empty). */
const PeftConfigSchema = z
  .object({
    peft_type: z.literal('LORA', expect('"LORA" (other PEFT adapter types are not implemented)')),
    r: integerAtLeast(1, '(LoRA rank)'),
    lora_alpha: positiveNumber('(lora_alpha)'),
    target_modules: z.array(z.string(), expect('an array of module names (regex targets are not implemented)')).min(1, { error: 'at least one target module' }),
    use_rslora: z.boolean(expect('a boolean')).optional(),
    use_dora: z.literal(false, expect('false (DoRA is not implemented)')).optional(),
    bias: z.literal('none', expect('"none" (trained biases in the adapter are not implemented)')).optional(),
    lora_bias: z.literal(false, expect('false (LoRA biases are not implemented)')).optional(),
    fan_in_fan_out: z.literal(false, expect('false (GPT-NeoX and Llama Linears store [out, in])')).optional(),
    lora_dropout: z.number(expect('a number in [0, 1)')).min(0).max(0.999).optional(),
    modules_to_save: z.union([z.null(), z.array(z.never(), expect('no modules to save (fully trained extra modules are not implemented)')).max(0)]).optional(),
    rank_pattern: z.record(z.string(), z.never(), expect('{} (per-module ranks are not implemented)')).optional(),
    alpha_pattern: z.record(z.string(), z.never(), expect('{} (per-module alphas are not implemented)')).optional(),
    layers_to_transform: z.null(expect('null (layer selections are not implemented)')).optional(),
    layers_pattern: z.union([z.null(), z.string(), z.array(z.string())]).optional(),
    init_lora_weights: z.union([z.boolean(), z.string()]).optional(),
    inference_mode: z.boolean().optional(),
    task_type: z.union([z.null(), z.string()]).optional(),
    base_model_name_or_path: z.union([z.null(), z.string()]).optional(),
    revision: z.union([z.null(), z.string()]).optional(),
    peft_version: z.string().optional(),
    auto_mapping: z.unknown().optional(),
    megatron_core: z.unknown().optional(),
    qalora_group_size: z.unknown().optional(),
    loftq_config: z.unknown().optional(),
  })
  .catchall(z.unknown());

export type PeftAdapterConfig = z.infer<typeof PeftConfigSchema>;

export interface PeftAdapterFiles {
  /** adapter_config.json as text, bytes or a parsed object. */
  readonly config: string | Uint8Array | object;
  /** adapter_model.safetensors. */
  readonly weights: Uint8Array | ArrayBuffer;
}

export interface PeftAdapter {
  readonly config: PeftAdapterConfig;
  readonly rank: number;
  readonly alpha: number;
  /** The factor on B·A: alpha / r, or alpha / √r with use_rslora. */
  readonly scale: number;
  /** The adapted modules (our names, e.g. `layers.0.attention.dense`, `embed_in`). */
  readonly modules: readonly string[];
  /** The factors by our names (`<module>.lora_A.weight`, `embed_in.lora_embedding_A`, …), in f32. */
  readonly tensors: ReadonlyMap<string, HostTensor>;
}

/** Reads and checks an adapter against the base architecture's layout (`baseShapes`: every base tensor's shape). */
export function readPeftAdapter(files: PeftAdapterFiles, architecture: ModelArchitecture, baseShapes: ReadonlyMap<string, readonly number[]>, field = 'adapter'): PeftAdapter {
  if (files === null || typeof files !== 'object') throw new ValidationError(field, files, '{ config, weights }: adapter_config.json and adapter_model.safetensors');
  const config = parseConfig(files.config, `${field} adapter_config.json`);
  const scale = config.use_rslora ? config.lora_alpha / Math.sqrt(config.r) : config.lora_alpha / config.r;
  const inner = INNER_PREFIX[architectureKind(architecture)];
  const tensors = new Map<string, HostTensor>();
  const modules = new Set<string>();
  for (const [stored, t] of readSafetensors(files.weights).tensors) {
    let name = stored.startsWith(PEFT_PREFIX) ? stored.slice(PEFT_PREFIX.length) : stored;
    if (name.startsWith(inner)) name = name.slice(inner.length);
    const m = /^(.+)\.(lora_A\.weight|lora_B\.weight|lora_embedding_A|lora_embedding_B)$/.exec(name);
    if (!m) throw new ValidationError(`${field} tensor ${stored}`, stored, 'a LoRA factor (<module>.lora_A.weight, .lora_B.weight, .lora_embedding_A or .lora_embedding_B)');
    const module = m[1]!;
    if (!baseShapes.has(`${module}.weight`)) throw new ValidationError(`${field} tensor ${stored}`, module, 'a factor of a module of the base model (is the adapter for another model?)');
    if (!config.target_modules.some((target) => module === target || module.endsWith(`.${target}`))) {
      throw new ValidationError(`${field} tensor ${stored}`, module, `a module adapter_config.json's target_modules (${config.target_modules.join(', ')}) names`);
    }
    if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16' && t.dtype !== 'F64') throw new ValidationError(`${field} tensor ${stored} dtype`, t.dtype, 'F32, F16, BF16 or F64');
    modules.add(module);
    tensors.set(name, hostTensor('f32', t.shape, t.data as Float32Array | Float64Array));
  }
  const r = config.r;
  for (const module of modules) {
    const [out, inp] = baseShapes.get(`${module}.weight`)! as [number, number];
    const embedding = tensors.has(`${module}.${LORA_EMBEDDING_A}`) || tensors.has(`${module}.${LORA_EMBEDDING_B}`);
    // An Embedding's weight is [V, C]; its A is [r, V] and its B is [C, r] (PEFT's lora.Embedding).
    const want: [string, number[]][] = embedding
      ? [[`${module}.${LORA_EMBEDDING_A}`, [r, out]], [`${module}.${LORA_EMBEDDING_B}`, [inp, r]]]
      : [[`${module}.${LORA_A}`, [r, inp]], [`${module}.${LORA_B}`, [out, r]]];
    for (const [name, shape] of want) {
      const t = tensors.get(name);
      if (!t) throw new ValidationError(`${field} tensor ${name}`, undefined, `a tensor [${shape.join(', ')}] (its module ${module} has the other factor)`);
      if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) throw new ValidationError(`${field} tensor ${name} shape`, t.shape, `[${shape.join(', ')}] (r = ${r} from adapter_config.json and the base module's shape)`);
    }
  }
  if (modules.size === 0) throw new ValidationError(`${field} adapter_model.safetensors`, 'no LoRA tensors', 'at least one LoRA factor');
  return Object.freeze({ config, rank: r, alpha: config.lora_alpha, scale, modules: [...modules], tensors });
}

/** The base weights with the adapter folded in: W' = W + s·B·A (embedding: W' = W + s·(B·A)ᵀ), accumulated in f64. */
export function mergePeftAdapter(base: ParameterMap, adapter: PeftAdapter): Map<string, HostTensor> {
  const out = new Map(base);
  for (const module of adapter.modules) {
    const weight = base.get(`${module}.weight`);
    if (!weight) throw new GraphError(`adapter module ${module}`, 'no base weight', `a tensor ${module}.weight in the base parameters`);
    const embedding = adapter.tensors.has(`${module}.${LORA_EMBEDDING_A}`);
    const a = adapter.tensors.get(`${module}.${embedding ? LORA_EMBEDDING_A : LORA_A}`)!;
    const b = adapter.tensors.get(`${module}.${embedding ? LORA_EMBEDDING_B : LORA_B}`)!;
    out.set(`${module}.weight`, addScaledProduct(weight, b, a, adapter.scale, embedding));
  }
  return out;
}

/**
 * The adapter as this library's LoRA method, when it is exactly the paper's adapter set on a GPT-NeoX
 * (the four Linears of every block, with or without embed_in), so it can run unmerged or keep
 * training; undefined for any other set (merge it instead). use_rslora becomes the alpha with the
 * same scale (alpha·√r / r = alpha / √r).
 */
export function peftAdapterMethod(adapter: PeftAdapter, architecture: ModelArchitecture): { method: FineTuningMethod; loraEmbedIn: boolean; adapters: Map<string, HostTensor>; plan: MethodPlan } | undefined {
  if (architectureKind(architecture) !== 'gpt_neox') return undefined;
  const loraEmbedIn = adapter.modules.includes(EMBED_IN);
  const alpha = adapter.config.use_rslora ? adapter.alpha * Math.sqrt(adapter.rank) : adapter.alpha;
  const method: FineTuningMethod = { kind: 'lora', rank: adapter.rank, alpha };
  const plan = methodPlan(architecture, method, { loraEmbedIn });
  const names = plan.adapters.map((a) => a.name);
  if (names.length !== adapter.tensors.size || names.some((n) => !adapter.tensors.has(n))) return undefined;
  return { method, loraEmbedIn, adapters: new Map(names.map((n) => [n, adapter.tensors.get(n)!])), plan };
}

export interface PeftExportOptions {
  readonly rank: number;
  readonly alpha: number;
  /** PEFT's target names: the last part of each adapted module's name (`query_key_value`, `q_proj`, `embed_in`, …). */
  readonly targetModules: readonly string[];
  /** The base model class PEFT records (`GPTNeoXModel`, `LlamaModel`, …) and its transformers module. */
  readonly baseModelClass: string;
  readonly parentLibrary: string;
  /** Written as base_model_name_or_path (PEFT reads it to find the base when none is passed). */
  readonly baseModel?: string | null;
  readonly dtype?: ExportDtype;
}

/** PEFT's target names of a method plan's LoRA: the distinct last parts of the adapted modules' names. */
export function peftTargetModules(plan: Pick<MethodPlan, 'lora'>): string[] {
  const lora = plan.lora;
  if (!lora) throw new ValidationError('plan.lora', undefined, 'a LoRA method plan');
  const names = lora.linears.map((l) => l.module.split('.').pop()!);
  if (lora.embedIn) names.push(lora.embedIn.weight.replace(/\.weight$/, ''));
  return [...new Set(names)].sort();
}

/** adapter_config.json for a LoRA of this library (keys and values as PEFT 0.21 writes them). */
export function peftAdapterConfig(options: PeftExportOptions): Record<string, unknown> {
  const targets = [...options.targetModules].sort();
  return {
    alpha_pattern: {},
    auto_mapping: { base_model_class: options.baseModelClass, parent_library: options.parentLibrary },
    base_model_name_or_path: options.baseModel ?? null,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: options.alpha,
    lora_bias: false,
    lora_dropout: 0,
    modules_to_save: null,
    peft_type: 'LORA',
    r: options.rank,
    rank_pattern: {},
    revision: null,
    target_modules: targets,
    task_type: null,
    use_dora: false,
    use_rslora: false,
  };
}

/** adapter_model.safetensors: our adapter names under PEFT's `base_model.model.` prefix, in `dtype` (default f32). */
export function peftAdapterWeights(adapters: ParameterMap, dtype: ExportDtype = 'f32'): Uint8Array {
  const st = EXPORT_DTYPE_NAMES[dtype].safetensors;
  const tensors = new Map<string, TensorToWrite>([...adapters].map(([name, t]) => [PEFT_PREFIX + name, { shape: t.shape, data: t.data as Float32Array | Float64Array, dtype: st }]));
  return writeSafetensors(tensors, { format: 'pt' });
}

function parseConfig(config: PeftAdapterFiles['config'], field: string): PeftAdapterConfig {
  let value: unknown = config;
  if (typeof config === 'string' || config instanceof Uint8Array) {
    value = parseJsonBounded(typeof config === 'string' ? config : new TextDecoder().decode(config), field, 'PEFT adapter_config.json text');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(field, value, 'a JSON object (PEFT adapter_config.json)');
  const parsed = validate(PeftConfigSchema, value, field);
  const known = new Set(Object.keys(PeftConfigSchema.shape));
  for (const [key, v] of Object.entries(parsed)) {
    if (known.has(key)) continue;
    const off = v === null || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
    if (!off) throw new ValidationError(`${field}.${key}`, v, 'null, false or empty (a PEFT feature this loader does not implement)');
  }
  return parsed;
}

function addScaledProduct(w: HostTensor, bMat: HostTensor, aMat: HostTensor, s: number, transposed: boolean): HostTensor {
  const [out, r] = bMat.shape as [number, number];
  const inp = aMat.shape[1]!;
  const result = Float64Array.from(w.data);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inp; i++) {
      let acc = 0;
      for (let k = 0; k < r; k++) acc += bMat.data[o * r + k]! * aMat.data[k * inp + i]!;
      result[transposed ? i * out + o : o * inp + i]! += s * acc;
    }
  }
  return hostTensor(w.dtype, w.shape, result);
}
