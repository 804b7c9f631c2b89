/**
 * A recipe's model (an architecture plus its derived N) is accepted back wherever an architecture is
 * taken — as the object and as JSON — and a wrong N is refused, so the extra key is checked, not ignored.
 */
import { describe, expect, it } from 'vitest';
import { describeMethod } from '../methods/method.js';
import { trainingFlops } from '../flops/training-flops.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';

describe('a recipe model passed back in', () => {
  const r = optimalRecipe(1e17);
  it('is an architecture to trainingFlops and describeMethod, also after a JSON round trip', () => {
    const byName = trainingFlops(r.model.name, r.method, 1e9).total;
    expect(trainingFlops(r.model, r.method, 1e9).total).toBe(byName);
    expect(trainingFlops(JSON.parse(JSON.stringify(r.model)), r.method, 1e9).total).toBe(byName);
    expect(describeMethod(r.method, r.model)).toMatch(/LoRA r=/);
  });
  it('refuses a nonEmbeddingParameters that is not the architecture’s own', () => {
    expect(() => trainingFlops({ ...r.model, nonEmbeddingParameters: 5 }, r.method, 1e9)).toThrow(/model\.nonEmbeddingParameters: expected 85056000.*got 5/);
  });
});
