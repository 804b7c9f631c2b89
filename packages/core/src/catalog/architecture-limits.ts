/**
 * The largest architecture numbers this library accepts, and the checks that hold between them. A
 * model past these is not a GPT-NeoX anyone trains today (Pythia-12B has L 36, d 5120, V 50,688;
 * GPT-NeoX-20B L 44, d 6144), while a hostile config.json with 300,000 layers or a vocabulary of
 * 10^12 would otherwise make the loader plan gigabytes of tensors before noticing anything. Both the
 * architecture object (resolve-model.ts) and config.json (architecture.ts) are bounded by this one
 * table; docs/architecture.md lists it. Not a model catalog.
 */
import { ValidationError } from '../errors.js';
import type { ModelArchitecture } from './architecture.js';

export const ARCHITECTURE_LIMITS = {
  numLayers: 1024,
  hiddenSize: 65_536,
  numHeads: 1024,
  intermediateSize: 262_144,
  vocabSize: 4_194_304,
  maxPositionEmbeddings: 1_048_576,
  /** Rotary base θ: LLaMA 3 uses 500,000; 10^12 leaves room and refuses overflow-sized values. */
  rotaryEmbBase: 1e12,
  /** LayerNorm ε is added to a variance; above 1 it is not an epsilon. */
  layerNormEps: 1,
} as const satisfies Partial<Record<keyof ModelArchitecture, number>>;

/** Hidden activations this forward implements (exact erf GELU, as Pythia). */
export const SUPPORTED_HIDDEN_ACTS = ['gelu'] as const;

/**
 * What only several numbers together can tell: heads divide the width, and the rotary dims
 * ⌊HS·rotary_pct⌋ are even (rotate-half pairs dim j with j + R/2). `names` maps each property to the
 * field name the caller's user wrote (config.json keys, or the architecture's own).
 */
export function checkArchitectureConsistency(
  a: Pick<ModelArchitecture, 'hiddenSize' | 'numHeads' | 'rotaryPct'>,
  field: string,
  names: { hiddenSize: string; rotaryPct: string },
): void {
  if (a.hiddenSize % a.numHeads !== 0) {
    throw new ValidationError(`${field}.${names.hiddenSize}`, a.hiddenSize, `a width divisible by the number of attention heads (${a.numHeads})`);
  }
  const headSize = a.hiddenSize / a.numHeads;
  const rotary = Math.trunc(headSize * a.rotaryPct);
  if (rotary % 2 !== 0) {
    throw new ValidationError(
      `${field}.${names.rotaryPct}`,
      a.rotaryPct,
      `a rotary fraction whose rotary dims ⌊head size ${headSize} × fraction⌋ are even (got ${rotary} dims; rotate-half needs pairs)`,
    );
  }
}
