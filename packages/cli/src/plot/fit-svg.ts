/**
 * The picture of a fit (`repurpose fit --plot`): observed vs predicted loss per method, residuals
 * against training compute, isoFLOP curves (predicted loss against model size at fixed budgets, the
 * best method and hyper-parameters at each size, minimum marked), and the coefficients with their
 * intervals. A pure (law, runs) → SVG string function.
 */
import { createPlanner, flattenCoefficients, parameterCounts, trainingFlops, type FittedLaw, type Observation } from '@repurpose/core';
import { count, num, sci } from '../format/numbers.js';
import { METHOD_COLORS } from './frontier-svg.js';
import { type Box, esc, linearAxis, logAxis, panel, polyline, r1, svgOpen } from './svg.js';

const W = 1000;
const H = 780;
const SCATTER: Box = { left: 80, right: 440, top: 70, bottom: 340 };
const RESIDUALS: Box = { left: 580, right: 940, top: 70, bottom: 340 };
const ISOFLOP: Box = { left: 80, right: 440, top: 430, bottom: 700 };
const BUDGET_COLORS = ['#08519c', '#3182bd', '#6baed6', '#e6550d', '#a63603'];

export function fitSvg(law: FittedLaw, runs: readonly Observation[]): string {
  const out = svgOpen(W, H);
  out.push(`<text x="${SCATTER.left}" y="26" font-size="16" font-weight="bold">${esc(`Law \u201c${law.name}\u201d fitted to ${count(law.objective.runs, 'run')}`)}</text>`);
  out.push(`<text x="${SCATTER.left}" y="44" fill="#555">${esc(`RMS log residual ${(100 * law.diagnostics.rmse).toFixed(2)}%` + (law.crossValidation ? `, held-out-budget CV ${(100 * law.crossValidation.rmse).toFixed(2)}%` : '') + `; Huber δ = ${law.objective.huberDelta} on log residuals`)}</text>`);

  const residuals = law.diagnostics.residuals;
  const losses = residuals.flatMap((r) => [r.observed, r.predicted]);
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const scatter = panel(out, SCATTER, linearAxis(lo, hi), linearAxis(lo, hi), { x: 'observed loss', y: 'predicted loss' });
  out.push(polyline([[lo, lo], [hi, hi]], scatter, '#999', 1, 'stroke-dasharray="4,3"'));
  for (const r of residuals) out.push(`<circle cx="${r1(scatter.px(r.observed))}" cy="${r1(scatter.py(r.predicted))}" r="3.5" fill="${METHOD_COLORS[r.method.kind]}" fill-opacity="0.8"/>`);

  const flop = residuals.map((r) => trainingFlops(runs[r.index]!.model, r.method, r.tokens).total);
  const pct = residuals.map((r) => 100 * r.residual);
  const bound = Math.max(...pct.map(Math.abs), 0.1);
  const res = panel(out, RESIDUALS, logAxis(Math.min(...flop) / 1.5, Math.max(...flop) * 1.5), linearAxis(-bound, bound), { x: 'training FLOP', y: 'log residual (%)' });
  out.push(polyline([[Math.min(...flop) / 1.5, 0], [Math.max(...flop) * 1.5, 0]], res, '#999', 1));
  residuals.forEach((r, i) => out.push(`<circle cx="${r1(res.px(flop[i]!))}" cy="${r1(res.py(pct[i]!))}" r="3.5" fill="${METHOD_COLORS[r.method.kind]}" fill-opacity="0.8"/>`));

  isoFlops(out, law, runs, flop);
  coefficientTable(out, law);
  legend(out, law);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Loss against model size at up to five budgets spread over the ledger's, best candidate per size. */
function isoFlops(out: string[], law: FittedLaw, runs: readonly Observation[], flop: number[]) {
  const models = [...new Map(runs.map((o) => [o.model.name, o.model])).values()].sort((a, b) => parameterCounts(a).nonEmbedding - parameterCounts(b).nonEmbedding);
  const planner = createPlanner({ law, models, runnersUp: 0 });
  const [cLo, cHi] = [Math.min(...flop), Math.max(...flop)];
  const budgets = Array.from({ length: 5 }, (_, i) => cLo * (cHi / cLo) ** (i / 4));
  const curves = budgets.map((c) =>
    models.flatMap((m) => {
      const e = planner.best(c, (cand) => cand.model.name === m.name);
      return e ? [[parameterCounts(m).nonEmbedding, e.loss] as const] : [];
    }),
  );
  const ns = models.map((m) => parameterCounts(m).nonEmbedding);
  const ls = curves.flat().map(([, l]) => l);
  if (ls.length === 0) return;
  const p = panel(out, ISOFLOP, logAxis(Math.min(...ns) / 1.5, Math.max(...ns) * 1.5), linearAxis(Math.min(...ls), Math.max(...ls)), { x: 'non-embedding parameters N', y: 'predicted loss' });
  curves.forEach((curve, i) => {
    out.push(polyline(curve, p, BUDGET_COLORS[i]!, 2));
    const best = curve.reduce((a, b) => (b[1] < a[1] ? b : a), curve[0]!);
    if (best) out.push(`<circle cx="${r1(p.px(best[0]))}" cy="${r1(p.py(best[1]))}" r="4" fill="${BUDGET_COLORS[i]}" stroke="black"/>`);
    const last = curve[curve.length - 1];
    if (last) out.push(`<text x="${r1(p.px(last[0])) + 6}" y="${r1(p.py(last[1])) + 4}" font-size="10" fill="${BUDGET_COLORS[i]}">${sci(budgets[i]!, 1)}</text>`);
  });
  out.push(`<text x="${ISOFLOP.left}" y="${ISOFLOP.top - 10}" font-weight="bold">isoFLOP curves (budget in FLOP; dot = best size)</text>`);
}

function coefficientTable(out: string[], law: FittedLaw) {
  const x = RESIDUALS.left - 20;
  let y = ISOFLOP.top - 10;
  out.push(`<text x="${x}" y="${y}" font-weight="bold">coefficients${law.intervals ? ` (${Math.round(100 * law.intervals.level)}% bootstrap interval)` : ''}</text>`);
  for (const [name, value] of Object.entries(flattenCoefficients(law.coefficients))) {
    y += 17;
    const iv = law.intervals?.coefficients[name];
    out.push(`<text x="${x}" y="${y}" font-size="11">${esc(name)}</text>`);
    out.push(`<text x="${x + 150}" y="${y}" font-size="11" text-anchor="end">${esc(fmt(value))}</text>`);
    if (iv) out.push(`<text x="${x + 170}" y="${y}" font-size="11" fill="#444">${esc(`[${fmt(iv.low)}, ${fmt(iv.high)}]`)}</text>`);
  }
  for (const f of law.fixed) {
    // Wrapped, never cut: the reason is what tells the reader how far the law can be trusted.
    for (const [i, line] of wrap(`${f.name} fixed at ${num(f.value)}: ${f.reason}`, NOTE_CHARS).entries()) {
      y += i === 0 ? 17 : 14;
      out.push(`<text x="${x + (i === 0 ? 0 : 10)}" y="${y}" font-size="11" fill="#555">${esc(line)}</text>`);
    }
  }
}

/** Characters of 11 px text that fit between the table's left edge and the picture's right edge. */
const NOTE_CHARS = 62;

/** Greedy word wrap; a word longer than a line gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4));

function legend(out: string[], law: FittedLaw) {
  let x = RESIDUALS.left + 120;
  for (const k of law.methods) {
    out.push(`<circle cx="${x}" cy="22" r="4" fill="${METHOD_COLORS[k]}"/><text x="${x + 8}" y="26">${k}</text>`);
    x += 80;
  }
}
