/**
 * The parameter layout of a GPT-NeoX embedding model (Hugging Face `GPTNeoXModel` names, no
 * `gpt_neox.` prefix, no `embed_out`): every tensor's name and shape, in checkpoint order. The
 * forward, the methods and the checkpoint loader all read names from here, so a name is spelled once.
 *
 * Symbols: L layers, C hidden size, I intermediate size, V vocabulary.
 * Not a loader (checkpoint.ts) and not a parameter count for planning (catalog/parameter-counts.ts).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { requireGptNeox } from './engine-architecture.js';
import type { Shape } from '../engine/shape.js';

export interface ParameterSpec {
  readonly name: string;
  readonly shape: Shape;
}

/** A torch.nn.Linear inside a block: weight [out, in], bias [out]. Names are relative to `layers.{i}.`. */
export interface LinearModule {
  readonly name: LinearModuleName;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** The four Linear modules of a block — also exactly the LoRA targets of the paper. */
export const LINEAR_MODULE_NAMES = [
  'attention.query_key_value',
  'attention.dense',
  'mlp.dense_h_to_4h',
  'mlp.dense_4h_to_h',
] as const;
export type LinearModuleName = (typeof LINEAR_MODULE_NAMES)[number];

export const LAYER_NORM_NAMES = ['input_layernorm', 'post_attention_layernorm'] as const;

export const EMBED_IN = 'embed_in';
export const FINAL_LAYER_NORM = 'final_layer_norm';

export function blockPrefix(layer: number): string {
  return `layers.${layer}`;
}

/** in/out features of each Linear module of a block. */
export function linearModules(arch: ModelArchitecture): readonly LinearModule[] {
  const { hiddenSize: C, intermediateSize: I } = requireGptNeox(arch, 'linearModules');
  const dims: Record<LinearModuleName, [number, number]> = {
    'attention.query_key_value': [C, 3 * C],
    'attention.dense': [C, C],
    'mlp.dense_h_to_4h': [C, I],
    'mlp.dense_4h_to_h': [I, C],
  };
  return LINEAR_MODULE_NAMES.map((name) => ({ name, inFeatures: dims[name][0], outFeatures: dims[name][1] }));
}

/** Every parameter of the model in HF checkpoint order (embed_in, blocks, final LayerNorm). */
export function gptNeoXParameters(arch: ModelArchitecture): readonly ParameterSpec[] {
  const { hiddenSize: C, vocabSize: V } = requireGptNeox(arch, 'gptNeoXParameters');
  const specs: ParameterSpec[] = [{ name: `${EMBED_IN}.weight`, shape: [V, C] }];
  for (let i = 0; i < arch.numLayers; i++) {
    const p = blockPrefix(i);
    for (const ln of LAYER_NORM_NAMES) {
      specs.push({ name: `${p}.${ln}.weight`, shape: [C] }, { name: `${p}.${ln}.bias`, shape: [C] });
    }
    for (const m of linearModules(arch)) {
      specs.push({ name: `${p}.${m.name}.weight`, shape: [m.outFeatures, m.inFeatures] }, { name: `${p}.${m.name}.bias`, shape: [m.outFeatures] });
    }
  }
  specs.push({ name: `${FINAL_LAYER_NORM}.weight`, shape: [C] }, { name: `${FINAL_LAYER_NORM}.bias`, shape: [C] });
  return specs;
}

/** The layer index of a block parameter name (`layers.3.…` → 3), or undefined for embed_in / final LN. */
export function layerOf(name: string): number | undefined {
  const match = /^layers\.(\d+)\./.exec(name);
  return match ? Number(match[1]) : undefined;
}
