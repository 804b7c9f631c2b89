/** The run config a recipe exports to: every number traced back to the recipe or repurpose's own defaults. */
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../catalog/architecture.js';
import { ValidationError } from '../errors.js';
import { parseLedger } from '../fit/ledger.js';
import { DEFAULT_INVERSE_TEMPERATURE } from '../model/info-nce.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { DEFAULT_ADAMW } from '../train/adamw.js';
import { warmupSteps } from '../train/learning-rate.js';
import { exportRecipe } from './export-recipe.js';
import { recipeRunInput } from './recipe-input.js';
import { recipeRunConfig } from './run-config.js';

const tiny = architectureFromConfig({ num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 128, vocab_size: 80, max_position_embeddings: 128 }, 'tiny-neox');
/** A recipe as `plan --json` prints it: through JSON, so nothing depends on object identity. */
const asJson = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));

describe('recipeRunConfig', () => {
  it('carries a LoRA recipe: PEFT targets for GPT-NeoX with embed_in, rank, alpha, schedule, AdamW, loss', () => {
    const recipe = optimalRecipe(1e17);
    const { config } = exportRecipe(asJson(recipe));
    expect(recipe.method).toEqual({ kind: 'lora', rank: 32, alpha: 8 });
    expect(config.peft).toEqual({ r: 32, lora_alpha: 8, lora_dropout: 0, target_modules: ['query_key_value', 'dense', 'dense_h_to_4h', 'dense_4h_to_h', 'embed_in'], bias: 'none', use_rslora: false });
    expect(config.model).toEqual({ path: 'EleutherAI/pythia-160m', name: 'pythia-160m', family: 'gpt_neox', numLayers: 12 });
    expect([config.pairs, config.steps, config.batchSize]).toEqual([recipe.pairs, recipe.steps, 1024]);
    expect(config.schedule).toEqual({ kind: 'warmup-cosine', peakLearningRate: 1e-3, warmupFraction: 0.1, warmupSteps: warmupSteps(recipe.steps) });
    expect(config.optimizer).toEqual({ kind: 'adamw', weightDecay: DEFAULT_ADAMW.weightDecay, betas: [DEFAULT_ADAMW.beta1, DEFAULT_ADAMW.beta2], eps: DEFAULT_ADAMW.eps });
    expect(config.loss.scale).toBe(DEFAULT_INVERSE_TEMPERATURE);
    expect([config.maxSeqLength, config.pooling, config.pad]).toEqual([75, 'mean', 'eos']);
    expect(config.ledger).toMatchObject({ model: 'pythia-160m', budget: 1e17, id: 'pythia-160m-lora-r32-1.00e17' });
  });

  it('leaves embed_in out when asked, and maps freeze, bias and full with no PEFT config', () => {
    const base = recipeRunInput(asJson(optimalRecipe(1e17)));
    expect(recipeRunConfig(base, { loraEmbedIn: false }).peft?.target_modules).not.toContain('embed_in');
    for (const method of [{ kind: 'freeze', trainableBlocks: 3 }, { kind: 'bias' }, { kind: 'full' }] as const) {
      const c = recipeRunConfig({ ...base, method });
      expect(c.peft).toBeNull();
      expect(c.method).toEqual(method);
      expect(c.modules).toEqual({ embedding: 'embed_in', layers: 'layers' });
    }
  });

  it('names Llama-family modules for SmolLM2 and refuses bias-only where the model has no biases', () => {
    const r = optimalRecipe(1e17, { models: ['smollm2-135m'], methods: { full: false, freeze: false, bias: false, lora: { ranks: [16] } } });
    const { config } = exportRecipe(asJson(r));
    expect(config.model.path).toBe('HuggingFaceTB/SmolLM2-135M');
    expect(config.peft?.target_modules).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'embed_tokens']);
    expect(() => exportRecipe({ ...(asJson(r) as object), method: { kind: 'bias' } })).toThrow(/bias-only would train nothing/);
  });

  it('writes a model that is not in the catalog as its architecture, which the ledger resolves', () => {
    const r = optimalRecipe(1e12, { models: [tiny], batchSize: 8, methods: { full: true, freeze: false, bias: false, lora: false } });
    const { config } = exportRecipe(asJson(r), { model: '/models/tiny' });
    expect(config.model.path).toBe('/models/tiny');
    expect(typeof config.ledger.model).toBe('object');
    const line = JSON.stringify({ model: config.ledger.model, method: config.method, pairs: config.pairs, loss: 1.5, budget: config.ledger.budget });
    const [o] = parseLedger(line);
    expect(o!.model).toEqual(tiny);
    expect(o!.tokens).toBe(config.pairs * 78);
  });

  it('switches to the cached loss only when the per-GPU batch does not fit, with the largest power of two that does', () => {
    const input = recipeRunInput(asJson(optimalRecipe(1.536e18)));
    const roomy = recipeRunConfig(input, { gpus: 8, gpuMemoryBytes: 1e15 });
    expect(roomy.loss.cachedMiniBatch).toBeNull();
    const tight = recipeRunConfig(input, { gpus: 1, gpuMemoryBytes: 8e9 });
    const m = tight.loss.cachedMiniBatch!;
    expect(m).toBeGreaterThanOrEqual(1);
    expect(m).toBeLessThan(1024);
    expect(Math.log2(m) % 1).toBe(0);
    expect(tight.loss.why).toMatch(/GradCache mini-batches of/);
    expect(recipeRunConfig(input, { gpus: 1, gpuMemoryBytes: 8e9, miniBatch: 0 }).loss.cachedMiniBatch).toBeNull();
    expect(recipeRunConfig(input, { miniBatch: 16 }).loss.cachedMiniBatch).toBe(16);
    expect(() => recipeRunConfig(input, { gpus: 1, gpuMemoryBytes: 1e6 })).toThrow(ValidationError);
  });

  it('refuses a GPU count that does not split the batch, unknown options, and an inconsistent recipe', () => {
    const json = asJson(optimalRecipe(1e17)) as Record<string, unknown>;
    expect(() => exportRecipe(json, { gpus: 3 })).toThrow(/invalid options.gpus: expected a GPU count that divides the global batch of 1024/);
    expect(() => exportRecipe(json, { gpu: 8 } as never)).toThrow(/invalid options: expected no key "gpu"/);
    expect(() => exportRecipe({ ...json, steps: 7 })).toThrow(/invalid recipe.steps: expected ceil\(pairs \/ batchSize\)/);
    expect(() => exportRecipe({ ...json, pairs: 10 })).toThrow(/invalid recipe.pairs: expected at least one batch of 1024/);
    expect(() => exportRecipe({ ...json, method: { kind: 'freeze', trainableBlocks: 40 } })).toThrow(/recipe.method.trainableBlocks/);
    expect(() => exportRecipe('pythia')).toThrow(/invalid recipe: expected a recipe object/);
    expect(() => exportRecipe(json, { peakLearningRate: 2 })).toThrow(/options.peakLearningRate/);
  });
});
