/**
 * `repurpose fit`: fit the capacity law to a ledger of your own runs; print, save and plot the fit.
 * The ledger is read at the CLI boundary (a regular file of bounded size, never a FIFO or device); the
 * law and the plot are checked before the fit (never over the ledger or each other) and written
 * atomically. Not a run tracker: the ledger is yours to keep.
 */
import { fitLaw, flattenCoefficients, measuredThroughput, parseLedger, saveLaw, type FittedLaw, type ModelArchitecture, type Observation } from '@repurpose/core';
import { noPositionals, numberListFlag, parseFlags, rangeFlag, textFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { nestingDepth, readInputText } from '../files/input-file.js';
import { readModelConfig } from '../files/model-config.js';
import { checkOutputs, writeOutput } from '../files/output-files.js';
import { count, num } from '../format/numbers.js';
import { table } from '../format/table.js';
import { fitSvg } from '../plot/fit-svg.js';

/** Each replicate refits the law; 10,000 is already minutes and far past stable 90% intervals. */
export const MAX_BOOTSTRAP = 10_000;
/** A ledger line is a few hundred bytes: 256 MiB is over a million runs. */
const MAX_LEDGER_BYTES = 256 * 2 ** 20;
const MAX_LINE_DEPTH = 16;

export const FIT_HELP = `repurpose fit RUNS.jsonl — fit the scaling law to your own runs (docs/fitting.md)

  --out LAW.json        save the fitted law (use it with 'repurpose plan --law LAW.json')
  --plot FIT.svg        observed vs predicted, residuals, isoFLOP curves, coefficients
  --name NAME           the law's name (default: the ledger's file name)
  --bootstrap N         bootstrap replicates for intervals (default 200, at most ${MAX_BOOTSTRAP.toLocaleString('en-US')}; 0 turns them off)
  --seed S              bootstrap seed, a whole number (default 0)
  --no-cv               skip held-out-budget cross-validation
  --exclude 3,7         leave out these runs (0-based indices into the ledger's runs)
  --model-config FILE   a Hugging Face config.json (GPT-NeoX or Llama family): ledger lines whose "model" is its name
                        (_name_or_path, else its folder) use this architecture (repeatable)
  --json                print the fit as one JSON object
  --out and --plot must differ from each other and from the ledger.`;

export const FLAGS = {
  out: { type: 'string' },
  plot: { type: 'string' },
  name: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  'no-cv': { type: 'boolean' },
  exclude: { type: 'string' },
  'model-config': { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

/** Which flag sets which field of fitLaw's input, for messages (see main.ts). */
export const FIT_FIELD_FLAGS: Record<string, string> = {
  'options.exclude': '--exclude',
  'options.bootstrap': '--bootstrap',
  'options.bootstrap.replicates': '--bootstrap',
  'options.bootstrap.seed': '--seed',
  'options.name': '--name',
  config: '--model-config',
};

export async function fit(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'fit');
  if (positionals.length !== 1) {
    if (positionals.length > 1) noPositionals('fit (beyond its one ledger)', positionals.slice(1));
    throw new CliError('fit takes exactly one ledger file, e.g. repurpose fit runs.jsonl');
  }
  const file = positionals[0]!;
  const ledger = { flag: 'the ledger', path: file };
  const outFile = v.out !== undefined ? { flag: '--out', path: v.out } : undefined;
  const plotFile = v.plot !== undefined ? { flag: '--plot', path: v.plot } : undefined;
  const configPaths = v['model-config'] ?? [];
  checkOutputs([outFile, plotFile], [ledger, ...configPaths.map((path) => ({ flag: '--model-config', path }))]);
  const replicates = rangeFlag('bootstrap', v.bootstrap, { min: 0, max: MAX_BOOTSTRAP, integer: true, what: 'bootstrap replicates' }) ?? 200;
  const seed = rangeFlag('seed', v.seed, { min: 0, max: 2 ** 32 - 1, integer: true, what: 'a seed' }) ?? 0;
  const exclude = numberListFlag('exclude', v.exclude, { min: 0, max: 1e9, integer: true, what: 'a run index' });
  const name = textFlag('name', v.name, "the law's name");

  const configs = configPaths.map((path) => readModelConfig(path));
  const text = readInputText('the ledger', file, 'a JSONL run ledger (docs/fitting.md)', MAX_LEDGER_BYTES);
  checkLineDepth(file, text);
  const runs = parseLedger(configs.length > 0 ? withArchitectures(text, configs) : text, { source: file });
  const law = fitLaw(runs, {
    name: name ?? file.replace(/^.*\//, '').replace(/\.jsonl?$/, ''),
    provenance: `fitted by repurpose fit to ${count(runs.length, 'run')} in ${file}`,
    bootstrap: replicates > 0 ? { replicates, seed } : false,
    crossValidation: !v['no-cv'],
    ...(exclude !== undefined ? { exclude } : {}),
  });
  const throughput = runs.some((o) => o.seconds !== undefined) ? tryThroughput(runs) : undefined;
  if (outFile) await writeOutput(outFile, `${JSON.stringify(saveLaw(law), null, 2)}\n`);
  if (plotFile) await writeOutput(plotFile, fitSvg(law, runs));
  if (v.json) {
    out(JSON.stringify({ name: law.name, methods: law.methods, coefficients: law.coefficients, intervals: law.intervals, fixed: law.fixed, objective: law.objective, diagnostics: law.diagnostics, crossValidation: law.crossValidation, excluded: law.excluded, throughput }));
    return 0;
  }
  out(describeFit(law, throughput));
  if (outFile) out(`\nlaw written to ${outFile.path} (plan with it: repurpose plan --law ${outFile.path} --budget 1e17)`);
  if (plotFile) out(`fit plot written to ${plotFile.path}`);
  return 0;
}

/** A ledger record is two levels deep; a line nested far deeper is refused before it is parsed. */
function checkLineDepth(file: string, text: string): void {
  text.split('\n').forEach((line, i) => {
    const depth = nestingDepth(line);
    if (depth > MAX_LINE_DEPTH) throw new CliError(`the ledger ${JSON.stringify(file)}: line ${i + 1} is JSON nested ${num(depth)} levels deep; expected a run record (at most ${MAX_LINE_DEPTH} levels)`);
  });
}

/**
 * Ledger lines that name a --model-config model get its architecture object in place of the name, so
 * parseLedger (which knows Pythia names) reads them; every other line is passed on untouched.
 */
function withArchitectures(text: string, configs: readonly ModelArchitecture[]): string {
  const byName = new Map(configs.map((c) => [c.name, c]));
  return text
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      try {
        const record = JSON.parse(line) as { model?: unknown };
        const arch = typeof record?.model === 'string' ? byName.get(record.model) : undefined;
        return arch ? JSON.stringify({ ...record, model: arch }) : line;
      } catch {
        return line; // parseLedger reports it with its line number
      }
    })
    .join('\n');
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
    `Law ${law.name}: L = E + A·N^−α + B_m·D^−β_m + G_m·N^−δ·h_m, fitted to ${count(law.objective.runs, 'run')} of ${law.methods.join(', ')}`,
    '',
    table(['coefficient', 'value', iv ? `${Math.round(100 * iv.level)}% interval (${iv.replicates} bootstrap)` : 'interval'], rows, [false, true, false]),
    ...law.fixed.map((f) => `fixed ${f.name} = ${num(f.value)}: ${f.reason}`),
    '',
    `Fit        Huber (δ ${law.objective.huberDelta}, summed) on log residuals = ${law.objective.value.toExponential(3)}; RMS log residual ${(100 * law.diagnostics.rmse).toFixed(2)}%, worst ${(100 * law.diagnostics.maxAbsResidual).toFixed(2)}%`,
    `Optimizer  L-BFGS from ${law.diagnostics.starts} starts; ${c.converged ? 'converged' : `NOT converged (${c.stop})`} in ${c.iterations} iterations`,
  ];
  if (law.crossValidation) lines.push(`Held-out   RMS log error ${(100 * law.crossValidation.rmse).toFixed(2)}% over ${count(law.crossValidation.heldOut, 'run')} in ${count(law.crossValidation.folds.length, 'budget fold')}`);
  if (law.excluded.length > 0) lines.push(`Excluded   ${count(law.excluded.length, 'run')} (${law.excluded.map((e) => e.index).join(', ')})`);
  if (throughput) lines.push(`Throughput ${Object.entries(throughput).map(([k, f]) => `${k} ×${f.toFixed(2)}`).join(', ')} relative to full (from the runs' seconds; pass to plan with --throughput)`);
  return lines.join('\n');
}
