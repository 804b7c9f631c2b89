/**
 * The parametric law family the `ziarko2024` preset uses: Chinchilla's form per method, plus a
 * capacity penalty for methods that train less than the whole model.
 *
 *   L(N, D; m) = E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m
 *
 *   N    non-embedding parameters of the model (PAPER.md's counting), D training tokens
 *   h_m  how restricted the method is:  full 0;  bias 1;  lora r^−ρ (rank r);
 *        freeze (L − k + 1)/(L + 1) for k trainable of L blocks (the frozen embedding counts as a unit,
 *        so freezing only the embedding still costs something relative to full fine-tuning)
 *
 * Why this shape: E + A·N^−α + B·D^−β is the form the paper fits per method (after Hoffmann et al.
 * 2022). A restricted method can lose capacity, and that loss shrinks for bigger models (N^−δ) and
 * for higher LoRA ranks (r^−ρ). The per-method data term lets methods differ in how fast they learn
 * from data. Not a fitter: coefficients come from a preset or from the fitting code.
 */
import { RepurposeError } from '../errors.js';
import type { MethodKind } from '../methods/method.js';
import { parameterCounts } from '../catalog/parameter-counts.js';
import type { LawMetadata, LawQuery, ScalingLaw } from './law.js';

export interface DataTerm {
  /** B_m */
  readonly B: number;
  /** β_m */
  readonly beta: number;
}

export interface CapacityLawCoefficients {
  readonly E: number;
  readonly A: number;
  readonly alpha: number;
  /** δ: how fast the capacity penalty shrinks with model size (needed once a restricted method is present). */
  readonly delta?: number;
  /** ρ: how fast the LoRA penalty shrinks with rank (needed once LoRA is present). */
  readonly rho?: number;
  /** Data terms of the methods the law covers; a method without one is not supported. */
  readonly data: Readonly<Partial<Record<MethodKind, DataTerm>>>;
  /** G_m; full fine-tuning has no penalty term. */
  readonly penalty: Readonly<Partial<Record<Exclude<MethodKind, 'full'>, number>>>;
}

/** The method kinds a coefficient set covers: a data term, and a penalty for restricted methods. */
export function supportedKinds(c: CapacityLawCoefficients): MethodKind[] {
  return (Object.keys(c.data) as MethodKind[]).filter((k) => k === 'full' || c.penalty[k] !== undefined);
}

/** The restriction factor h_m of a method on a model with L blocks. */
export function restriction(query: LawQuery, rho: number): number {
  const { method, model } = query;
  switch (method.kind) {
    case 'full':
      return 0;
    case 'bias':
      return 1;
    case 'freeze':
      return (model.numLayers - method.trainableBlocks + 1) / (model.numLayers + 1);
    case 'lora':
      return method.rank ** -rho;
  }
}

/** The capacity law with coefficients `c`: predicts for the methods `c` covers, refuses the rest. */
export function capacityLaw(name: string, c: CapacityLawCoefficients, metadata: LawMetadata): ScalingLaw {
  const kinds = supportedKinds(c);
  return {
    name,
    metadata: { ...metadata, form: 'E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m', coefficients: c },
    supports: (query) => kinds.includes(query.method.kind),
    predict(query) {
      const kind = query.method.kind;
      const data = c.data[kind];
      if (!data || !kinds.includes(kind)) {
        throw new RepurposeError(`law ${name} covers ${kinds.join(', ')} and cannot predict ${kind}; leave ${kind} out of the search or use a law that covers it`);
      }
      return predictCapacity(c, query, data);
    },
  };
}

function predictCapacity(c: CapacityLawCoefficients, query: LawQuery, { B, beta }: DataTerm): number {
  const N = parameterCounts(query.model).nonEmbedding;
  const kind = query.method.kind;
  const penalty = kind === 'full' ? 0 : c.penalty[kind]! * N ** -(c.delta ?? 0) * restriction(query, c.rho ?? 0);
  return c.E + c.A * N ** -c.alpha + B * query.tokens ** -beta + penalty;
}
