/** optimalRecipe latency over the default search space (8 Pythia × full, 3 freeze, bias, 7 LoRA ranks). */
import { createPlanner, optimalRecipe } from '../../packages/core/dist/index.js';

export const name = 'optimalRecipe latency (default search space)';
export const target = 'median < 1 ms per call';

const BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18];

function measure(fn, calls) {
  for (let i = 0; i < 200; i++) fn(i); // warm up the JIT
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    fn(i);
    times[i] = performance.now() - t;
  }
  times.sort();
  const q = (p) => times[Math.min(calls - 1, Math.floor(p * calls))];
  return { calls, 'median ms': +q(0.5).toFixed(4), 'p90 ms': +q(0.9).toFixed(4), 'p99 ms': +q(0.99).toFixed(4) };
}

export function run() {
  const candidates = createPlanner().candidates.length;
  const single = measure((i) => optimalRecipe(BUDGETS[i % BUDGETS.length]), 2000);
  const r = { case: `optimalRecipe(budget), ${candidates} candidates`, ...single, 'meets target': single['median ms'] < 1 };
  return [r];
}
