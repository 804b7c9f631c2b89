/**
 * The SmolLM2 / Qwen2.5 / Qwen3 catalogs against the sizes their model cards publish (an independent
 * source from the config numbers typed into llama-families.ts), and planning over a family: every
 * candidate is of the family, and the recipe notes that the shipped Pythia law is extrapolated.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { trainingFlops } from '../flops/training-flops.js';
import { trainableParameters } from '../methods/method.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { QWEN2_5, QWEN3, SMOLLM2 } from './llama-families.js';
import { familyModelNames } from './model-families.js';
import { parameterCounts } from './parameter-counts.js';
import { resolveModel } from './resolve-model.js';

/**
 * Published sizes in billions and the digits they are rounded to. The Qwen cards give both the total
 * and the non-embedding size (Qwen2.5: 0.49B / 1.54B / 3.09B total; Qwen3: 0.6B / 1.7B / 4.0B), the
 * SmolLM2 cards the total only. Each total is N + V·d with no lm_head, which the cards' totals equal
 * only because these models tie lm_head to embed_tokens (an untied SmolLM2-135M would be 163M).
 */
const PUBLISHED: [name: string, what: 'nonEmbedding' | 'total', billions: number, step: number][] = [
  ['qwen3-0.6b', 'nonEmbedding', 0.44, 0.01],
  ['qwen3-0.6b', 'total', 0.6, 0.1],
  ['qwen3-1.7b', 'nonEmbedding', 1.4, 0.1],
  ['qwen3-1.7b', 'total', 1.7, 0.1],
  ['qwen3-4b', 'nonEmbedding', 3.6, 0.1],
  ['qwen3-4b', 'total', 4.0, 0.1],
  ['qwen2.5-0.5b', 'nonEmbedding', 0.36, 0.01],
  ['qwen2.5-0.5b', 'total', 0.49, 0.01],
  ['qwen2.5-1.5b', 'nonEmbedding', 1.31, 0.01],
  ['qwen2.5-1.5b', 'total', 1.54, 0.01],
  ['qwen2.5-3b', 'nonEmbedding', 2.77, 0.01],
  ['qwen2.5-3b', 'total', 3.09, 0.01],
  ['smollm2-135m', 'total', 0.135, 0.001],
  ['smollm2-360m', 'total', 0.36, 0.01],
  ['smollm2-1.7b', 'total', 1.7, 0.1],
];

describe('Llama-family catalogs', () => {
  const all = { ...SMOLLM2, ...QWEN2_5, ...QWEN3 };
  it.each(PUBLISHED)('%s: %s parameters match the model card (%s B) and it validates as an architecture object', (name, what, billions, step) => {
    const m = all[name]!;
    expect(Math.abs(parameterCounts(m)[what] / 1e9 - billions)).toBeLessThanOrEqual(step / 2);
    expect(resolveModel({ ...m }, 'model')).toEqual(m);
    expect(resolveModel(name.toUpperCase())).toBe(m);
  });

  it('bias-only exists for Qwen2.5 (q/k/v biases) and is refused for Qwen3 and SmolLM2', () => {
    expect(trainableParameters(QWEN2_5['qwen2.5-0.5b']!, { kind: 'bias' })).toBe(24 * (896 + 2 * 128));
    expect(() => trainingFlops('qwen3-0.6b', { kind: 'bias' }, 1e6)).toThrow(ValidationError);
    expect(() => trainingFlops('smollm2-135m', { kind: 'bias' }, 1e6)).toThrow(/method\.kind.*no bias parameters/);
  });

  it('paper FLOPs are 6N per token for full, detailed adds scores over NH·HS', () => {
    const m = QWEN3['qwen3-0.6b']!;
    const N = parameterCounts(m).nonEmbedding;
    expect(trainingFlops(m, { kind: 'full' }, 1000).total).toBe(6 * N * 1000);
    const lora = trainingFlops(m, { kind: 'lora', rank: 8 }, 1);
    expect(lora.total).toBe(4 * N + 6 * trainableParameters(m, { kind: 'lora', rank: 8 }));
    const paper = trainingFlops(m, { kind: 'freeze', trainableBlocks: 7 }, 1);
    const detailed = trainingFlops(m, { kind: 'freeze', trainableBlocks: 7 }, 1, { accounting: 'detailed', sequenceLength: 75 });
    // Q = 16·128 = 2048 = 2d here; the score matmuls are 4·T·Q per token in each of L blocks forward.
    expect(detailed.forward - paper.forward).toBeGreaterThan(28 * 4 * 75 * 2048);
  });
});

describe('planning over a family', () => {
  it("optimalRecipe(budget, { models: 'qwen3' }) searches only Qwen3 and notes the extrapolation", () => {
    const r = optimalRecipe(1e18, { models: 'qwen3' });
    expect(familyModelNames('qwen3')).toContain(r.model.name);
    for (const c of r.runnersUp) expect(c.model.name).toMatch(/^qwen3-/);
    expect(r.method.kind).not.toBe('bias');
    expect(r.notes.join('\n')).toMatch(/calibrated on Pythia.*extrapolation across model families/);
  });

  it('a Pythia recipe has no family note, and an unknown family is refused', () => {
    expect(optimalRecipe(1e17, { models: 'pythia' }).notes).toEqual([]);
    expect(() => optimalRecipe(1e17, { models: 'gemma' as never })).toThrow(/options\.models/);
  });
});
