/**
 * Fine-tuning methods as rewrites of the parameter layout: for an architecture and a
 * `FineTuningMethod`, which checkpoint parameters train, which stay frozen, and which extra adapter
 * parameters exist (LoRA) with their PEFT names, shapes and initialisation. The forward reads
 * `plan.lora` to route each Linear through its adapter (model-weights.ts); everything else about a
 * method is the choice of trainable names, and `grad` prunes what the frozen names no longer need.
 * Written once for every family: the layout, LoRA targets, embedding and final norm come from
 * model-family.ts (GPT-NeoX names first, Llama-family names after the slash):
 *
 *   full    every parameter
 *   freeze  the embedding (embed_in / embed_tokens) and blocks 0..L−k−1 frozen; blocks L−k..L−1 and
 *           the final norm (final_layer_norm / norm) train
 *   bias    every tensor whose name ends in `.bias`: GPT-NeoX's everywhere (LayerNorm biases
 *           included), Qwen2's q/k/v biases, Llama's where attention_bias / mlp_bias say; refused by
 *           checkMethod for a model with none (RMSNorm has no bias)
 *   lora    only adapters train: `<module>.lora_A.weight` [r, in] (kaiming-uniform as PEFT),
 *           `<module>.lora_B.weight` [out, r] (zero), y = x·Wᵀ + b + (alpha/r)·(x·Aᵀ)·Bᵀ on every
 *           block's query_key_value, dense, dense_h_to_4h, dense_4h_to_h / q_proj, k_proj, v_proj,
 *           o_proj, gate_proj, up_proj, down_proj; with `embedIn` also
 *           `<embedding>.lora_embedding_A` [r, V] (zero) and `<embedding>.lora_embedding_B` [C, r]
 *           (N(0, 1)), PEFT's Embedding adapter, as in the paper's code.
 *
 * Not the analytic FLOP model (flops/) and not the method schema (methods/method.ts).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { DEFAULT_LORA_ALPHA, checkMethod, type FineTuningMethod } from '../methods/method.js';
import { ValidationError } from '../errors.js';
import { type BlockLinear, modelFamily } from './model-family.js';
import { type ParameterSpec, blockPrefix, layerOf } from './parameter-layout.js';

/** How an adapter parameter starts. */
export type AdapterInit =
  /** U(−1/√fanIn, 1/√fanIn): torch's kaiming_uniform_(a=√5), which PEFT uses for lora_A. */
  | { readonly kind: 'kaiming-uniform'; readonly fanIn: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'normal'; readonly std: number };

export interface AdapterSpec extends ParameterSpec {
  /** The module it adapts, e.g. `layers.0.attention.dense`, `layers.0.self_attn.q_proj` or `embed_in`. */
  readonly module: string;
  readonly init: AdapterInit;
}

