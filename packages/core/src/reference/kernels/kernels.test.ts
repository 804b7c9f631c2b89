/**
 * Every reference kernel on hand-computed literals. The table (testing/op-cases.ts, shared with the
 * conformance suite every backend runs) is keyed by op kind, so a new op without a literal test is a
 * compile error. Each case runs twice — composites fused and composites
 * decomposed — so the decompositions are held to the same literals as the fused kernels.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../engine/builder.js';
import { hostTensor } from '../../engine/host-tensor.js';
import type { OpKind } from '../../engine/ops.js';
import { type KernelCase, OP_LITERAL_CASES as CASES } from '../../testing/op-cases.js';
import { referenceBackend } from '../backend.js';

const backends = { fused: referenceBackend(), decomposed: referenceBackend({ composites: [] }) };

describe('reference kernels on hand-computed literals', () => {
  for (const [kind, cases] of Object.entries(CASES) as [OpKind, readonly KernelCase[]][]) {
    describe(kind, () => {
      for (const kc of cases) {
        for (const [label, backend] of Object.entries(backends)) {
          it(`${kc.name} (${label})`, () => {
            const b = new GraphBuilder({ dtype: 'f64' });
            const xs = kc.inputs.map((lit, i) => b.data(`x${i}`, lit.shape, lit.dtype));
            b.output('y', kc.build(b, xs));
            const graph = b.build();
            expect(graph.nodes.some((n) => n.kind === kind)).toBe(true);
            const feeds = Object.fromEntries(kc.inputs.map((lit, i) => [`x${i}`, hostTensor(lit.dtype, lit.shape, lit.values)]));
            const y = backend.compileSync(graph).runSync(feeds).y!;
            expect(y.dtype).toBe(kc.expected.dtype);
            expect(y.shape).toEqual(kc.expected.shape);
            const got = Array.from(y.data);
            if (kc.expected.dtype === 'f64') {
              kc.expected.values.forEach((want, i) => expect(Math.abs(got[i]! - want), `element ${i}: ${got[i]} vs ${want}`).toBeLessThanOrEqual(2e-15 * Math.max(1, Math.abs(want))));
            } else {
              expect(got).toEqual(kc.expected.values);
            }
          });
        }
      }
    });
  }
});
