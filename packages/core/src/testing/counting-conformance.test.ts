/**
 * The counting test backend runs the conformance suite: resident handles, donation and release as
 * a device backend would have them, and the same results as the reference backend. Also in f32, the
 * dtype a backend without f64 is tested in.
 */
import { describe, it } from 'vitest';
import { GOLDEN_DIR } from '../model/golden.test-helper.js';
import { conformanceCases } from './conformance.js';
import { countingBackend } from './counting-backend.js';
import { nodeFixtureSource } from './fixtures.js';

describe('counting backend conforms', () => {
  for (const c of conformanceCases(() => countingBackend(), { fixtures: nodeFixtureSource(GOLDEN_DIR) })) it(c.name, c.run);
});

describe('counting backend conforms in f32', () => {
  for (const c of conformanceCases(() => countingBackend(), { fixtures: nodeFixtureSource(GOLDEN_DIR), dtype: 'f32' })) it(c.name, c.run);
});
