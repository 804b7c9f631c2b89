/**
 * Which coefficients of the capacity law a set of runs can determine, and where each lives in the
 * optimizer's parameter vector θ. Decided from the data, before any optimization, and recorded.
 *
 * The fitted family (laws/capacity-law.ts), for a run of method m on a model with N non-embedding
 * parameters and D tokens:
 *
 *   L = E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m        h_full = 0, h_bias = 1, h_lora = r^−ρ,
 *                                                      h_freeze = (L_blocks − k + 1)/(L_blocks + 1)
 *
 * θ holds log-magnitudes and exponents, with N and D centred on the data's geometric means N₀, D₀
 * (Chinchilla/Epoch fit e = log E, a = log A … directly; centring only rescales the magnitudes,
 * a_c = log A − α·log N₀, and removes the strong a–α and b–β correlations that otherwise make the
 * problem ill-conditioned, since log D ≈ 20 ± 2 over a typical grid):
 *
 *   e, a_c, α                         shared by all methods
 *   b_c,m, β_m                        one data term per method in the data
 *   g_c,m                             one penalty per restricted method (freeze, bias, lora) in the data
 *   δ                                 shared by the penalties;  ρ  LoRA's rank exponent
 *
 * Identifiability (what the data must contain; otherwise an error or an explicit, recorded fix):
 *   - full fine-tuning must be in the data: the penalties G_m are defined relative to it (full has no
 *     penalty), so without full runs A·N^−α and G_m·N^−δ are two power laws of N that trade off.
 *   - a second method must be in the data: a planner compares methods, and a law fitted to one method
 *     can predict only that method. We reject rather than return a law that throws for every other.
 *   - full runs must span ≥ 2 model sizes (α, A), every method ≥ 2 token counts (β_m, B_m), and
     every method at least as many distinct runs as its own coefficients (2 for full; B_m, β_m, G_m: 3).
 *   - δ needs the restricted methods to span ≥ 2 model sizes; otherwise δ is fixed (options.fixed.delta,
 *     default 0: the penalty does not shrink with size — the conservative reading) and recorded.
 *   - ρ needs LoRA runs at ≥ 2 ranks; otherwise ρ is fixed (options.fixed.rho, default 0: every rank
 *     gets the penalty of the rank seen) and recorded — plan only at the rank you ran.
 *   - E, α, δ, ρ may also be fixed by the user (options.fixed); fixed values are recorded too.
 *   - at least one more run than free coefficients.
 * Not the objective (objective.ts) and not the optimizer.
 */
import { parameterCounts } from '../catalog/parameter-counts.js';
import { ValidationError } from '../errors.js';
import { METHOD_KINDS, type MethodKind } from '../methods/method.js';
import type { Observation } from './ledger.js';

export type PenaltyKind = Exclude<MethodKind, 'full'>;
export const PENALTY_KINDS = ['freeze', 'bias', 'lora'] as const satisfies readonly PenaltyKind[];

/** A coefficient that is either a free entry of θ or a fixed value (in θ's parametrization). */
export type Slot = { readonly free: true; readonly index: number } | { readonly free: false; readonly value: number };

export interface FixedCoefficient {
  readonly name: 'E' | 'alpha' | 'delta' | 'rho';
  readonly value: number;
  readonly reason: string;
}

export interface UserFixed {
  readonly E?: number;
  readonly alpha?: number;
  readonly delta?: number;
  readonly rho?: number;
}

export interface ParameterLayout {
  /** Method kinds in the data, in METHOD_KINDS order. */
  readonly methods: readonly MethodKind[];
  /** Names of θ's entries, in order (e.g. `e`, `a_c`, `alpha`, `b_c.full`, `beta.full`, …). */
  readonly names: readonly string[];
  readonly e: Slot;
  readonly a: Slot;
  readonly alpha: Slot;
  readonly b: Readonly<Partial<Record<MethodKind, Slot>>>;
  readonly beta: Readonly<Partial<Record<MethodKind, Slot>>>;
  readonly g: Readonly<Partial<Record<PenaltyKind, Slot>>>;
  readonly delta: Slot;
  readonly rho: Slot;
  readonly fixed: readonly FixedCoefficient[];
  /** Set when LoRA ran at one rank and ρ was fixed for that reason: the only ranks the law may predict. */
  readonly loraRanks?: readonly number[];
  /** log N₀ and log D₀: the centring of θ's magnitudes. */
  readonly logN0: number;
  readonly logD0: number;
}

const distinct = (xs: Iterable<number>) => new Set(xs).size;

/**
 * Decides the layout for `observations` (already filtered by exclusions). Throws ValidationError
 * explaining what the data lacks when a required coefficient cannot be determined.
 */
