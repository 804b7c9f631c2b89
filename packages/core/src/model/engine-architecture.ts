/**
 * Which architecture kinds the engine can build a graph for, and the one refusal for the others.
 * Planning (catalog/, flops/, recipe/) covers every kind of the ModelArchitecture union; the
 * engine's method plans, embedding/training graphs and checkpoint loader are GPT-NeoX only so far
 * (the Llama-family forward, model/llama.ts, is not wired into them yet), and a Llama-family
 * architecture reaching them must fail loudly here rather than be run through the GPT-NeoX forward
 * (which would read its shared fields and compute the wrong model). Not a registry of forwards.
 */
import type { GptNeoxArchitecture, ModelArchitecture } from '../catalog/architecture.js';
import { GraphError } from '../engine/errors.js';

export function requireGptNeox(arch: ModelArchitecture, where: string): GptNeoxArchitecture {
  if (arch.kind === 'llama') {
    throw new GraphError(
      `${where} architecture.kind`,
      `llama (${arch.modelType}, ${arch.name})`,
      'a GPT-NeoX architecture: method plans, graphs, loading and training are not wired for the Llama family yet (planning, FLOP models and the bare forward in model/llama.ts support it)',
    );
  }
  return arch;
}
