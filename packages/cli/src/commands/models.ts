/** `repurpose models` and `repurpose gpus`: the catalogs the planner knows. */
import { GPUS, PYTHIA, PYTHIA_NAMES, parameterCounts } from '@repurpose/core';
import { parseFlags } from '../args.js';
import { compact } from '../format/numbers.js';
import { table } from '../format/table.js';

export function models(argv: string[], out: (text: string) => void): number {
  const { values } = parseFlags(argv, { json: { type: 'boolean' } });
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

export function gpus(argv: string[], out: (text: string) => void): number {
  const { values } = parseFlags(argv, { json: { type: 'boolean' } });
  if (values.json) {
    out(JSON.stringify({ gpus: GPUS }));
    return 0;
  }
  const dtypes = ['fp32', 'tf32', 'bf16', 'fp16', 'fp8'] as const;
  out(
    table(
      ['gpu', ...dtypes.map((d) => `${d} FLOP/s`), 'description'],
      Object.values(GPUS).map((g) => [g.name, ...dtypes.map((d) => ((g.peakFlops as Record<string, number>)[d] ? compact((g.peakFlops as Record<string, number>)[d]!) : '-')), g.description]),
      [false, true, true, true, true, true, false],
    ),
  );
  return 0;
}