/** One LoRA-adapted Linear: where its base weight and its two factors live. */
export interface LoraLinear {
  /** Full module name, e.g. `layers.1.mlp.dense_h_to_4h`. */
  readonly module: string;
  readonly weight: string;
  readonly a: string;
  readonly b: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

export interface LoraPlan {
  readonly rank: number;
  readonly alpha: number;
  /** alpha / rank: the factor on B·A. */
  readonly scale: number;
  readonly linears: readonly LoraLinear[];
  /** The embedding's adapter (PEFT `lora_embedding_A` [r, V], `lora_embedding_B` [C, r]), when on. */
  readonly embedIn?: { readonly weight: string; readonly a: string; readonly b: string };
}

export interface MethodPlan {
  readonly method: FineTuningMethod;
  /** The token-embedding module: `embed_in` (GPT-NeoX) or `embed_tokens` (Llama family). */
  readonly embedding: string;
  /** The checkpoint layout (HF names), always fed in full. */
  readonly parameters: readonly ParameterSpec[];
  /** Parameters the method adds (LoRA); empty otherwise. */
  readonly adapters: readonly AdapterSpec[];
  /** What the optimiser updates: checkpoint names and/or adapter names, in layout order. */
  readonly trainable: readonly string[];
  /** Checkpoint parameters that stay fixed. */
  readonly frozen: readonly string[];
  readonly lora?: LoraPlan;
}

export interface MethodOptions {
  /**
   * LoRA only: also adapt the token embedding (embed_in / embed_tokens), as the authors' code does
   * (and as `detailed` FLOP accounting assumes). Default true. The GPT-NeoX golden fixtures use false.
   */
  readonly loraEmbedIn?: boolean;
}

export const LORA_A = 'lora_A.weight';
export const LORA_B = 'lora_B.weight';
export const LORA_EMBEDDING_A = 'lora_embedding_A';
export const LORA_EMBEDDING_B = 'lora_embedding_B';

/** PEFT's std for lora_embedding_B (nn.init.normal_ defaults). */
const EMBEDDING_B_STD = 1;

export function methodPlan(arch: ModelArchitecture, method: FineTuningMethod, options: MethodOptions = {}): MethodPlan {
  const m = checkMethod(method, arch);
  if (options.loraEmbedIn !== undefined && typeof options.loraEmbedIn !== 'boolean') {
    throw new ValidationError('options.loraEmbedIn', options.loraEmbedIn, 'a boolean');
  }
  const family = modelFamily(arch);
  const parameters = family.parameters(arch);
  const embedding = family.embedding;
  const names = parameters.map((p) => p.name);
  const split = (train: (name: string) => boolean) => ({
    trainable: names.filter(train),
    frozen: names.filter((n) => !train(n)),
  });
  switch (m.kind) {
    case 'full':
      return freezeAll({ method: m, embedding, parameters, adapters: [], ...split(() => true) });
    case 'bias':
      return freezeAll({ method: m, embedding, parameters, adapters: [], ...split((n) => n.endsWith('.bias')) });
    case 'freeze': {
      const firstTrainable = arch.numLayers - m.trainableBlocks;
      const train = (n: string) => n.startsWith(`${family.finalNorm}.`) || (layerOf(n) ?? -1) >= firstTrainable;
      return freezeAll({ method: m, embedding, parameters, adapters: [], ...split(train) });
    }
    case 'lora': {
      const lora = loraPlan(arch, m.rank, m.alpha ?? DEFAULT_LORA_ALPHA, options.loraEmbedIn ?? true);
      const adapters = loraAdapters(arch, lora);
      return freezeAll({ method: m, embedding, parameters, adapters, trainable: adapters.map((a) => a.name), frozen: names, lora });
    }
  }
}

function loraPlan(arch: ModelArchitecture, rank: number, alpha: number, embedIn: boolean): LoraPlan {
  const family = modelFamily(arch);
  const E = family.embedding;
  const targets = family.loraTargets(arch);
  const linears: LoraLinear[] = [];
  for (let i = 0; i < arch.numLayers; i++) {
    for (const m of targets) linears.push(loraLinear(`${blockPrefix(i)}.${m.name}`, m));
  }
  return freezeAll({
    rank,
    alpha,
    scale: alpha / rank,
    linears,
    ...(embedIn
      ? { embedIn: { weight: `${E}.weight`, a: `${E}.${LORA_EMBEDDING_A}`, b: `${E}.${LORA_EMBEDDING_B}` } }
      : {}),
  });
}

function loraLinear(module: string, m: BlockLinear): LoraLinear {
  return { module, weight: `${module}.weight`, a: `${module}.${LORA_A}`, b: `${module}.${LORA_B}`, inFeatures: m.inFeatures, outFeatures: m.outFeatures };
}

function loraAdapters(arch: ModelArchitecture, lora: LoraPlan): AdapterSpec[] {
  const r = lora.rank;
  const adapters: AdapterSpec[] = [];
  const E = modelFamily(arch).embedding;
  if (lora.embedIn) {
    // PEFT's Embedding adapter starts the other way round: A zero, B normal — still zero at step 0.
    adapters.push(
      { name: lora.embedIn.a, module: E, shape: [r, arch.vocabSize], init: { kind: 'zeros' } },
      { name: lora.embedIn.b, module: E, shape: [arch.hiddenSize, r], init: { kind: 'normal', std: EMBEDDING_B_STD } },
    );
  }
  for (const l of lora.linears) {
    adapters.push(
      { name: l.a, module: l.module, shape: [r, l.inFeatures], init: { kind: 'kaiming-uniform', fanIn: l.inFeatures } },
      { name: l.b, module: l.module, shape: [l.outFeatures, r], init: { kind: 'zeros' } },
    );
  }
  return adapters;
}

function freezeAll<T extends object>(value: T): T {
  return Object.freeze(value);
}
