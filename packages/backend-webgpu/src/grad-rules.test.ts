/**
 * Forward and gradients of every op on WebGPU, on core's shared gradient-rule cases (GRAD_RULE_CASES,
 * keyed by op kind; the reference and ONNX backends run the same table): each case's graph and its
 * `grad`, retyped to f32 (WGSL has no f64), run here and compared with the reference backend's f64
 * run — whose rules core checks by finite differences. Compared: the op's output y (the forward,
 * element by element) and the gradient of loss = Σ y·w wrt every float input. Skips with a printed reason where no
 * adapter exists.
 *
 * Bound: scaled error (max|got − want| / max|want|) ≤ 2e-5 per tensor. The inputs themselves are
 * rounded to f32 (relative 6e-8), every kernel rounds at each step of sums over ≤ 24 terms, and erf is
 * a 1.5e-7 approximation, so a few e-7 is what f32 gives; the bound leaves a factor of ten or more
 * for drivers that fuse multiply-adds. Finite differences in f32 would need a bound near 1e-2.
 */
import { type HostTensor, type OpKind, grad, gradOutputName } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { GRAD_RULE_CASES, NO_GRADIENT, gradRuleGraph, scaledError } from '@repurpose/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { asF32, feedsAsF32 } from './test-support/as-f32.js';
import { runOn, withOpOutput } from './test-support/op-graphs.js';
import { testGpu } from './test-support/test-gpu.js';

const BOUND = 2e-5;
const gpu = await testGpu();
const worst = { error: 0, what: '' };
afterAll(() => {
  if (gpu.backend !== null) console.log(`webgpu gradient rules: worst scaled error ${worst.error.toExponential(2)} (${worst.what})`);
  gpu.backend?.dispose();
});
const reference = referenceBackend();


describe.skipIf(gpu.backend === null)(`forward and gradients of every op on webgpu (f32) against the reference (f64) (${gpu.backend?.description ?? gpu.skip})`, () => {
  for (const [kind, cases] of Object.entries(GRAD_RULE_CASES) as [OpKind, (typeof GRAD_RULE_CASES)[OpKind]][]) {
    if (cases === NO_GRADIENT) continue;
    describe(kind, () => {
      cases.forEach((gc, i) => {
        it(gc.name, async () => {
          const { graph, feeds, wrt } = withOpOutput(gradRuleGraph(kind, gc, 1000 + i));
          const want = await runOn(reference, grad(graph, { loss: 'loss', wrt }), feeds);
          const got = await runOn(gpu.backend!, grad(asF32(graph), { loss: 'loss', wrt }), feedsAsF32(feeds));
          const check = (what: string, g: HostTensor, w: HostTensor) => {
            const error = scaledError(g.data, w.data);
            if (!(error <= worst.error)) Object.assign(worst, { error, what: `${kind} ${gc.name}: ${what}` });
            expect(error, `${what}: scaled error`).toBeLessThanOrEqual(BOUND);
          };
          check('the op\'s output', got.y!, want.y!);
          for (const x of wrt) {
            const w = want[gradOutputName(x)]!;
            expect(Math.max(...Array.from(w.data, Math.abs)), `the gradient wrt ${x} is not trivially zero`).toBeGreaterThan(1e-3);
            check(`gradient wrt ${x}`, got[gradOutputName(x)]!, w);
          }
        });
      });
    });
  }
});
