/** The sentence number format (format.ts). */
import { describe, expect, it } from 'vitest';
import { countOf, formatBytes, formatCount } from './format.js';

describe('formatCount / countOf / formatBytes', () => {
  it('groups whole numbers, shortens the rest, and makes nouns agree', () => {
    expect(formatCount(5_000_000)).toBe('5,000,000');
    expect(formatCount(1.5e18)).toBe('1.5e+18');
    expect(formatCount(2 ** 60)).toBe('1.15e+18');
    expect(formatCount(0.012345)).toBe('0.0123');
    expect(formatCount(1e-9)).toBe('1e-9');
    expect(formatCount(Number.NaN)).toBe('NaN');
    expect(countOf(1, 'configuration')).toBe('1 configuration');
    expect(countOf(3, 'configuration')).toBe('3 configurations');
    expect(formatBytes(24e9)).toBe('24.0 GB');
    expect(formatBytes(12)).toBe('12 B');
  });
});