export function layoutFor(observations: readonly Observation[], userFixed: UserFixed = {}): ParameterLayout {
  const field = 'observations';
  if (observations.length === 0) {
    throw new ValidationError(field, [], 'at least one run to fit (the ledger is empty, or every run was excluded)');
  }
  const byMethod = new Map<MethodKind, Observation[]>();
  for (const o of observations) byMethod.set(o.method.kind, [...(byMethod.get(o.method.kind) ?? []), o]);
  const methods = METHOD_KINDS.filter((k) => byMethod.has(k));
  const seen = `methods in the data: ${methods.join(', ')}`;
  if (methods.length === 1) {
    throw new ValidationError(
      field,
      seen,
      `runs of at least two methods, one of them full fine-tuning: a planner compares methods, and a law fitted to ${methods[0]} alone can predict nothing else (its capacity penalty is defined relative to full fine-tuning)`,
    );
  }
  if (!byMethod.has('full')) {
    throw new ValidationError(field, seen, 'runs of full fine-tuning as well: the penalties G_m of the other methods are measured relative to it');
  }
  const logN = (o: Observation) => Math.log(parameterCounts(o.model).nonEmbedding);
  const full = byMethod.get('full')!;
  if (distinct(full.map(logN)) < 2) {
    throw new ValidationError(field, `full runs on one model (${full[0]!.model.name})`, 'full fine-tuning runs on at least two model sizes, so A and α can be fitted');
  }
  for (const k of methods) {
    const runs = byMethod.get(k)!;
    if (distinct(runs.map((o) => o.tokens)) < 2) {
      throw new ValidationError(field, `${k} runs at one token count (${runs[0]!.tokens})`, `${k} runs at two or more token counts, so B_${k} and β_${k} can be fitted`);
    }
    // A method's own coefficients: B_m, β_m, and G_m for a restricted method.
    const own = k === 'full' ? 2 : 3;
    const settings = new Set(runs.map((o) => `${o.model.name}|${o.tokens}|${JSON.stringify(o.method)}`)).size;
    if (settings < own) {
      throw new ValidationError(field, `${settings} distinct ${k} runs`, `at least ${own} distinct ${k} runs (model, tokens, hyper-parameters), one per coefficient of its own (${k === 'full' ? 'B, β' : 'B, β, G'})`);
    }
  }

  const names: string[] = [];
  const fixed: FixedCoefficient[] = [];
  const free = (name: string): Slot => {
    names.push(name);
    return { free: true, index: names.length - 1 };
  };
  const fix = (name: FixedCoefficient['name'], value: number, reason: string, internal = value): Slot => {
    fixed.push({ name, value, reason });
    return { free: false, value: internal };
  };

  const e = userFixed.E !== undefined ? fix('E', userFixed.E, 'fixed by options.fixed.E', Math.log(userFixed.E)) : free('e');
  const a = free('a_c');
  const alpha = userFixed.alpha !== undefined ? fix('alpha', userFixed.alpha, 'fixed by options.fixed.alpha') : free('alpha');
  const b: Partial<Record<MethodKind, Slot>> = {};
  const beta: Partial<Record<MethodKind, Slot>> = {};
  for (const k of methods) {
    b[k] = free(`b_c.${k}`);
    beta[k] = free(`beta.${k}`);
  }
  const g: Partial<Record<PenaltyKind, Slot>> = {};
  for (const k of PENALTY_KINDS) if (byMethod.has(k)) g[k] = free(`g_c.${k}`);

  const restricted = PENALTY_KINDS.flatMap((k) => byMethod.get(k) ?? []);
  let delta: Slot;
  if (userFixed.delta !== undefined) delta = fix('delta', userFixed.delta, 'fixed by options.fixed.delta');
  else if (distinct(restricted.map(logN)) >= 2) delta = free('delta');
  else delta = fix('delta', 0, `the restricted methods (${PENALTY_KINDS.filter((k) => byMethod.has(k)).join(', ')}) ran on one model size only, so how their penalty shrinks with N cannot be fitted; δ = 0 (no shrinking) unless options.fixed.delta says otherwise`);

  const lora = byMethod.get('lora') ?? [];
  const ranks = [...new Set(lora.map((o) => (o.method.kind === 'lora' ? o.method.rank : 0)))].sort((x, y) => x - y);
  let rho: Slot;
  let loraRanks: number[] | undefined;
  if (userFixed.rho !== undefined) rho = fix('rho', userFixed.rho, 'fixed by options.fixed.rho');
  else if (lora.length === 0) rho = { free: false, value: 0 };
  else if (ranks.length >= 2) rho = free('rho');
  else {
    loraRanks = ranks;
    rho = fix('rho', 0, `LoRA ran at one rank only (r = ${ranks[0]}), so how the penalty depends on rank cannot be fitted; ρ = 0 (every rank predicted like r = ${ranks[0]}) unless options.fixed.rho says otherwise — the law predicts LoRA at that rank only`);
  }

  if (observations.length <= names.length) {
    throw new ValidationError(field, `${observations.length} runs`, `more runs than free coefficients (${names.length}: ${names.join(', ')})`);
  }

  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    methods,
    names,
    e,
    a,
    alpha,
    b,
    beta,
    g,
    delta,
    rho,
    fixed,
    ...(loraRanks ? { loraRanks } : {}),
    logN0: mean(observations.map(logN)),
    logD0: mean(observations.map((o) => Math.log(o.tokens))),
  };
}

/** The value of a slot under θ. */
export const slotValue = (s: Slot, theta: ArrayLike<number>): number => (s.free ? theta[s.index]! : s.value);
