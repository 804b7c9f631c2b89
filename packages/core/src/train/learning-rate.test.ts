/**
 * The schedule against the golden fixtures' learning rates (torch script, manifest.schedule) and the
 * formula's shape: warm-up, peak, cosine decay towards 0, Python's round-half-even for W.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { goldenManifest } from '../model/golden.test-helper.js';
import { learningRate, warmupSteps } from './learning-rate.js';

const schedule = (goldenManifest as unknown as { schedule: { peak_lr: number; total_steps: number; warmup_steps: number; lrs: number[] } }).schedule;

describe('learningRate', () => {
  it('reproduces the fixture generator’s learning rates exactly', () => {
    expect(warmupSteps(schedule.total_steps)).toBe(schedule.warmup_steps);
    const ours = schedule.lrs.map((_, i) => learningRate(i, schedule.total_steps, { peak: schedule.peak_lr }));
    expect(ours).toEqual(schedule.lrs);
  });

  it('warms up linearly from peak/W at step 0 to the peak at step W−1, then decays by a half cosine', () => {
    const S = 100;
    const peak = 2e-3;
    const lrs = Array.from({ length: S }, (_, i) => learningRate(i, S, { peak }));
    expect(warmupSteps(S)).toBe(10);
    for (let i = 0; i < 10; i++) expect(lrs[i]).toBeCloseTo((peak * (i + 1)) / 10, 15);
    expect(lrs[10]).toBe(peak); // progress 0: cos 0 = 1
    for (let i = 11; i < S; i++) expect(lrs[i]!).toBeLessThan(lrs[i - 1]!);
    expect(lrs[10 + 45]).toBeCloseTo(peak / 2, 15); // half way through the decay
    expect(lrs[S - 1]!).toBeGreaterThan(0);
    expect(lrs[S - 1]!).toBeLessThan(peak * 1e-3);
  });

  it('rounds the warm-up length as Python does (halves to even) and never below one step', () => {
    expect(warmupSteps(25)).toBe(2); // round(2.5) = 2 in Python (Math.round would give 3)
    expect(warmupSteps(45)).toBe(4); // round(4.5) = 4
    expect(warmupSteps(15)).toBe(2); // 0.1·15 = 1.5000000000000002 → 2
    expect(warmupSteps(5)).toBe(1); // round(0.5) = 0 → max(1, 0)
    expect(warmupSteps(1)).toBe(1);
    expect(warmupSteps(20, 0)).toBe(1);
    expect(learningRate(0, 1, { peak: 1e-3 })).toBe(1e-3);
    expect(learningRate(0, 10, { peak: 1e-3, warmupFraction: 0.5 })).toBeCloseTo(2e-4, 18);
  });

  it('rejects steps outside the run and bad options, naming the field', () => {
    expect(() => learningRate(10, 10, { peak: 1e-3 })).toThrow(/invalid step: expected an integer in 0\.\.9, got 10/);
    expect(() => learningRate(-1, 10, { peak: 1e-3 })).toThrow(ValidationError);
    expect(() => learningRate(0, 0, { peak: 1e-3 })).toThrow(/totalSteps/);
    expect(() => learningRate(0, 10, { peak: -1 })).toThrow(/options\.peak/);
    expect(() => learningRate(0, 10, { peak: 1e-3, warmupFraction: 1.5 })).toThrow(/options\.warmupFraction/);
  });
});
