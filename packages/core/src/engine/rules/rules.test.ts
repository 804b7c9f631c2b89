/**
 * Every gradient rule against central finite differences in f64 (relative error < 1e-6), on random
 * shapes with broadcasting and reductions. The case table is keyed by op kind, so a new op without a
 * gradient check is a compile error. Ops with no gradient are checked to produce no gradient nodes.
 */
import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../reference/backend.js';
import { GRAD_RULE_CASES, NO_GRADIENT, gradRuleGraph } from '../../testing/grad-rule-cases.js';
import { GraphBuilder } from '../builder.js';
import { gradCheck } from '../grad-check.js';
import { grad } from '../grad.js';
import { isGradScope } from '../graph.js';
import { hostTensor } from '../host-tensor.js';
import type { OpKind } from '../ops.js';

const reference = referenceBackend();
const compile = (g: Parameters<typeof reference.compileSync>[0]) => reference.compileSync(g).runSync;

function runCase(kind: OpKind, gc: Exclude<(typeof GRAD_RULE_CASES)[OpKind], typeof NO_GRADIENT>[number], seed: number) {
  const { graph, feeds, wrt } = gradRuleGraph(kind, gc, seed);
  return gradCheck(compile, graph, feeds, { loss: 'loss', wrt });
}

describe('gradient rules pass finite differences in f64', () => {
  for (const [kind, cases] of Object.entries(GRAD_RULE_CASES) as [OpKind, (typeof GRAD_RULE_CASES)[OpKind]][]) {
    if (cases === NO_GRADIENT) continue;
    describe(kind, () => {
      cases.forEach((gc, i) => {
        it(gc.name, () => {
          for (const result of runCase(kind, gc, 1000 + i)) {
            expect(result.scale, `${result.input}: gradient is trivially zero`).toBeGreaterThan(1e-3);
            expect(result.relativeError, `${result.input}: ${result.analytic} vs ${result.numeric}`).toBeLessThan(1e-6);
          }
        });
      });
    });
  }
});

describe('ops without a gradient get no gradient nodes', () => {
  it('constant, fill, iota and compare feed a loss but create no backward nodes of their own', () => {
    const b = new GraphBuilder({ dtype: 'f64' });
    const x = b.param('x', [2, 3]);
    const masked = b.scope('mask', () => b.where(b.less(b.iota([2, 3], 1), 2), x, b.fill(0, [2, 3])));
    const loss = b.sum(b.mul(masked, b.constant([1, 2, 3, 4, 5, 6], [2, 3])));
    b.output('loss', loss);
    const g = grad(b.build(), { loss: 'loss', wrt: ['x'] });
    const backward = g.nodes.filter((n) => isGradScope(n.scope));
    expect(backward.some((n) => n.kind === 'where')).toBe(true);
    expect(backward.some((n) => ['iota', 'compare', 'constant'].includes(n.kind))).toBe(false);
    const out = compile(g)({ x: hostTensor('f64', [2, 3], [1, 1, 1, 1, 1, 1]) });
    expect(Array.from(out['grad:x']!.data)).toEqual([1, 2, 0, 4, 5, 0]);
  });
});
