/**
 * Narrowing an architecture to the kind a family-specific function was written for, with one clear
 * refusal otherwise: the GPT-NeoX forward and layout must never read a Llama-family architecture's
 * shared fields (L, d, NH, …) and compute the wrong model, nor the reverse. Code written for every
 * family dispatches through model/model-family.ts instead. Not a registry of forwards.
 */
import type { GptNeoxArchitecture, ModelArchitecture } from '../catalog/architecture.js';
import type { LlamaArchitecture } from '../catalog/llama-architecture.js';
import { GraphError } from '../engine/errors.js';

export function requireGptNeox(arch: ModelArchitecture, where: string): GptNeoxArchitecture {
  if (arch.kind === 'llama') {
    throw new GraphError(`${where} architecture.kind`, `llama (${arch.modelType}, ${arch.name})`, 'a GPT-NeoX architecture (this function is GPT-NeoX-specific)');
  }
  return arch;
}

export function requireLlama(arch: ModelArchitecture, where: string): LlamaArchitecture {
  if (arch.kind !== 'llama') {
    throw new GraphError(`${where} architecture.kind`, `gpt_neox (${arch.name})`, 'a Llama-family architecture (this function is Llama-specific)');
  }
  return arch;
}
