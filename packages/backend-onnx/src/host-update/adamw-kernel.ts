/**
 * AdamW's update of one tensor in one pass, in place: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g²,
 * p ← p·decay − stepSize·m / (√v / √bc2 + eps). Each element is computed in doubles and stored to
 * the array's dtype; p reads m and v back from their arrays, so every value is rounded exactly where
 * the reference backend's fused kernels round it (adamMoment, then adamwParam). Not vectorised: a
 * plain loop V8 compiles well (about 8 ns an element on this project's 2-core machine).
 */
export interface AdamWScalars {
  readonly decay: number;
  readonly stepSize: number;
  readonly bc2Sqrt: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

type Floats = Float32Array | Float64Array;

export function adamwInPlace(p: Floats, m: Floats, v: Floats, g: Floats, s: AdamWScalars): void {
  const { decay, stepSize, bc2Sqrt, beta1, beta2, eps } = s;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    m[i] = beta1 * m[i]! + c1 * gi;
    v[i] = beta2 * v[i]! + c2 * gi * gi;
    p[i] = p[i]! * decay - (m[i]! / (Math.sqrt(v[i]!) / bc2Sqrt + eps)) * stepSize;
  }
}
