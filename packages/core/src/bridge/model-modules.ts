/**
 * What an exported training script needs to know about a model family on the Python side: the
 * module names of the bare decoder (transformers' `GPTNeoXModel`, `LlamaModel`), the LoRA targets
 * PEFT names, and the Hugging Face hub id of each catalog model. Not a model loader: the script
 * loads the model with transformers; this is the table it is generated from.
 *
 * LoRA targets are the modules repurpose's engine adapts (model/method-plan.ts, methods/method.ts):
 * GPT-NeoX query_key_value, dense, dense_h_to_4h, dense_4h_to_h (and embed_in, as the authors' code);
 * Llama-family q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj (and embed_tokens).
 */
import type { ArchitectureKind, ModelArchitecture } from '../catalog/architecture.js';
import { architectureKind } from '../catalog/architecture.js';

export interface ModelModules {
  /** The input embedding's module name in the bare decoder. */
  readonly embedding: string;
  /** The ModuleList of blocks: parameters are `<layers>.<i>.…`. */
  readonly layers: string;
  /** PEFT `target_modules` for the blocks (embedding adapter excluded). */
  readonly loraTargets: readonly string[];
}

export const MODEL_MODULES: Readonly<Record<ArchitectureKind, ModelModules>> = {
  gpt_neox: { embedding: 'embed_in', layers: 'layers', loraTargets: ['query_key_value', 'dense', 'dense_h_to_4h', 'dense_4h_to_h'] },
  llama: { embedding: 'embed_tokens', layers: 'layers', loraTargets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
};

/** Hub repositories of the catalog models (the names are the repository names, lower-cased). */
export const HUB_IDS: Readonly<Record<string, string>> = {
  'pythia-14m': 'EleutherAI/pythia-14m',
  'pythia-31m': 'EleutherAI/pythia-31m',
  'pythia-70m': 'EleutherAI/pythia-70m',
  'pythia-160m': 'EleutherAI/pythia-160m',
  'pythia-410m': 'EleutherAI/pythia-410m',
  'pythia-1b': 'EleutherAI/pythia-1b',
  'pythia-1.4b': 'EleutherAI/pythia-1.4b',
  'pythia-2.8b': 'EleutherAI/pythia-2.8b',
  'smollm2-135m': 'HuggingFaceTB/SmolLM2-135M',
  'smollm2-360m': 'HuggingFaceTB/SmolLM2-360M',
  'smollm2-1.7b': 'HuggingFaceTB/SmolLM2-1.7B',
  'qwen2.5-0.5b': 'Qwen/Qwen2.5-0.5B',
  'qwen2.5-1.5b': 'Qwen/Qwen2.5-1.5B',
  'qwen2.5-3b': 'Qwen/Qwen2.5-3B',
  'qwen3-0.6b': 'Qwen/Qwen3-0.6B',
  'qwen3-1.7b': 'Qwen/Qwen3-1.7B',
  'qwen3-4b': 'Qwen/Qwen3-4B',
};

export function modelModules(model: ModelArchitecture): ModelModules {
  return MODEL_MODULES[architectureKind(model)];
}
