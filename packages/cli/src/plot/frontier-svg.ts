/**
 * The frontier plot, after the paper's Figure 1: best predicted loss per method against the training
 * budget (log x), the optimal frontier (lower envelope over methods), crossovers where the optimal
 * method changes, and markers at the budgets a user asked about. A lower panel shows each method's
 * gap to the frontier, where the crossover is easy to see. A pure string → SVG function with no
 * dependencies; not a charting library.
 */
import type { Frontier, MethodKind } from '@repurpose/core';

const COLORS: Record<MethodKind, string> = { full: '#1f77b4', freeze: '#2ca02c', bias: '#d62728', lora: '#9467bd' };
const LABELS: Record<MethodKind, string> = { full: 'full fine-tuning', freeze: 'block freezing', bias: 'bias-only', lora: 'LoRA (best rank)' };
const KINDS: MethodKind[] = ['full', 'freeze', 'bias', 'lora'];

const W = 820;
const H = 660;
const LEFT = 70;
const RIGHT = W - 190;
/** Vertical extent of the two panels. */
const MAIN = { top: 56, bottom: 420 };
const GAP = { top: 462, bottom: 600 };

export interface PlotOptions {
  /** Budgets to mark on the frontier (the ones the user planned for). */
  readonly marked?: readonly number[];
  readonly law?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const r1 = (x: number) => Math.round(x * 10) / 10;
type Point = [budget: number, value: number];

export function frontierSvg(f: Frontier, options: PlotOptions = {}): string {
  const budgets = f.points.map((p) => p.budget);
  const [x0, x1] = [Math.log10(Math.min(...budgets)), Math.log10(Math.max(...budgets))];
  const px = (b: number) => LEFT + ((Math.log10(b) - x0) / (x1 - x0)) * (RIGHT - LEFT);
  const frontierLoss = (p: Frontier['points'][number]) => p.best[p.optimal]!.loss;
  const series = (value: (p: Frontier['points'][number], k: MethodKind) => number | undefined, k: MethodKind): Point[] =>
    f.points.flatMap((p) => {
      const v = value(p, k);
      return v === undefined ? [] : [[p.budget, v] as Point];
    });
  const loss = (k: MethodKind) => series((p) => p.best[k]?.loss, k);
  const gap = (k: MethodKind) => series((p) => (p.best[k] ? p.best[k]!.loss - frontierLoss(p) : undefined), k);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${LEFT}" y="24" font-size="16" font-weight="bold">Best predicted contrastive loss per method vs training budget</text>`);
  if (options.law) {
    const note = options.law === 'ziarko2024' ? 'law ziarko2024: calibrated to the paper\u2019s decisions, not fitted to runs; loss values are illustrative' : `law ${options.law}`;
    out.push(`<text x="${LEFT}" y="42" fill="#555">${esc(note)}</text>`);
  }

  const main = panel(out, MAIN, KINDS.flatMap((k) => loss(k).map(([, l]) => l)), 'predicted loss', px, [x0, x1]);
  // The gap panel is clipped at a readable height: bias-only can sit far above the rest.
  const gaps = KINDS.flatMap((k) => gap(k).map(([, g]) => g));
  const close = KINDS.filter((k) => k !== 'bias').flatMap((k) => gap(k).map(([, g]) => g));
  const gapCeiling = Math.min(Math.max(...gaps), 1.2 * Math.max(...close, 1e-3));
  const gapPanel = panel(out, GAP, [0, gapCeiling], 'loss \u2212 frontier', px, [x0, x1]);
  out.push(`<clipPath id="gap-clip"><rect x="${LEFT}" y="${GAP.top}" width="${RIGHT - LEFT}" height="${GAP.bottom - GAP.top}"/></clipPath>`);
  out.push(`<text x="${(LEFT + RIGHT) / 2}" y="${H - 22}" text-anchor="middle">training compute (FLOP, log scale)</text>`);

  for (const c of f.crossovers) {
    const x = r1(px(c.budget));
    for (const p of [MAIN, GAP]) out.push(`<line x1="${x}" y1="${p.top}" x2="${x}" y2="${p.bottom}" stroke="#444" stroke-dasharray="2,4"/>`);
    out.push(`<text x="${x + 5}" y="${MAIN.top + 14}" fill="#444">${esc(`${c.from} \u2192 ${c.to} at ${c.budget.toExponential(3).replace('e+', 'e')} FLOP`)}</text>`);
  }

  for (const k of KINDS) {
    out.push(polyline(loss(k), px, main, COLORS[k], 2));
    out.push(polyline(gap(k), px, gapPanel, COLORS[k], 2, 'clip-path="url(#gap-clip)"'));
  }
  out.push(polyline(f.points.map((p) => [p.budget, frontierLoss(p)] as Point), px, main, 'black', 5, 'stroke-opacity="0.25" stroke-linejoin="round"'));

  for (const b of options.marked ?? []) {
    const p = nearest(f, b);
    const [x, y] = [r1(px(p.budget)), r1(main(frontierLoss(p)))];
    out.push(`<circle cx="${x}" cy="${y}" r="4.5" fill="${COLORS[p.optimal]}" stroke="black"/>`);
    out.push(`<text x="${x + 6}" y="${y - 8}" font-size="10" fill="#222">${esc(p.best[p.optimal]!.model.replace('pythia-', ''))}</text>`);
  }

  legend(out, Boolean(options.marked?.length));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Draws a panel's frame, grid and y ticks; returns its y mapping. */
function panel(out: string[], box: { top: number; bottom: number }, values: number[], yLabel: string, px: (b: number) => number, [x0, x1]: [number, number]) {
  const [ticks, y0, y1] = niceTicks(Math.min(...values), Math.max(...values));
  const py = (v: number) => box.bottom - ((v - y0) / (y1 - y0)) * (box.bottom - box.top);
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) {
    const x = r1(px(10 ** e));
    out.push(`<line x1="${x}" y1="${box.top}" x2="${x}" y2="${box.bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${box.bottom + 18}" text-anchor="middle">10<tspan dy="-6" font-size="9">${e}</tspan></text>`);
    for (let m = 2; m <= 9 && Math.log10(m * 10 ** e) <= x1; m++) {
      const xm = r1(px(m * 10 ** e));
      out.push(`<line x1="${xm}" y1="${box.bottom}" x2="${xm}" y2="${box.bottom + 4}" stroke="#999"/>`);
    }
  }
  const digits = Math.max(0, ...ticks.map((t) => (String(t).split('.')[1] ?? '').length));
  for (const t of ticks) {
    const y = r1(py(t));
    out.push(`<line x1="${LEFT}" y1="${y}" x2="${RIGHT}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${LEFT - 8}" y="${y + 4}" text-anchor="end">${t.toFixed(digits)}</text>`);
  }
  out.push(`<rect x="${LEFT}" y="${box.top}" width="${RIGHT - LEFT}" height="${box.bottom - box.top}" fill="none" stroke="#333"/>`);
  out.push(`<text transform="translate(18 ${(box.top + box.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  return py;
}

function polyline(pts: Point[], px: (b: number) => number, py: (v: number) => number, color: string, width: number, extra = ''): string {
  if (pts.length < 2) return '';
  const d = pts.map(([b, v], i) => `${i ? 'L' : 'M'}${r1(px(b))},${r1(py(v))}`).join('');
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}" ${extra}/>`;
}

function legend(out: string[], withMarkers: boolean) {
  const lx = RIGHT + 16;
  let ly = MAIN.top + 8;
  for (const k of KINDS) {
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${COLORS[k]}" stroke-width="2"/>`);
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
  out.push(`<text x="${lx}" y="${GAP.top + 10}" font-size="11" fill="#333">lower panel: each method's</text>`);
  out.push(`<text x="${lx}" y="${GAP.top + 24}" font-size="11" fill="#333">predicted loss minus the</text>`);
  out.push(`<text x="${lx}" y="${GAP.top + 38}" font-size="11" fill="#333">frontier (0 = optimal);</text>`);
  out.push(`<text x="${lx}" y="${GAP.top + 52}" font-size="11" fill="#333">curves above it are cut off</text>`);
}

function nearest(f: Frontier, budget: number) {
  return f.points.reduce((a, p) => (Math.abs(Math.log(p.budget / budget)) < Math.abs(Math.log(a.budget / budget)) ? p : a));
}

/** Round tick values covering [lo, hi]: at most 8 ticks at 1, 2 or 5 × 10^k. */
function niceTicks(lo: number, hi: number): [number[], number, number] {
  const span = hi - lo || Math.abs(hi) || 1;
  const mag = 10 ** Math.floor(Math.log10(span / 6));
  const step = [1, 2, 5, 10].map((s) => s * mag).find((s) => span / s <= 8)!;
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return [ticks, start, end];
}
