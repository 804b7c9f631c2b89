/**
 * The scaling-law contract: predict the final contrastive loss of fine-tuning `model` with `method`
 * on `tokens` tokens. The planner needs nothing else, so a preset, a user's fit (issue: fitting) or a
 * hand-written function all plug in the same way. Not a fitter.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { FineTuningMethod } from '../methods/method.js';

export interface LawQuery {
  readonly model: ModelArchitecture;
  readonly method: FineTuningMethod;
  /** D: training tokens (78 per pair). */
  readonly tokens: number;
}

export interface LossInterval {
  readonly low: number;
  readonly high: number;
  /** Nominal coverage, e.g. 0.9. */
  readonly level: number;
}

export interface LawMetadata {
  /** Where the coefficients came from, in a sentence a user can trust. */
  readonly provenance: string;
  /** True only for coefficients fitted to real fine-tuning runs. */
  readonly fittedToRuns: boolean;
  /** Budgets (FLOP) the law was fitted or calibrated on; recipes outside it carry a note. */
  readonly budgetRange?: readonly [number, number];
  readonly [key: string]: unknown;
}

export interface ScalingLaw {
  readonly name: string;
  readonly metadata: LawMetadata;
  /** Predicted final in-batch contrastive loss. Must be finite and positive for valid queries. */
  predict(query: LawQuery): number;
  /** A predictive interval, when the law carries uncertainty (fitted laws do; presets need not). */
  interval?(query: LawQuery): LossInterval | undefined;
  /**
   * Whether the law can speak about this (model, method) at all — a law fitted to runs of full
   * fine-tuning and LoRA cannot rank bias-only. The planner leaves out what a law does not support.
   * Absent means everything.
   */
  supports?(query: Omit<LawQuery, 'tokens'>): boolean;
}
