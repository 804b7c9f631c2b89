#!/usr/bin/env node
/**
 * Calibrates the `ziarko2024` law preset — deterministically, through the real optimizer — and writes
 * packages/core/src/laws/presets/ziarko2024.json.
 *
 * Why calibrate: the paper's fitted coefficients are not available to us. What IS published are its
 * decisions. This script searches the capacity-law family (packages/core/src/laws/capacity-law.ts)
 *
 *   L = E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m
 *
 * for coefficients under which `optimalRecipe` reproduces them:
 *   1. full fine-tuning optimal below 9.06e16 FLOP, LoRA above (up to 1.5e18), crossover within 1%;
 *   2. optimal LoRA rank 32 or 128 at 9.6e16, 3.84e17 and 1.536e18;
 *   3. bias-only and block freezing never optimal in [1.5e15, 1.5e18];
 *   4. optimal model size non-decreasing and predicted loss strictly decreasing with the budget.
 *
 * Procedure: E, A, α and the full/freeze/bias data term (B, β) are fixed at plausible magnitudes for a
 * batch-1024 InfoNCE loss (stated below; they are choices, not measurements). Then a grid over LoRA's
 * data exponent β_lora, the penalty exponents δ and ρ, and the penalty scales; for each grid point
 * B_lora is set by bisection so the full→LoRA crossover lands on 9.06e16. Among grid points meeting
 * every decision, the one with the largest worst-case decision margin wins (ties: first in grid order).
 *
 * Run: `npm run build` once, then `node tools/calibrate-ziarko2024.mjs` (a few seconds to a minute).
 * Rerunning writes a byte-identical file.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bisectCrossover, capacityLaw, createPlanner, PYTHIA } from '../packages/core/dist/index.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../packages/core/src/laws/presets/ziarko2024.json');

const CROSSOVER = 9.06e16;
const LOW = 1.5e15;
const HIGH = 1.5e18;
const PAPER_BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16, 3.84e17, 1.536e18];
const RANK_BUDGETS = [9.6e16, 3.84e17, 1.536e18];
const GRID = Array.from({ length: 61 }, (_, i) => LOW * (HIGH / LOW) ** (i / 60));

/** Fixed base: losses near 1 for the smallest model at the smallest budget, ~0.5 at the largest. */
const BASE = { E: 0.25, A: 40, alpha: 0.3, fullData: { B: 60, beta: 0.28 } };
/** N of pythia-14m: penalty scales are stated as "nats at the smallest model". */
const N_REF = 1_189_888;

const SEARCH = {
  betaLora: [0.3, 0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.38, 0.4],
  delta: [0.2, 0.3, 0.4],
  rho: [0.2, 0.3, 0.4, 0.5],
  loraPenaltyAtRef: [0.03, 0.1, 0.3],
  otherPenaltyAtRef: [0.3],
};

function coefficients({ betaLora, delta, rho, loraPenaltyAtRef, otherPenaltyAtRef }, BLora) {
  const G = (atRef) => atRef * N_REF ** delta;
  return {
    E: BASE.E,
    A: BASE.A,
    alpha: BASE.alpha,
    delta,
    rho,
    data: { full: BASE.fullData, freeze: BASE.fullData, bias: BASE.fullData, lora: { B: BLora, beta: betaLora } },
    penalty: { freeze: G(otherPenaltyAtRef), bias: G(otherPenaltyAtRef), lora: G(loraPenaltyAtRef) },
  };
}

const plannerFor = (c) => createPlanner({ law: capacityLaw('candidate', c, { provenance: 'calibration candidate', fittedToRuns: false }), runnersUp: 0 });
const kindAt = (planner, flop) => planner.best(flop).candidate.method.kind;

/** B_lora by log-bisection so that the crossover sits at CROSSOVER; undefined if none brackets it. */
function calibrateBLora(params) {
  let lo = 1;
  let hi = 1e5;
  for (let i = 0; i < 60; i++) {
    const B = Math.sqrt(lo * hi);
    const planner = plannerFor(coefficients(params, B));
    if (kindAt(planner, LOW) === 'lora') lo = B; // LoRA too good even at the smallest budget
    else if (kindAt(planner, HIGH) !== 'lora') hi = B; // LoRA never wins
    else if (bisectCrossover(planner, LOW, HIGH).budget < CROSSOVER) lo = B;
    else hi = B;
  }
  return Math.sqrt(lo * hi);
}

