/**
 * Planning for what the paper left out: inference cost, memory, data and wall-clock. Each example is
 * also the documented one in docs/scaling-laws.md ("Beyond the paper").
 */
import { describe, expect, it } from 'vitest';
import { createPlanner } from './planner.js';
import { optimalRecipe } from './optimal-recipe.js';

describe('inference-aware planning', () => {
  it('embedding 1e9 tokens over the model’s life moves 1.536e18 FLOP from pythia-410m to pythia-160m', () => {
    const training = optimalRecipe(1.536e18);
    const total = optimalRecipe(1.536e18, { inferenceTokens: 1e9 });
    expect(training.model.name).toBe('pythia-410m');
    expect(total.model.name).toBe('pythia-160m');
    expect(total.inference).toEqual({ tokens: 1e9, flop: 2 * total.model.nonEmbeddingParameters * 1e9 });
    expect(total.flops.total + total.inference!.flop).toBeLessThanOrEqual(1.536e18);
    expect(total.budgetUsed).toBeGreaterThan(0.99);
    expect(total.explanation).toMatch(/Inference-aware.*Counting training alone, LoRA r=32 on pythia-410m would win/);
  });

  it('a budget that cannot even pay for the inference is an error naming the budget', () => {
    expect(() => optimalRecipe(1e15, { inferenceTokens: 1e9 })).toThrow(/invalid budget: expected at least 2\.38\de\+15 FLOP: one batch of 1024 pairs on the cheapest candidate and its inference \(1\.00e\+9 tokens\)/);
  });
});

describe('memory-constrained planning', () => {
  it('a cap that rules out full fine-tuning of the optimal model yields LoRA or a smaller model, and says why', () => {
    const free = optimalRecipe(2.4e16);
    expect(free.method.kind).toBe('full');
    const cap = free.memory.total * 0.97;
    const capped = optimalRecipe(2.4e16, { maxMemoryBytes: cap });
    expect(capped.memory.total).toBeLessThanOrEqual(cap);
    const smaller = capped.model.nonEmbeddingParameters < free.model.nonEmbeddingParameters;
    expect(capped.method.kind === 'lora' || smaller).toBe(true);
    expect(capped.explanation).toMatch(new RegExp(`Memory cap .* binds: without it full on ${free.model.name} would win`));
  });

  it('a cap no configuration meets is an error naming the option and the smallest need', () => {
    expect(() => optimalRecipe(2.4e16, { maxMemoryBytes: 1e6 })).toThrow(/invalid options\.maxMemoryBytes: expected at least .* bytes/);
  });

  it('GradCache chunks shrink the estimate enough to let full fine-tuning back in', () => {
    const free = optimalRecipe(2.4e16);
    const cap = free.memory.total * 0.97;
    const cached = optimalRecipe(2.4e16, { maxMemoryBytes: cap, memory: { cachedChunkPairs: 128 } });
    expect(cached.method.kind).toBe('full');
    expect(cached.model.name).toBe(free.model.name);
  });
});

describe('data-constrained planning', () => {
  it('never trains on more unique pairs than exist; beyond that it prefers a bigger model and leaves budget unspent', () => {
    const free = optimalRecipe(2.4e16);
    const capped = optimalRecipe(2.4e16, { maxPairs: 5e5 });
    expect(free.pairs).toBeGreaterThan(5e5);
    expect(capped.pairs).toBeLessThanOrEqual(5e5);
    expect(capped.model.nonEmbeddingParameters).toBeGreaterThan(free.model.nonEmbeddingParameters);
    expect(capped.budgetUsed).toBeLessThan(0.99);
    expect(capped.flops.total).toBeLessThanOrEqual(2.4e16);
    expect(capped.explanation).toMatch(/Data cap binds: only 500,000 unique pairs/);
  });

  it('a cap above what the budget buys changes nothing', () => {
    const free = optimalRecipe(2.4e16);
    const capped = optimalRecipe(2.4e16, { maxPairs: 1e9 });
    expect(capped.pairs).toBe(free.pairs);
    expect(capped.explanation).toMatch(/does not bind/);
  });
});

describe('wall-clock planning', () => {
  it('GPU-hour budgets buy FLOP at each method’s throughput: slow LoRA loses where it otherwise wins', () => {
    const hours = { gpuHours: 0.5, gpu: 'H100', mfu: 0.4 } as const;
    expect(optimalRecipe(hours).method.kind).toBe('lora');
    const slowLora = optimalRecipe(hours, { throughput: { lora: 0.5 } });
    expect(slowLora.method.kind).toBe('full');
    expect(slowLora.explanation).toMatch(/Time budget: .*lora ×0\.50/);
  });

  it('FLOP budgets are unaffected by throughput, but training time reflects it', () => {
    const fast = optimalRecipe(1e17);
    const slow = optimalRecipe(1e17, { throughput: { lora: 0.5 } });
    expect(slow.method).toEqual(fast.method);
    expect(slow.trainingGpuHours).toBeCloseTo(2 * fast.trainingGpuHours, 10);
  });

  it('rejects a non-positive throughput by name', () => {
    expect(() => createPlanner({ throughput: { lora: 0 } })).toThrow(/invalid options\.throughput\.lora/);
  });
});

describe('explanations', () => {
  it('every recipe says why it won', () => {
    for (const b of [1.5e15, 9.6e16, 1.536e18]) expect(optimalRecipe(b).explanation).toMatch(/has the lowest predicted loss .* of the \d+ configurations that fit/);
  });
});
