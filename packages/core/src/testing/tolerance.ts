/**
 * Per-dtype tolerances of the conformance suite and the error measure they bound. Relative to each
 * tensor's scale (max|expected|), so elements near zero do not divide by ~0. f64 bounds are what the
 * reference backend meets against PyTorch with margin; f32 bounds allow f32 rounding through a
 * two-block transformer and three optimiser steps. Not a statistical test.
 */
import type { FloatDType } from '../engine/dtype.js';

export interface Tolerance {
  /** Literal op cases: |got − want| ≤ this · max(1, |want|). */
  readonly literal: number;
  /** Finite-difference gradients: ‖g − fd‖∞ / max(‖g‖∞, ‖fd‖∞). */
  readonly gradCheck: number;
  /** Golden forward outputs and the loss. */
  readonly forward: number;
  /** Golden gradients. */
  readonly gradients: number;
  /** Parameters after three golden AdamW steps, and after N steps against the reference backend. */
  readonly steps: number;
}

export const TOLERANCES: Readonly<Record<FloatDType, Tolerance>> = Object.freeze({
  f64: { literal: 2e-15, gradCheck: 1e-6, forward: 1e-5, gradients: 1e-4, steps: 1e-5 },
  f32: { literal: 2e-6, gradCheck: 3e-2, forward: 1e-3, gradients: 1e-2, steps: 1e-2 },
});

/** max|a − b| / max|b|: error relative to the expected tensor's scale. */
export function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  if (Number.isNaN(diff)) return Number.NaN;
  return scale === 0 ? diff : diff / scale;
}
