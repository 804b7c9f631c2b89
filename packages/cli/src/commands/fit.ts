/** `repurpose fit`: fit the capacity law to a ledger of your own runs; print, save and plot the fit. */
import { writeFileSync } from 'node:fs';
import { fitLaw, flattenCoefficients, measuredThroughput, saveLaw, type FittedLaw, type Observation } from '@repurpose/core';
import { readLedgerFile } from '@repurpose/core/node';
import { numberFlag, numberListFlag, parseFlags } from '../args.js';
import { CliError } from '../cli-error.js';
import { table } from '../format/table.js';
import { fitSvg } from '../plot/fit-svg.js';

export const FIT_HELP = `repurpose fit RUNS.jsonl — fit the scaling law to your own runs (docs/fitting.md)

  --out LAW.json        save the fitted law (use it with 'repurpose plan --law LAW.json')
  --plot FIT.svg        observed vs predicted, residuals, isoFLOP curves, coefficients
  --name NAME           the law's name (default: the ledger's file name)
  --bootstrap N         bootstrap replicates for intervals (default 200; 0 turns them off)
  --seed S              bootstrap seed (default 0)
  --no-cv               skip held-out-budget cross-validation
  --exclude 3,7         leave out these runs (0-based indices into the ledger's runs)
  --json                print the fit as one JSON object`;

const FLAGS = {
  out: { type: 'string' },
  plot: { type: 'string' },
  name: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  'no-cv': { type: 'boolean' },
  exclude: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function fit(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length !== 1) throw new CliError('fit takes exactly one ledger file, e.g. repurpose fit runs.jsonl');
  const file = positionals[0]!;
  const runs = await readLedgerFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code) throw new CliError(`cannot read ${file}: ${error.code}`);
    throw error;
  });
  const replicates = numberFlag('bootstrap', v.bootstrap) ?? 200;
  const law = fitLaw(runs, {
    name: v.name ?? file.replace(/^.*\//, '').replace(/\.jsonl?$/, ''),
    provenance: `fitted by repurpose fit to ${runs.length} runs in ${file}`,
    bootstrap: replicates > 0 ? { replicates, seed: numberFlag('seed', v.seed) ?? 0 } : false,
    crossValidation: !v['no-cv'],
    ...(v.exclude !== undefined ? { exclude: numberListFlag('exclude', v.exclude)! } : {}),
  });
  const throughput = runs.some((o) => o.seconds !== undefined) ? tryThroughput(runs) : undefined;
  if (v.out) writeFileSync(v.out, `${JSON.stringify(saveLaw(law), null, 2)}\n`);
  if (v.plot) writeFileSync(v.plot, fitSvg(law, runs));
  if (v.json) {
    out(JSON.stringify({ name: law.name, methods: law.methods, coefficients: law.coefficients, intervals: law.intervals, fixed: law.fixed, objective: law.objective, diagnostics: law.diagnostics, crossValidation: law.crossValidation, excluded: law.excluded, throughput }));
    return 0;
  }
  out(describeFit(law, throughput));
  if (v.out) out(`\nlaw written to ${v.out} (plan with it: repurpose plan --law ${v.out} --budget 1e17)`);
  if (v.plot) out(`fit plot written to ${v.plot}`);
  return 0;
}

function tryThroughput(runs: Observation[]) {
  try {
    return measuredThroughput(runs).factors;
  } catch {
    return undefined; // timed runs that cannot be compared (mixed GPUs, no full fine-tuning): no factors
  }
}

function describeFit(law: FittedLaw, throughput: Record<string, number> | undefined): string {
  const iv = law.intervals;
  const rows = Object.entries(flattenCoefficients(law.coefficients)).map(([name, value]) => {
    const i = iv?.coefficients[name];
    return [name, value.toPrecision(5), i ? `[${i.low.toPrecision(4)}, ${i.high.toPrecision(4)}]` : '-'];
  });
  const c = law.diagnostics.convergence;
  const lines = [
    `Law ${law.name}: L = E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m, fitted to ${law.objective.runs} runs of ${law.methods.join(', ')}`,
    '',
    table(['coefficient', 'value', iv ? `${Math.round(100 * iv.level)}% interval (${iv.replicates} bootstrap)` : 'interval'], rows, [false, true, false]),
    ...law.fixed.map((f) => `fixed ${f.name} = ${f.value}: ${f.reason}`),
    '',
    `Fit        Huber (δ ${law.objective.huberDelta}, summed) on log residuals = ${law.objective.value.toExponential(3)}; RMS log residual ${(100 * law.diagnostics.rmse).toFixed(2)}%, worst ${(100 * law.diagnostics.maxAbsResidual).toFixed(2)}%`,
    `Optimizer  L-BFGS from ${law.diagnostics.starts} starts; ${c.converged ? 'converged' : `NOT converged (${c.stop})`} in ${c.iterations} iterations`,
  ];
  if (law.crossValidation) lines.push(`Held-out   RMS log error ${(100 * law.crossValidation.rmse).toFixed(2)}% over ${law.crossValidation.heldOut} runs in ${law.crossValidation.folds.length} budget folds`);
  if (law.excluded.length > 0) lines.push(`Excluded   ${law.excluded.length} runs (${law.excluded.map((e) => e.index).join(', ')})`);
  if (throughput) lines.push(`Throughput ${Object.entries(throughput).map(([k, f]) => `${k} ×${f.toFixed(2)}`).join(', ')} relative to full (from the runs' seconds; pass to plan with --throughput)`);
  return lines.join('\n');
}
