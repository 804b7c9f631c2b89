/**
 * Fine-tuning methods as rewrites of the parameter layout: for an architecture and a
 * `FineTuningMethod`, which checkpoint parameters train, which stay frozen, and which extra adapter
 * parameters exist (LoRA) with their PEFT names, shapes and initialisation. The forward reads
 * `plan.lora` to route each Linear through its adapter (graph-weights.ts); everything else about a
 * method is the choice of trainable names, and `grad` prunes what the frozen names no longer need.
 *
 *   full    every parameter
 *   freeze  embed_in and blocks 0..L−k−1 frozen; blocks L−k..L−1 and final_layer_norm train
 *   bias    every tensor whose name ends in `.bias` (LayerNorm biases included)
 *   lora    only adapters train: `<module>.lora_A.weight` [r, in] (kaiming-uniform as PEFT),
 *           `<module>.lora_B.weight` [out, r] (zero), y = x·Wᵀ + b + (alpha/r)·(x·Aᵀ)·Bᵀ on
 *           query_key_value, dense, dense_h_to_4h, dense_4h_to_h of every block; with `embedIn`
 *           also `embed_in.lora_embedding_A` [r, V] (zero) and `embed_in.lora_embedding_B` [C, r]
 *           (N(0, 1)), PEFT's Embedding adapter, as in the paper's code.
 *
 * Not the analytic FLOP model (flops/) and not the method schema (methods/method.ts).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { DEFAULT_LORA_ALPHA, checkMethod, type FineTuningMethod } from '../methods/method.js';
import { ValidationError } from '../errors.js';
import {
  EMBED_IN,
  FINAL_LAYER_NORM,
  type LinearModule,
  type ParameterSpec,
  blockPrefix,
  gptNeoXParameters,
  layerOf,
  linearModules,
} from './parameter-layout.js';

/** How an adapter parameter starts. */
export type AdapterInit =
  /** U(−1/√fanIn, 1/√fanIn): torch's kaiming_uniform_(a=√5), which PEFT uses for lora_A. */
  | { readonly kind: 'kaiming-uniform'; readonly fanIn: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'normal'; readonly std: number };

export interface AdapterSpec extends ParameterSpec {
  /** The module it adapts, e.g. `layers.0.attention.dense` or `embed_in`. */
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
  /** The embed_in adapter (PEFT `lora_embedding_A` [r, V], `lora_embedding_B` [C, r]), when on. */
  readonly embedIn?: { readonly weight: string; readonly a: string; readonly b: string };
}

export interface MethodPlan {
  readonly method: FineTuningMethod;
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
   * LoRA only: also adapt embed_in, as the authors' code does (and as `detailed` FLOP accounting
   * assumes). Default true. The golden fixtures use false.
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
  const parameters = gptNeoXParameters(arch);
  const names = parameters.map((p) => p.name);
  const split = (train: (name: string) => boolean) => ({
    trainable: names.filter(train),
    frozen: names.filter((n) => !train(n)),
  });
  switch (m.kind) {
    case 'full':
      return freezeAll({ method: m, parameters, adapters: [], ...split(() => true) });
    case 'bias':
      return freezeAll({ method: m, parameters, adapters: [], ...split((n) => n.endsWith('.bias')) });
    case 'freeze': {
      const firstTrainable = arch.numLayers - m.trainableBlocks;
      const train = (n: string) => n.startsWith(`${FINAL_LAYER_NORM}.`) || (layerOf(n) ?? -1) >= firstTrainable;
      return freezeAll({ method: m, parameters, adapters: [], ...split(train) });
    }
    case 'lora': {
      const lora = loraPlan(arch, m.rank, m.alpha ?? DEFAULT_LORA_ALPHA, options.loraEmbedIn ?? true);
      const adapters = loraAdapters(arch, lora);
      return freezeAll({ method: m, parameters, adapters, trainable: adapters.map((a) => a.name), frozen: names, lora });
    }
  }
}

function loraPlan(arch: ModelArchitecture, rank: number, alpha: number, embedIn: boolean): LoraPlan {
  const linears: LoraLinear[] = [];
  for (let i = 0; i < arch.numLayers; i++) {
    for (const m of linearModules(arch)) linears.push(loraLinear(`${blockPrefix(i)}.${m.name}`, m));
  }
  return freezeAll({
    rank,
    alpha,
    scale: alpha / rank,
    linears,
    ...(embedIn
      ? { embedIn: { weight: `${EMBED_IN}.weight`, a: `${EMBED_IN}.${LORA_EMBEDDING_A}`, b: `${EMBED_IN}.${LORA_EMBEDDING_B}` } }
      : {}),
  });
}

function loraLinear(module: string, m: LinearModule): LoraLinear {
  return { module, weight: `${module}.weight`, a: `${module}.${LORA_A}`, b: `${module}.${LORA_B}`, inFeatures: m.inFeatures, outFeatures: m.outFeatures };
}

function loraAdapters(arch: ModelArchitecture, lora: LoraPlan): AdapterSpec[] {
  const r = lora.rank;
  const adapters: AdapterSpec[] = [];
  if (lora.embedIn) {
    // PEFT's Embedding adapter starts the other way round: A zero, B normal — still zero at step 0.
    adapters.push(
      { name: lora.embedIn.a, module: EMBED_IN, shape: [r, arch.vocabSize], init: { kind: 'zeros' } },
      { name: lora.embedIn.b, module: EMBED_IN, shape: [arch.hiddenSize, r], init: { kind: 'normal', std: EMBEDDING_B_STD } },
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