/** Every published decision, checked through the optimizer; returns failures and margins. */
export function checkDecisions(planner) {
  const failures = [];
  let worstMargin = Infinity;
  let previous;
  for (const flop of GRID) {
    const all = planner.evaluateAll(flop).sort((a, b) => a.loss - b.loss);
    const best = all[0];
    const want = flop < CROSSOVER ? 'full' : 'lora';
    if (best.candidate.method.kind !== want) failures.push(`${flop.toExponential(3)}: ${best.candidate.method.kind} optimal, want ${want}`);
    const rival = all.find((e) => e.candidate.method.kind !== best.candidate.method.kind);
    // Margins right at the crossover are zero by construction; judge the rest of the grid.
    if (Math.abs(Math.log(flop / CROSSOVER)) > Math.log(1.5)) worstMargin = Math.min(worstMargin, (rival.loss - best.loss) / best.loss);
    if (previous) {
      const size = (e) => e.candidate.model.numLayers * e.candidate.model.hiddenSize ** 2;
      if (size(best) < size(previous)) failures.push(`${flop.toExponential(3)}: model shrinks to ${best.candidate.model.name}`);
      if (!(best.loss < previous.loss)) failures.push(`${flop.toExponential(3)}: loss does not decrease`);
    }
    previous = best;
  }
  const ranks = RANK_BUDGETS.map((flop) => planner.best(flop, (c) => c.method.kind === 'lora').candidate.method.rank);
  for (const [i, r] of ranks.entries()) if (r !== 32 && r !== 128) failures.push(`${RANK_BUDGETS[i].toExponential(3)}: optimal rank ${r}`);
  const crossover = bisectCrossover(planner, LOW, HIGH).budget;
  if (Math.abs(crossover / CROSSOVER - 1) > 0.01) failures.push(`crossover at ${crossover.toExponential(4)}`);
  return { failures, worstMargin, ranks, crossover };
}

function search() {
  let winner;
  let tried = 0;
  let feasible = 0;
  for (const betaLora of SEARCH.betaLora)
    for (const delta of SEARCH.delta)
      for (const rho of SEARCH.rho)
        for (const loraPenaltyAtRef of SEARCH.loraPenaltyAtRef)
          for (const otherPenaltyAtRef of SEARCH.otherPenaltyAtRef) {
            const params = { betaLora, delta, rho, loraPenaltyAtRef, otherPenaltyAtRef };
            const BLora = calibrateBLora(params);
            const c = coefficients(params, BLora);
            const report = checkDecisions(plannerFor(c));
            tried++;
            if (report.failures.length > 0) continue;
            feasible++;
            if (!winner || report.worstMargin > winner.report.worstMargin) winner = { params, c, report };
          }
  return { winner, tried, feasible };
}

const round = (x) => Number(x.toPrecision(6));
function rounded(c) {
  return JSON.parse(JSON.stringify(c), (_k, v) => (typeof v === 'number' ? round(v) : v));
}

const { winner, tried, feasible } = search();
if (!winner) {
  console.error(`no grid point reproduces every decision (${tried} tried)`);
  process.exit(1);
}
// Round for a readable file, then re-check the rounded coefficients: they are what ships.
const shipped = rounded(winner.c);
const report = checkDecisions(plannerFor(shipped));
if (report.failures.length > 0) {
  console.error('rounded coefficients fail:', report.failures);
  process.exit(1);
}
const planner = plannerFor(shipped);
const preset = {
  provenance:
    'CALIBRATED, NOT FITTED: the paper\u2019s fitted coefficients are not available to this project. tools/calibrate-ziarko2024.mjs chose these coefficients, through the real optimizer, to reproduce the paper\u2019s published decisions (full fine-tuning optimal below 9.06e16 FLOP, LoRA above; optimal LoRA rank 32 or 128; bias-only and block freezing never optimal). Loss values are plausible magnitudes, not measurements.',
  coefficients: shipped,
  calibration: {
    script: 'tools/calibrate-ziarko2024.mjs',
    fixed: BASE,
    searched: SEARCH,
    chosen: Object.fromEntries(Object.entries(winner.params).map(([k, v]) => [k, round(v)])),
    gridPointsTried: tried,
    gridPointsReproducingAllDecisions: feasible,
    crossoverFlop: round(report.crossover),
    optimalLoraRanks: Object.fromEntries(RANK_BUDGETS.map((b, i) => [b.toExponential(3), report.ranks[i]])),
    worstRelativeDecisionMargin: round(report.worstMargin),
    paperBudgets: PAPER_BUDGETS.map((flop) => {
      const e = planner.best(flop);
      return { flop, model: e.candidate.model.name, method: e.candidate.method, predictedLoss: round(e.loss) };
    }),
  },
};
writeFileSync(OUT, `${JSON.stringify(preset, null, 2)}\n`);
console.log(`wrote ${OUT}`);
console.log(`tried ${tried}, ${feasible} reproduce every decision; chose ${JSON.stringify(winner.params)}`);
console.log(`crossover ${report.crossover.toExponential(4)}, ranks ${report.ranks.join(', ')}, worst margin ${report.worstMargin.toFixed(4)}`);
for (const p of preset.calibration.paperBudgets) console.log(`  ${p.flop.toExponential(3)}  ${p.model}  ${JSON.stringify(p.method)}  ${p.predictedLoss}`);
void PYTHIA;
