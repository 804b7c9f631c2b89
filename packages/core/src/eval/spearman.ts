/**
 * Spearman's rank correlation ρ: the Pearson correlation of the two variables' ranks, ties given
 * their average rank (as scipy.stats.spearmanr does), so STS gold scores — which tie often — are
 * handled exactly. NaN when either side is constant (the correlation is undefined). Not a p-value.
 */

/** Ranks 1..n with ties averaged. */
export function averageRanks(values: ArrayLike<number>, indices?: ArrayLike<number>): Float64Array {
  const n = indices ? indices.length : values.length;
  const at = (i: number) => values[indices ? indices[i]! : i]!;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => at(a) - at(b));
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && at(order[j + 1]!) === at(order[i]!)) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  return ranks;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) ((mx += x[i]!), (my += y[i]!));
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** ρ of (x, y), optionally over a subset or resample of the indices. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>, indices?: ArrayLike<number>): number {
  return pearson(averageRanks(x, indices), averageRanks(y, indices));
}
