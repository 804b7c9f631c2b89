import { describe, expect, it } from 'vitest';
import { PYTHIA } from '../catalog/pythia.js';
import { ValidationError } from '../errors.js';
import { ziarko2024 } from '../laws/ziarko2024.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { fitLaw } from './fit-law.js';
import { type ObservationInput, parseLedger, formatLedgerLine, toObservation } from './ledger.js';
import { syntheticLedger } from './synthetic-ledger.test-helper.js';

const MODELS = ['pythia-14m', 'pythia-31m', 'pythia-70m', 'pythia-160m', 'pythia-410m'];
const BUDGETS = [1.5e15, 6e15, 2.4e16, 9.6e16];
const small = (seed: number, methods: Parameters<typeof syntheticLedger>[0]['methods'] = { full: true, freeze: false, bias: false, lora: { ranks: [16, 64] } }) =>
  syntheticLedger({ law: ziarko2024, noise: 0.01, seed, models: MODELS, budgets: BUDGETS, methods });
const QUICK = { bootstrap: { replicates: 20, seed: 1 }, crossValidation: false } as const;

describe('fitLaw: clear errors', () => {
  const runs = small(1);

  it('rejects an empty ledger', () => {
    expect(() => fitLaw([])).toThrow(/invalid observations: expected at least one run to fit \(the ledger is empty/);
    expect(() => fitLaw(parseLedger(''))).toThrow(ValidationError);
  });

  it('rejects a ledger with one method only, saying why', () => {
    const fullOnly = runs.filter((r) => r.method.kind === 'full');
    expect(() => fitLaw(fullOnly, QUICK)).toThrow(/runs of at least two methods, one of them full fine-tuning: a planner compares methods.*got "methods in the data: full"/);
    const loraOnly = runs.filter((r) => r.method.kind === 'lora');
    expect(() => fitLaw(loraOnly, QUICK)).toThrow(/at least two methods.*lora alone/);
  });

  it('rejects data without full fine-tuning (the penalties are relative to it)', () => {
    const noFull = small(2, { full: false, freeze: false, bias: true, lora: { ranks: [16, 64] } });
    expect(() => fitLaw(noFull, QUICK)).toThrow(/runs of full fine-tuning as well/);
  });

  it('names the run and field for a NaN loss, negative tokens and an unknown model', () => {
    const bad = (i: number, patch: object): ObservationInput[] => runs.map((r, j) => (j === i ? ({ ...r, ...patch } as ObservationInput) : r));
    expect(() => fitLaw(bad(3, { loss: NaN }))).toThrow(/invalid observations\.3\.loss: expected a positive finite number \(contrastive loss\), got NaN/);
    expect(() => fitLaw(bad(5, { pairs: -100 }))).toThrow(/invalid observations\.5\.pairs: expected a positive finite number of pairs, got -100/);
    expect(() => fitLaw(bad(0, { model: 'pythia-7b' }))).toThrow(/invalid observations\.0\.model: expected one of pythia-14m.*got "pythia-7b"/);
  });

  it('rejects mixed loss kinds, bad exclusions, a method at one token count, and bad options', () => {
    const mixed = runs.map((r, i) => (i === 0 ? { ...r, lossKind: 'final' as const } : r));
    expect(() => fitLaw(mixed, QUICK)).toThrow(/one lossKind/);
    // ... which an exclusion fixes, and the exclusion is recorded.
    expect(fitLaw(mixed, { ...QUICK, bootstrap: false, exclude: [0] }).excluded).toEqual([{ index: 0 }]);
    expect(() => fitLaw(runs, { exclude: [runs.length] })).toThrow(/invalid options\.exclude\.0: expected a run index below/);
    const oneD = runs.map((r) => (r.method.kind === 'lora' ? { ...r, pairs: 20000 } : r));
    expect(() => fitLaw(oneD, QUICK)).toThrow(/lora runs at two or more token counts/);
    expect(() => fitLaw(runs, { level: 1.5 } as never)).toThrow(/invalid options\.level/);
    expect(() => fitLaw(runs, { fixed: { gamma: 1 } } as never)).toThrow(/options\.fixed.*no key "gamma"/);
  });
});

describe('fitLaw: the result', () => {
  const runs = small(3);
  const law = fitLaw(runs, { bootstrap: { replicates: 30, seed: 4 } });

  it('is a ScalingLaw the planner uses unchanged, with intervals on the recipe', () => {
    const r = optimalRecipe(3e16, { law, methods: { full: true, freeze: false, bias: false, lora: { ranks: [16, 64] } }, models: MODELS });
    expect(r.law).toBe('fitted');
    expect(r.lossInterval).toBeDefined();
    expect(r.lossInterval!.level).toBe(0.9);
    expect(r.lossInterval!.low).toBeLessThanOrEqual(r.predictedLoss);
    expect(r.lossInterval!.high).toBeGreaterThanOrEqual(r.predictedLoss);
    expect(law.metadata.fittedToRuns).toBe(true);
    expect(law.metadata.provenance).toMatch(/fitted by fitLaw to 60 runs \(full, lora; 4 budget groups\)/);
  });

  it('refuses to predict a method it has no runs of; the planner leaves such methods out', () => {
    expect(() => law.predict({ model: PYTHIA['pythia-70m'], method: { kind: 'bias' }, tokens: 1e8 })).toThrow(/cannot predict bias.*methods: \{ bias: false \}/);
    expect(law.supports({ model: PYTHIA['pythia-70m'], method: { kind: 'freeze', trainableBlocks: 3 } })).toBe(false);
    const r = optimalRecipe(3e16, { law, runnersUp: 200 });
    expect(new Set([r, ...r.runnersUp].map((c) => c.method.kind))).toEqual(new Set(['full', 'lora']));
    expect(() => optimalRecipe(3e16, { law, methods: { full: false, lora: false } })).toThrow(/at least one method enabled that law .* supports/);
  });

  it('gives wider intervals at a higher level', () => {
    const q = { model: PYTHIA['pythia-160m'], method: { kind: 'lora' as const, rank: 32 }, tokens: 2e8 };
    const i50 = law.interval(q, 0.5)!;
    const i95 = law.interval(q, 0.95)!;
    expect(i95.high - i95.low).toBeGreaterThan(i50.high - i50.low);
    expect(() => law.interval(q, 1)).toThrow(/invalid level/);
  });

  it('carries coefficients, objective, intervals, diagnostics and cross-validation', () => {
    expect(Object.keys(law.coefficients.data)).toEqual(['full', 'lora']);
    expect(Object.keys(law.coefficients.penalty)).toEqual(['lora']);
    expect(law.objective).toMatchObject({ loss: 'huber', huberDelta: 1e-3, reduction: 'sum', runs: 60 });
    expect(law.objective.parameters).toEqual(['e', 'a_c', 'alpha', 'b_c.full', 'beta.full', 'b_c.lora', 'beta.lora', 'g_c.lora', 'delta', 'rho']);
    expect(law.intervals!.replicates).toBe(30);
    for (const [name, iv] of Object.entries(law.intervals!.coefficients)) expect(iv.low, name).toBeLessThanOrEqual(iv.high);
    expect(law.diagnostics.residuals).toHaveLength(60);
    expect(law.diagnostics.rmse).toBeGreaterThan(0.004);
    expect(law.diagnostics.rmse).toBeLessThan(0.02);
    expect(law.diagnostics.convergence.converged).toBe(true);
    expect(law.diagnostics.winningStart.index).toBeGreaterThanOrEqual(0);
    expect(law.diagnostics.starts).toBe(144);
    const cv = law.crossValidation!;
    expect(cv.folds.map((f) => f.heldOut)).toEqual([15, 15, 15, 15]);
    expect(cv.folds.every((f) => f.rmse !== undefined && f.skipped === undefined)).toBe(true);
    // Predicting an unseen budget is harder than fitting a seen one.
    expect(cv.rmse).toBeGreaterThan(law.diagnostics.rmse);
    expect(cv.rmse).toBeLessThan(0.05);
  });

  it('is deterministic: the same runs and options give the same law', () => {
    const again = fitLaw(runs, { bootstrap: { replicates: 30, seed: 4 } });
    expect(again.coefficients).toEqual(law.coefficients);
    expect(again.intervals).toEqual(law.intervals);
  });

  it('parses, fits and plans from ledger text (line numbers carried into residuals)', () => {
    const text = runs.map((r) => formatLedgerLine(toObservation(r))).join('\n');
    const fromText = fitLaw(parseLedger(text), { ...QUICK, bootstrap: false });
    expect(fromText.diagnostics.residuals[7]!.line).toBe(8);
    expect(fromText.coefficients.alpha).toBeCloseTo(law.coefficients.alpha, 8);
  });
});

describe('fitLaw: exclusions and identifiability', () => {
  const runs = small(5);

  it('records exclusions, by index or predicate, and an excluded outlier no longer pulls the fit', () => {
    const withOutlier = [...runs, { ...runs[10]!, loss: runs[10]!.loss * 3 }];
    const kept = fitLaw(withOutlier, { ...QUICK, bootstrap: false });
    const excluded = fitLaw(withOutlier, { ...QUICK, bootstrap: false, exclude: (o, i) => i === runs.length && o.loss > 0 });
    const clean = fitLaw(runs, { ...QUICK, bootstrap: false });
    expect(excluded.excluded).toEqual([{ index: runs.length }]);
    expect(kept.excluded).toEqual([]);
    expect(excluded.coefficients).toEqual(clean.coefficients);
    expect(excluded.diagnostics.residuals.map((r) => r.index)).not.toContain(runs.length);
    expect(excluded.metadata.provenance).toMatch(/1 excluded/);
    // Huber's linear arms keep one wild run from dominating, but it still shows in its residual.
    const outlier = kept.diagnostics.residuals.find((r) => r.index === runs.length)!;
    expect(outlier.residual).toBeLessThan(-0.9);
  });

  it('fixes ρ explicitly (and says so) when LoRA ran at one rank only', () => {
    const oneRank = small(6, { full: true, freeze: false, bias: false, lora: { ranks: [32] } });
    const law = fitLaw(oneRank, { ...QUICK, bootstrap: false });
    expect(law.fixed).toEqual([{ name: 'rho', value: 0, reason: expect.stringMatching(/one rank only \(r = 32\).*predicts LoRA at that rank only/) }]);
    expect(law.coefficients.rho).toBe(0);
    expect(law.loraRanks).toEqual([32]);
    const fixedByUser = fitLaw(oneRank, { ...QUICK, bootstrap: false, fixed: { rho: 0.3 } });
    expect(fixedByUser.fixed).toEqual([{ name: 'rho', value: 0.3, reason: 'fixed by options.fixed.rho' }]);
    expect(fixedByUser.loraRanks).toBeUndefined();
  });

  it('fixes δ explicitly when the restricted methods ran on one model size only', () => {
    const runsFull = small(7, { full: true, freeze: false, bias: false, lora: false });
    const bias = small(7, { full: false, freeze: false, bias: true, lora: false }).filter((r) => r.model === 'pythia-70m');
    const law = fitLaw([...runsFull, ...bias], { ...QUICK, bootstrap: false });
    expect(law.fixed.map((f) => f.name)).toEqual(['delta']);
    expect(law.fixed[0]!.reason).toMatch(/one model size only/);
  });

  it('reports a cross-validation fold it cannot fit instead of dropping it', () => {
    // LoRA (one rank, one model) at three budgets: leaving one out leaves two LoRA runs for its three coefficients.
    const atRank16On70m = (r: ObservationInput) => r.method.kind === 'lora' && r.method.rank === 16 && r.model === 'pythia-70m';
    const lora2 = runs.filter((r) => r.method.kind !== 'lora' || (atRank16On70m(r) && r.budget !== 1.5e15));
    expect(lora2.filter((r) => r.method.kind === 'lora')).toHaveLength(3);
    const law = fitLaw(lora2, { bootstrap: false });
    const skipped = law.crossValidation!.folds.filter((f) => f.skipped);
    expect(skipped.map((f) => f.budget.toExponential(1))).toEqual(['6.0e+15', '2.4e+16', '9.6e+16']);
    expect(skipped[0]!.skipped).toMatch(/without this budget the runs cannot be fitted: .*at least 3 distinct lora runs/);
    expect(law.crossValidation!.heldOut).toBe(law.crossValidation!.folds.filter((f) => !f.skipped).reduce((s, f) => s + f.heldOut, 0));
  });
});
