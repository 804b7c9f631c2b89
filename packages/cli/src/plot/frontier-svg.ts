/**
 * The frontier plot, after the paper's Figure 1: best predicted loss per method against the training
 * budget (log x), the optimal frontier (lower envelope over methods), crossovers where the optimal
 * method changes, and markers at the budgets a user asked about. A lower panel shows each method's
 * gap to the frontier, where the crossover is easy to see. A pure Frontier → SVG string function.
 */
import type { Frontier, MethodKind } from '@repurpose/core';
import { sci } from '../format/numbers.js';
import { type Box, esc, linearAxis, logAxis, panel, polyline, r1, svgOpen } from './svg.js';

export const METHOD_COLORS: Record<MethodKind, string> = { full: '#1f77b4', freeze: '#2ca02c', bias: '#d62728', lora: '#9467bd' };
const LABELS: Record<MethodKind, string> = { full: 'full fine-tuning', freeze: 'block freezing', bias: 'bias-only', lora: 'LoRA (best rank)' };
const KINDS: MethodKind[] = ['full', 'freeze', 'bias', 'lora'];

const W = 820;
const H = 660;
const MAIN: Box = { left: 76, right: 630, top: 56, bottom: 420 };
const GAP: Box = { ...MAIN, top: 462, bottom: 600 };

export interface PlotOptions {
  /** Budgets to mark on the frontier (the ones the user planned for). */
  readonly marked?: readonly number[];
  readonly law?: string;
}

type Point = readonly [budget: number, value: number];
type FrontierPoint = Frontier['points'][number];

export function frontierSvg(f: Frontier, options: PlotOptions = {}): string {
  const budgets = f.points.map((p) => p.budget);
  const frontierLoss = (p: FrontierPoint) => p.best[p.optimal]!.loss;
  const series = (k: MethodKind, value: (p: FrontierPoint) => number | undefined): Point[] =>
    f.points.flatMap((p) => (p.best[k] ? [[p.budget, value(p)!] as const] : []));
  const loss = (k: MethodKind) => series(k, (p) => p.best[k]!.loss);
  const gap = (k: MethodKind) => series(k, (p) => p.best[k]!.loss - frontierLoss(p));

  const out = svgOpen(W, H);
  out.push(`<text x="${MAIN.left}" y="24" font-size="16" font-weight="bold">Best predicted contrastive loss per method vs training budget</text>`);
  if (options.law) {
    const note = options.law === 'ziarko2024' ? 'law ziarko2024: calibrated to the paper\u2019s decisions, not fitted to runs; loss values are illustrative' : `law ${options.law}`;
    out.push(`<text x="${MAIN.left}" y="42" fill="#555">${esc(note)}</text>`);
  }

  const x = logAxis(Math.min(...budgets), Math.max(...budgets));
  const losses = KINDS.flatMap((k) => loss(k).map(([, l]) => l));
  const main = panel(out, MAIN, x, linearAxis(Math.min(...losses), Math.max(...losses)), { y: 'predicted loss' });
  // The gap panel is scaled to the methods that come close; bias-only may sit far above and is cut off.
  const close = KINDS.filter((k) => k !== 'bias').flatMap((k) => gap(k).map(([, g]) => g));
  const ceiling = Math.min(Math.max(...KINDS.flatMap((k) => gap(k).map(([, g]) => g))), 1.2 * Math.max(...close, 1e-3));
  const gapPanel = panel(out, GAP, x, linearAxis(0, ceiling), { x: 'training compute (FLOP, log scale)', y: 'loss \u2212 frontier' });
  out.push(`<clipPath id="gap-clip"><rect x="${GAP.left}" y="${GAP.top}" width="${GAP.right - GAP.left}" height="${GAP.bottom - GAP.top}"/></clipPath>`);

  f.crossovers.forEach((c, i) => {
    const xc = r1(main.px(c.budget));
    for (const b of [MAIN, GAP]) out.push(`<line x1="${xc}" y1="${b.top}" x2="${xc}" y2="${b.bottom}" stroke="#444" stroke-dasharray="2,4"/>`);
    // Labels near the right edge go to the left of their line, so none runs into the legend.
    const left = xc > MAIN.right - 190;
    out.push(`<text x="${left ? xc - 5 : xc + 5}" y="${MAIN.top + 14 + 14 * i}" fill="#444"${left ? ' text-anchor="end"' : ''}>${esc(`${c.from} \u2192 ${c.to} at ${sci(c.budget)} FLOP`)}</text>`);
  });
  const shown = KINDS.filter((k) => loss(k).length > 0);
  for (const k of shown) {
    out.push(polyline(loss(k), main, METHOD_COLORS[k], 2));
    out.push(polyline(gap(k), gapPanel, METHOD_COLORS[k], 2, 'clip-path="url(#gap-clip)"'));
  }
  out.push(polyline(f.points.map((p) => [p.budget, frontierLoss(p)] as const), main, 'black', 5, 'stroke-opacity="0.25" stroke-linejoin="round"'));

  for (const b of options.marked ?? []) {
    const p = f.points.reduce((a, q) => (Math.abs(Math.log(q.budget / b)) < Math.abs(Math.log(a.budget / b)) ? q : a));
    const [xp, yp] = [r1(main.px(p.budget)), r1(main.py(frontierLoss(p)))];
    out.push(`<circle cx="${xp}" cy="${yp}" r="4.5" fill="${METHOD_COLORS[p.optimal]}" stroke="black"/>`);
    const left = xp > MAIN.right - 40;
    out.push(`<text x="${left ? xp - 6 : xp + 6}" y="${yp - 8}" font-size="10" fill="#222"${left ? ' text-anchor="end"' : ''}>${esc(p.best[p.optimal]!.model.replace('pythia-', ''))}</text>`);
  }
  legend(out, shown, Boolean(options.marked?.length));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Only the methods that are drawn (a law fitted to full and LoRA has no freeze or bias curve). */
function legend(out: string[], kinds: readonly MethodKind[], withMarkers: boolean) {
  const lx = MAIN.right + 16;
  let ly = MAIN.top + 8;
  for (const k of kinds) {
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${METHOD_COLORS[k]}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 32}" y="${ly + 4}">${LABELS[k]}</text>`);
    ly += 20;
  }
  out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="black" stroke-width="5" stroke-opacity="0.25"/>`);
  out.push(`<text x="${lx + 32}" y="${ly + 4}">optimal frontier</text>`);
  if (withMarkers) {
    ly += 20;
    out.push(`<circle cx="${lx + 13}" cy="${ly}" r="4.5" fill="white" stroke="black"/>`);
    out.push(`<text x="${lx + 32}" y="${ly + 4}">planned budget</text>`);
    out.push(`<text x="${lx + 32}" y="${ly + 18}" font-size="10" fill="#555">(label: optimal model)</text>`);
  }
  const note = ["lower panel: each method's", 'predicted loss minus the', 'frontier (0 = optimal);', 'curves above it are cut off'];
  note.forEach((line, i) => out.push(`<text x="${lx}" y="${GAP.top + 10 + 14 * i}" font-size="11" fill="#333">${esc(line)}</text>`));
}
