/**
 * What the engine needs to know about each architecture kind, in one table keyed by
 * `ArchitectureKind` (a missing family is a compile error): the parameter layout (HF names, checkpoint
 * order), the block Linears a LoRA plan adapts (PEFT's target names), the embedding and final-norm
 * module names the methods treat specially, and the forward. Method plans, the training and
 * embedding graphs and random initialisation read the family from here, so they are written once
 * for every family.
 *
 * Not a registry (a fixed record, no side effects), not the architecture reader (catalog/) and not a
 * checkpoint loader.
 */
import { type ArchitectureKind, type ModelArchitecture, architectureKind } from '../catalog/architecture.js';
import type { GraphBuilder, Tensor } from '../engine/builder.js';
import { gptNeoXForward } from './gpt-neox.js';
import { LLAMA_EMBEDDING, LLAMA_FINAL_NORM, llamaForward, llamaLinearModules, llamaParameters } from './llama.js';
import type { ModelWeights } from './model-weights.js';
import { EMBED_IN, FINAL_LAYER_NORM, type ParameterSpec, gptNeoXParameters, linearModules } from './parameter-layout.js';

/** A torch.nn.Linear inside a block, named relative to `layers.{i}.` (e.g. `self_attn.q_proj`). */
export interface BlockLinear {
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

export interface ModelFamily {
  /** Every parameter of the embedding model (no LM head), HF names, checkpoint order. */
  parameters(arch: ModelArchitecture): readonly ParameterSpec[];
  /** The Linears of one block that LoRA adapts: the paper's four for GPT-NeoX, PEFT's seven for Llama. */
  loraTargets(arch: ModelArchitecture): readonly BlockLinear[];
  /** The token-embedding module (`embed_in`, `embed_tokens`): frozen by freeze, adapted by LoRA's embedding adapter. */
  readonly embedding: string;
  /** The final norm module (`final_layer_norm`, `norm`): trains under freeze. */
  readonly finalNorm: string;
  /** ids [B, T] i32, mask [B, T] i32 → last hidden state [B, T, C]. */
  forward(b: GraphBuilder, arch: ModelArchitecture, w: ModelWeights, ids: Tensor, mask: Tensor): Tensor;
}

export const MODEL_FAMILIES: Record<ArchitectureKind, ModelFamily> = {
  gpt_neox: {
    parameters: gptNeoXParameters,
    loraTargets: linearModules,
    embedding: EMBED_IN,
    finalNorm: FINAL_LAYER_NORM,
    forward: gptNeoXForward,
  },
  llama: {
    parameters: llamaParameters,
    loraTargets: llamaLinearModules,
    embedding: LLAMA_EMBEDDING,
    finalNorm: LLAMA_FINAL_NORM,
    forward: llamaForward,
  },
};

export function modelFamily(arch: ModelArchitecture): ModelFamily {
  return MODEL_FAMILIES[architectureKind(arch)];
}
