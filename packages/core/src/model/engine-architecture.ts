/**
 * Which architecture kinds the engine can build a graph for, and the one refusal for the others.
 * Planning (catalog/, flops/, recipe/) covers every kind of the ModelArchitecture union; the engine's
 * forward exists for GPT-NeoX only so far, and a Llama-family architecture reaching it must fail
 * loudly here rather than be run through the GPT-NeoX forward (which would read its shared fields and
 * compute the wrong model). Not a registry of forwards.
 */
import type { GptNeoxArchitecture, ModelArchitecture } from '../catalog/architecture.js';
import { GraphError } from '../engine/errors.js';

export function requireGptNeox(arch: ModelArchitecture, where: string): GptNeoxArchitecture {
  if (arch.kind === 'llama') {
    throw new GraphError(
      `${where} architecture.kind`,
      `llama (${arch.modelType}, ${arch.name})`,
      'a GPT-NeoX architecture: the engine has no Llama-family forward yet (planning and FLOP models support it)',
    );
  }
  return arch;
}
