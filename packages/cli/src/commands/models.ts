/** `repurpose models` and `repurpose gpus`: the catalogs the planner knows. */
import { GPUS, PYTHIA, PYTHIA_NAMES, parameterCounts } from '@repurpose/core';
import { noPositionals, parseFlags } from '../args.js';
import { num } from '../format/numbers.js';
import { table } from '../format/table.js';

export function models(argv: string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, 'models');
  noPositionals('models', positionals);
  const rows = PYTHIA_NAMES.map((name) => {
    const m = PYTHIA[name];
    return { ...m, nonEmbeddingParameters: parameterCounts(m).nonEmbedding };
  });
  if (values.json) {
    out(JSON.stringify({ models: rows }));
    return 0;
  }
  out(
    table(
      ['model', 'L', 'd', 'heads', 'N (non-embedding)', 'pre-training LR'],
      rows.map((m) => [m.name, String(m.numLayers), String(m.hiddenSize), String(m.numHeads), m.nonEmbeddingParameters.toLocaleString('en-US'), String(m.preTrainingLr)]),
      [false, true, true, true, true, true],
    ),
  );
  return 0;
}

/** Peak FLOP/s in TFLOP/s, "989" or "1,979" or "19.5"; "-" where the GPU has no such unit. */
const tflops = (x: number | undefined) => (x === undefined ? '-' : x >= 1e14 ? num(Math.round(x / 1e12)) : num(x / 1e12));

export function gpus(argv: string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, 'gpus');
  noPositionals('gpus', positionals);
  if (values.json) {
    out(JSON.stringify({ gpus: GPUS }));
    return 0;
  }
  const dtypes = ['fp32', 'tf32', 'bf16', 'fp16', 'fp8'] as const;
  out(
    table(
      ['gpu', ...dtypes.map((d) => `${d} TFLOP/s`), 'description'],
      Object.values(GPUS).map((g) => [g.name, ...dtypes.map((d) => tflops((g.peakFlops as Record<string, number>)[d])), g.description]),
      [false, true, true, true, true, true, false],
    ),
  );
  return 0;
}
