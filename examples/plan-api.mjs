/**
 * The library API in a dozen lines: run `npm run build` once, then `node examples/plan-api.mjs`.
 * In your own project: `import { optimalRecipe } from '@repurpose/core'`.
 */
import { frontier, optimalRecipe, trainingFlops } from '../packages/core/dist/index.js';

const recipe = optimalRecipe({ gpuHours: 8, gpu: 'A100', mfu: 0.4, pricePerGpuHour: 1.8 });
console.log(`${recipe.model.name} with ${recipe.method.kind}${recipe.method.kind === 'lora' ? ` r=${recipe.method.rank}` : ''}`);
console.log(`${recipe.pairs} pairs in ${recipe.steps} steps, ${recipe.flops.total.toExponential(3)} FLOP ($${recipe.budget.dollars.toFixed(2)})`);

const lora = trainingFlops('pythia-410m', { kind: 'lora', rank: 32 }, 1e9);
console.log(`LoRA r=32 on pythia-410m, 1e9 tokens: ${lora.total.toExponential(4)} FLOP`);

const { crossovers } = frontier([1.5e15, 1.536e18]);
console.log(`optimal method changes at ${crossovers.map((c) => `${c.budget.toExponential(3)} (${c.from} → ${c.to})`).join(', ')}`);
