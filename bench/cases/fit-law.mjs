/**
 * fitLaw on a 40-run ledger: how long a fit takes and how good it is. The ledger is synthetic —
 * drawn from the ziarko2024 preset with 1% log-normal noise from a seeded generator — so the numbers
 * are the same on every machine except the timings: 5 Pythia models (14m … 410m) × 4 budgets
 * (1.5e15 … 9.6e16 FLOP) × {full, LoRA (rank 16 on even-indexed models, 64 on odd)}, each at the
 * pairs the budget pays for.
 */
import { createPlanner, fitLaw, ziarko2024 } from '../../packages/core/dist/index.js';

export const name = 'fitLaw on a 40-run ledger (default options: 144-start grid, 200 bootstrap replicates, held-out-budget CV)';
export const target = 'median < 2 s per fit (with bootstrap and cross-validation)';

const MODELS = ['pythia-14m', 'pythia-31m', 'pythia-70m', 'pythia-160m', 'pythia-410m'];
const BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16];
const REPEATS = 7;

/** mulberry32 + Box–Muller: a seeded standard normal. */
function normals(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function ledger() {
  const planner = createPlanner({ law: ziarko2024, models: MODELS, methods: { full: true, freeze: false, bias: false, lora: { ranks: [16, 64] } } });
  const normal = normals(2024);
  const runs = [];
  for (const budget of BUDGETS) {
    for (const e of planner.evaluateAll(budget)) {
      const m = MODELS.indexOf(e.candidate.model.name);
      if (e.candidate.method.kind === 'lora' && e.candidate.method.rank !== (m % 2 === 0 ? 16 : 64)) continue;
      runs.push({ model: e.candidate.model.name, method: e.candidate.method, pairs: e.pairs, loss: e.loss * Math.exp(0.01 * normal()), budget });
    }
  }
  return runs;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(runs, options) {
  fitLaw(runs, options); // warm up the JIT
  const times = [];
  let law;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    law = fitLaw(runs, options);
    times.push(performance.now() - t);
  }
  return { law, times };
}

export function run() {
  const runs = ledger();
  const rows = [];
  for (const [label, options] of [
    ['default (bootstrap 200 + CV)', {}],
    ['point fit only', { bootstrap: false, crossValidation: false }],
  ]) {
    const { law, times } = timed(runs, options);
    const ms = median(times);
    rows.push({
      case: label,
      runs: runs.length,
      repeats: REPEATS,
      'median ms': +ms.toFixed(1),
      'max ms': +Math.max(...times).toFixed(1),
      'RMSE log residual': +law.diagnostics.rmse.toFixed(5),
      'CV RMSE (held-out budgets)': law.crossValidation ? +law.crossValidation.rmse.toFixed(5) : '-',
      converged: law.diagnostics.convergence.converged,
      'meets target': ms < 2000,
    });
  }
  return rows;
}
