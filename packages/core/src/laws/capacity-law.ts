/**
 * The parametric law family the `ziarko2024` preset uses: Chinchilla's form per method, plus a
 * capacity penalty for methods that train less than the whole model.
 *
 *   L(N, D; m) = E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m
 *
 *   N    non-embedding parameters of the model (the paper's counting, docs/flops.md), D training tokens
 *   h_m  how restricted the method is:  full 0;  bias 1;  lora r^−ρ (rank r);
 *        freeze (L − k + 1)/(L + 1) for k trainable of L blocks (the frozen embedding counts as a unit,
 *        so freezing only the embedding still costs something relative to full fine-tuning)
 *
 * Why this shape: E + A·N^−α + B·D^−β is the form the paper fits per method (after Hoffmann et al.
 * 2022). A restricted method can lose capacity, and that loss shrinks for bigger models (N^−δ) and
 * for higher LoRA ranks (r^−ρ). The per-method data term lets methods differ in how fast they learn
 * from data. Not a fitter: coefficients come from a preset or from the fitting code.
 */
import { RepurposeError, ValidationError } from '../errors.js';
import { checkLawQuery } from './law-query.js';
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

/** |exponent| above 100 makes N^−x underflow or overflow for every real N. */
export const MAX_EXPONENT = 100;
const METHOD_KEYS = ['full', 'freeze', 'bias', 'lora'] as const;

/**
 * Checks a coefficient set: magnitudes (E, A, B_m, G_m) finite and ≥ 0 — a negative one predicts a
 * loss that falls below zero or rises with data — exponents finite, δ present once a restricted
 * method is, ρ once LoRA is, and no unknown keys. Errors name `field.E`, `field.data.lora.B`, ...
 */
export function checkCapacityCoefficients(c: unknown, field = 'coefficients'): CapacityLawCoefficients {
  const object = (v: unknown, f: string, keys: readonly string[]): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(f, v, `an object with ${keys.join(', ')}`);
    for (const k of Object.keys(v)) if (!keys.includes(k)) throw new ValidationError(f, v, `no key ${JSON.stringify(k)} (known: ${keys.join(', ')})`);
    return v as Record<string, unknown>;
  };
  const magnitude = (v: unknown, f: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValidationError(f, v, 'a finite number ≥ 0 (a negative magnitude predicts losses below zero or rising with data)');
  };
  const exponent = (v: unknown, f: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > MAX_EXPONENT) throw new ValidationError(f, v, `a finite exponent in [−${MAX_EXPONENT}, ${MAX_EXPONENT}]`);
  };
  const o = object(c, field, ['E', 'A', 'alpha', 'delta', 'rho', 'data', 'penalty']);
  magnitude(o['E'], `${field}.E`);
  magnitude(o['A'], `${field}.A`);
  exponent(o['alpha'], `${field}.alpha`);
  const data = object(o['data'], `${field}.data`, METHOD_KEYS);
  for (const [k, term] of Object.entries(data)) {
    const t = object(term, `${field}.data.${k}`, ['B', 'beta']);
    magnitude(t['B'], `${field}.data.${k}.B`);
    exponent(t['beta'], `${field}.data.${k}.beta`);
  }
  const penalty = object(o['penalty'], `${field}.penalty`, METHOD_KEYS.filter((k) => k !== 'full'));
  for (const [k, g] of Object.entries(penalty)) magnitude(g, `${field}.penalty.${k}`);
  // δ and ρ change every restricted prediction: required once their terms exist, never defaulted.
  if (Object.keys(penalty).length > 0 || 'delta' in o) exponent(o['delta'], `${field}.delta`);
  if (penalty['lora'] !== undefined || 'rho' in o) exponent(o['rho'], `${field}.rho`);
  if (!('full' in data)) throw new ValidationError(`${field}.data.full`, undefined, 'a data term for full fine-tuning (the penalties of the other methods are relative to it)');
  return c as CapacityLawCoefficients;
}

export interface CapacityLawOptions {
  /** LoRA ranks the law may predict (a fit at one rank cannot say how the penalty moves with rank); absent: all. */
  readonly loraRanks?: readonly number[];
}

/** Whether `method` is a LoRA rank outside `ranks` (so the law must not speak about it). */
export function rankOutside(method: { kind: string; rank?: number }, ranks: readonly number[] | undefined): boolean {
  return ranks !== undefined && method.kind === 'lora' && !ranks.includes(method.rank!);
}

/**
 * The capacity law with coefficients `c`: predicts for the methods `c` covers (and, with
 * `options.loraRanks`, LoRA at those ranks only), refuses the rest.
 */
export function capacityLaw(name: string, c: CapacityLawCoefficients, metadata: LawMetadata, options: CapacityLawOptions = {}): ScalingLaw {
  if (typeof name !== 'string' || name.length === 0) throw new ValidationError('name', name, 'a non-empty law name');
  checkCapacityCoefficients(c);
  if (metadata === null || typeof metadata !== 'object' || typeof metadata.provenance !== 'string') {
    throw new ValidationError('metadata', metadata, '{ provenance: a sentence saying where the coefficients came from, fittedToRuns }');
  }
  const kinds = supportedKinds(c);
  const ranks = options.loraRanks;
  return {
    name,
    metadata: { ...metadata, form: 'E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m', coefficients: c, ...(ranks ? { loraRanks: ranks } : {}) },
    supports: (query) => {
      const q = checkLawQuery(query, 'query', { tokens: false });
      return kinds.includes(q.method.kind) && !rankOutside(q.method, ranks);
    },
    predict(raw) {
      const query = checkLawQuery(raw);
      const kind = query.method.kind;
      if (rankOutside(query.method, ranks)) {
        throw new RepurposeError(`law ${name} was fitted to LoRA at r = ${ranks!.join(', ')} only and cannot predict r = ${(query.method as { rank: number }).rank}; plan at that rank (methods: { lora: { ranks: [${ranks!.join(', ')}] } })`);
      }
      const data = c.data[kind];
      if (!data || !kinds.includes(kind)) {
        throw new RepurposeError(`law ${name} covers ${kinds.join(', ')} and cannot predict ${kind}; leave ${kind} out of the search or use a law that covers it`);
      }
      const loss = predictCapacity(c, query, data);
      if (!Number.isFinite(loss) || loss <= 0) {
        throw new RepurposeError(`law ${name} predicts ${loss} for ${query.model.name} / ${kind} at ${query.tokens} tokens; a loss must be finite and positive (check the coefficients)`);
      }
      return loss;
    },
  };
}

function predictCapacity(c: CapacityLawCoefficients, query: LawQuery, { B, beta }: DataTerm): number {
  const N = parameterCounts(query.model).nonEmbedding;
  const kind = query.method.kind;
  const penalty = kind === 'full' ? 0 : c.penalty[kind]! * N ** -(c.delta ?? 0) * restriction(query, c.rho ?? 0);
  return c.E + c.A * N ** -c.alpha + B * query.tokens ** -beta + penalty;
}
