/**
 * erf in WGSL (the language has no builtin). Two pieces, chosen for f32:
 * - |x| < 0.5: the Maclaurin series to x¹³, whose truncation error there is below 1e-9, so small
 *   inputs keep full relative precision (a rational fit alone is only accurate in absolute terms);
 * - |x| ≥ 0.5: 1 − t·P(t)·e^(−x²) with t = 1/(1 + 0.3275911|x|), Abramowitz & Stegun 7.1.26,
 *   absolute error ≤ 1.5e-7, i.e. ≤ 3e-7 relative where erf ≥ 0.52 — about two f32 ulps.
 * Not the double-precision erf of the reference backend (reference/erf.ts).
 */
export const ERF_WGSL = `
fn erf_f32(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    let s = 1.0 + x2 * (-1.0 / 3.0 + x2 * (1.0 / 10.0 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 + x2 * (-1.0 / 1320.0 + x2 * (1.0 / 9360.0))))));
    return 1.1283791670955126 * x * s;
  }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-a * a));
}`;
