/**
 * The page's two SVG drawings: the loss by step (redrawn as each step arrives, with ln B, the loss of
 * an untrained model, as a dashed line) and the embedding as a strip of signed bars. Plain SVG
 * strings, no chart library. Not reusable beyond this page.
 */
const W = 640;
const H = 260;
const PAD = { left: 44, right: 16, top: 14, bottom: 24 };

export function lossChart(losses: readonly number[], totalSteps: number, chance: number): string {
  const top = Math.max(chance, ...losses) * 1.08;
  const bottom = Math.min(chance, ...losses, top) * 0.9;
  const x = (step: number) => PAD.left + ((step - 1) / Math.max(1, totalSteps - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + ((top - v) / (top - bottom)) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = bottom + ((top - bottom) * i) / 4;
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}"/>`, `<text class="tick" x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  const every = Math.max(1, Math.ceil(totalSteps / 8));
  for (let s = 1; s <= totalSteps; s += every) parts.push(`<text class="tick" x="${x(s)}" y="${H - 6}" text-anchor="middle">${s}</text>`);
  parts.push(`<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}"/>`);
  parts.push(`<line class="chance" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(chance)}" y2="${y(chance)}"/>`, `<text class="chance-label" x="${W - PAD.right}" y="${y(chance) - 5}" text-anchor="end">ln B (untrained)</text>`);
  if (losses.length > 0) {
    parts.push(`<polyline class="loss" points="${losses.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
    const last = losses.length;
    parts.push(`<circle class="dot" cx="${x(last)}" cy="${y(losses[last - 1]!)}" r="4"/>`);
  }
  parts.push(`<text class="tick" x="${PAD.left - 6}" y="${H - 6}" text-anchor="end">step</text>`);
  return parts.join('');
}

export function embeddingStrip(values: readonly number[]): string {
  const h = 90;
  const mid = h / 2;
  const scale = Math.max(1e-9, ...values.map(Math.abs));
  const w = W / values.length;
  return [
    `<line class="axis" x1="0" x2="${W}" y1="${mid}" y2="${mid}"/>`,
    ...values.map((v, i) => {
      const len = (Math.abs(v) / scale) * (mid - 4);
      const colour = v >= 0 ? '#3b6fd8' : '#d9822b';
      return `<rect x="${(i * w + 1).toFixed(1)}" y="${(v >= 0 ? mid - len : mid).toFixed(1)}" width="${(w - 2).toFixed(1)}" height="${len.toFixed(1)}" rx="2" fill="${colour}"/>`;
    }),
  ].join('');
}
