/**
 * Evaluation reports side by side as a plain text table — one column per report (e.g. "before" and
 * "after" training), one row per metric, each value with its bootstrap interval, and the change of
 * the last column against the first. Reports as JSON need nothing: they are plain data.
 * Not a TUI and not a plot.
 */
import type { Interval } from './bootstrap-interval.js';
import type { EvaluationReport } from './evaluate.js';

interface Row {
  readonly label: string;
  readonly value: (r: EvaluationReport) => Interval | number | undefined;
  /** Lower is better (the loss). */
  readonly lower?: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'recall@1', value: (r) => r.retrieval?.recallAt1 },
  { label: 'recall@10', value: (r) => r.retrieval?.recallAt10 },
  { label: 'MRR@10', value: (r) => r.retrieval?.mrrAt10 },
  { label: 'nDCG@10', value: (r) => r.retrieval?.ndcgAt10 },
  { label: 'held-out loss', value: (r) => r.heldOutLoss?.loss, lower: true },
  { label: 'STS Spearman', value: (r) => r.sts?.spearman },
];

const pointOf = (v: Interval | number) => (typeof v === 'number' ? v : v.value);
const cell = (v: Interval | number | undefined) => (v === undefined ? '—' : typeof v === 'number' ? v.toFixed(4) : `${v.value.toFixed(3)} [${v.low.toFixed(3)}, ${v.high.toFixed(3)}]`);

export function formatEvaluationTable(columns: readonly { readonly label: string; readonly report: EvaluationReport }[]): string {
  const headers = ['metric', ...columns.map((c) => c.label), ...(columns.length > 1 ? ['change'] : [])];
  const rows: string[][] = [];
  for (const row of ROWS) {
    const values = columns.map((c) => row.value(c.report));
    if (values.every((v) => v === undefined)) continue;
    const first = values[0];
    const last = values[values.length - 1];
    const change = columns.length > 1 && first !== undefined && last !== undefined ? signed(pointOf(last) - pointOf(first)) : '';
    rows.push([row.label, ...values.map(cell), ...(columns.length > 1 ? [change] : [])]);
  }
  const first = columns[0]?.report;
  const notes: string[] = [];
  if (first?.retrieval) notes.push(`retrieval: ${first.retrieval.queries} held-out queries against ${first.retrieval.corpus} positives; [95% bootstrap interval]`);
  if (first?.heldOutLoss) notes.push(`held-out loss: symmetric InfoNCE in ${first.heldOutLoss.batches} batch${first.heldOutLoss.batches === 1 ? '' : 'es'} of ${first.heldOutLoss.batchSize}`);
  if (first?.sts) notes.push(`STS: ${first.sts.pairs} scored pairs, cosine vs gold score`);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ...notes].join('\n');
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
