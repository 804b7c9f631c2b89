/**
 * Every gradient rule, run on ONNX Runtime: the graph and its `grad` lowered to ONNX, the analytic
 * gradient from the ORT backward against central finite differences of the ORT forward (core's
 * `gradCheckOn`), in f64 (relative error < 1e-6), on core's shared case table — the one the reference
 * backend's rules test runs.
 */
import { describe, expect, it } from 'vitest';
import type { OpKind } from '@repurpose/core/engine';
import { GRAD_RULE_CASES, NO_GRADIENT, gradCheckOn, gradRuleGraph } from '@repurpose/core/testing';
import { testBackend } from '../src/test-ort.test-helper.js';

const backend = testBackend(1);

async function runCase(kind: OpKind, gc: Exclude<(typeof GRAD_RULE_CASES)[OpKind], typeof NO_GRADIENT>[number], seed: number) {
  const { graph, feeds, wrt } = gradRuleGraph(kind, gc, seed);
  return gradCheckOn(backend, graph, feeds, { loss: 'loss', wrt });
}

describe('gradient rules on ONNX Runtime pass finite differences in f64', () => {
  for (const [kind, cases] of Object.entries(GRAD_RULE_CASES) as [OpKind, (typeof GRAD_RULE_CASES)[OpKind]][]) {
    if (cases === NO_GRADIENT) continue;
    describe(kind, () => {
      cases.forEach((gc, i) => {
        it(gc.name, async () => {
          for (const result of await runCase(kind, gc, 1000 + i)) {
            expect(result.scale, `${result.input}: gradient is trivially zero`).toBeGreaterThan(1e-3);
            expect(result.relativeError, result.input).toBeLessThan(1e-6);
          }
        });
      });
    });
  }
});
