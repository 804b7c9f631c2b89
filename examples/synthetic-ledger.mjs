#!/usr/bin/env node
/**
 * Writes a SYNTHETIC run ledger (JSONL) to try `repurpose fit` without GPUs: for each of the paper's
 * six budgets, the full fine-tuning and LoRA candidates on four Pythia models, with losses drawn from
 * the ziarko2024 preset plus 1% log-normal noise (fixed seed). These are not real runs.
 *
 *   node examples/synthetic-ledger.mjs > runs.jsonl
 *   node packages/cli/bin/repurpose.js fit runs.jsonl --out law.json --plot fit.svg
 *   node packages/cli/bin/repurpose.js plan --law law.json --budget 1e17
 */
import { createPlanner, formatLedgerLine, toObservation } from '../packages/core/dist/index.js';

const BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18];
const planner = createPlanner({
  models: ['pythia-31m', 'pythia-70m', 'pythia-160m', 'pythia-410m'],
  methods: { full: true, freeze: false, bias: false, lora: { ranks: [8, 32, 128] } },
});

// A small deterministic PRNG (mulberry32) and Box–Muller for the noise.
let state = 42;
const uniform = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

for (const budget of BUDGETS) {
  for (const e of planner.evaluateAll(budget)) {
    const line = formatLedgerLine(toObservation({
      model: e.candidate.model.name,
      method: e.candidate.method,
      pairs: e.pairs,
      loss: Number((e.loss * Math.exp(0.01 * normal())).toFixed(5)),
      budget,
      provenance: { source: 'synthetic: ziarko2024 preset + 1% noise' },
    }));
    process.stdout.write(`${line}\n`);
  }
}
