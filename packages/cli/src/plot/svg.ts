/**
 * The few SVG pieces the plots share: escaping, axes (log with decade ticks, or linear with round
 * ticks), and a framed panel that returns its coordinate mappings. Not a charting library.
 */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const r1 = (x: number) => Math.round(x * 10) / 10;

export interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface Axis {
  readonly log: boolean;
  readonly min: number;
  readonly max: number;
  /** Major ticks, in data units. */
  readonly ticks: readonly number[];
  readonly label: (v: number) => string;
}

/** A log axis over [lo, hi] (both > 0) with ticks at powers of ten, labelled 10ⁿ. */
export function logAxis(lo: number, hi: number): Axis {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) ticks.push(10 ** e);
  return { log: true, min: lo, max: hi, ticks, label: (v) => `10^${Math.round(Math.log10(v))}` };
}

/** A linear axis covering [lo, hi] with at most 8 ticks at 1, 2 or 5 × 10^k. */
export function linearAxis(lo: number, hi: number): Axis {
  const span = hi - lo || Math.abs(hi) || 1;
  const mag = 10 ** Math.floor(Math.log10(span / 6));
  const step = [1, 2, 5, 10].map((s) => s * mag).find((s) => span / s <= 8)!;
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  const digits = Math.max(0, ...ticks.map((t) => (String(t).split('.')[1] ?? '').length));
  return { log: false, min: start, max: end, ticks, label: (v) => v.toFixed(digits) };
}

export interface Panel {
  px(x: number): number;
  py(y: number): number;
}

/** Draws grid, ticks, frame and axis labels; returns the panel's data → pixel mappings. */
export function panel(out: string[], box: Box, x: Axis, y: Axis, labels: { x?: string; y?: string }): Panel {
  const scale = (a: Axis, v: number) => (a.log ? (Math.log10(v) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min));
  const px = (v: number) => box.left + scale(x, v) * (box.right - box.left);
  const py = (v: number) => box.bottom - scale(y, v) * (box.bottom - box.top);
  for (const t of x.ticks) {
    const xp = r1(px(t));
    out.push(`<line x1="${xp}" y1="${box.top}" x2="${xp}" y2="${box.bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${xp}" y="${box.bottom + 18}" text-anchor="middle">${tickLabel(x, t)}</text>`);
    if (x.log) {
      for (let m = 2; m <= 9 && m * t <= x.max; m++) out.push(`<line x1="${r1(px(m * t))}" y1="${box.bottom}" x2="${r1(px(m * t))}" y2="${box.bottom + 4}" stroke="#999"/>`);
    }
  }
  for (const t of y.ticks) {
    const yp = r1(py(t));
    out.push(`<line x1="${box.left}" y1="${yp}" x2="${box.right}" y2="${yp}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${box.left - 8}" y="${yp + 4}" text-anchor="end">${tickLabel(y, t)}</text>`);
  }
  out.push(`<rect x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" fill="none" stroke="#333"/>`);
  if (labels.x) out.push(`<text x="${(box.left + box.right) / 2}" y="${box.bottom + 36}" text-anchor="middle">${esc(labels.x)}</text>`);
  if (labels.y) out.push(`<text transform="translate(${box.left - 52} ${(box.top + box.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(labels.y)}</text>`);
  return { px, py };
}

function tickLabel(a: Axis, v: number): string {
  if (!a.log) return a.label(v);
  return `10<tspan dy="-6" font-size="9">${Math.round(Math.log10(v))}</tspan>`;
}

export function polyline(pts: readonly (readonly [number, number])[], p: Panel, color: string, width: number, extra = ''): string {
  if (pts.length < 2) return '';
  const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${r1(p.px(x))},${r1(p.py(y))}`).join('');
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}" ${extra}/>`;
}

export function svgOpen(width: number, height: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
}
