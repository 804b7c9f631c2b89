/**
 * countGraphFlops on graphs whose counts are known by hand: a matmul is 2·M·N·K, elementwise ops one
 * per output element, composites counted through their decomposition, backward split out.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder.js';
import { countGraphFlops } from './flops.js';
import { grad } from './grad.js';

describe('countGraphFlops', () => {
  it('counts a linear layer as 2·M·N·K plus one FLOP per bias add, under its scope', () => {
    const b = new GraphBuilder();
    const x = b.data('x', [2, 3, 4], 'f32'); // B=2, T=3, C=4 → M = 6
    const y = b.scope('dense', () => b.linear(x, b.param('dense.weight', [5, 4]), b.param('dense.bias', [5])));
    b.output('y', y);
    const flops = countGraphFlops(b.build());
    expect(flops.matmul).toBe(2 * 6 * 5 * 4);
    expect(flops.total).toBe(2 * 6 * 5 * 4 + 6 * 5);
    expect(flops.byScope.dense).toEqual({ total: 270, matmul: 240 });
    expect(flops.backward.total).toBe(0);
  });

  it('counts batched matmul with broadcast batch dims and transposes', () => {
    const b = new GraphBuilder();
    const q = b.data('q', [2, 4, 3, 8], 'f32');
    const k = b.data('k', [1, 4, 5, 8], 'f32');
    b.output('s', b.matmul(q, k, { transposeB: true }));
    expect(countGraphFlops(b.build()).matmul).toBe(2 * (2 * 4) * 3 * 5 * 8);
  });

  it('puts the backward of a fully trained linear layer at twice its forward matmul FLOPs', () => {
    const b = new GraphBuilder();
    const x = b.param('x', [6, 4]);
    const w = b.param('w', [5, 4]);
    b.output('loss', b.scope('dense', () => b.sum(b.linear(x, w))));
    const g = grad(b.build(), { loss: 'loss', wrt: ['x', 'w'] });
    const flops = countGraphFlops(g);
    expect(flops.forward.matmul).toBe(240);
    expect(flops.backward.matmul).toBe(480);
    expect(flops.byScope['dense.grad']!.matmul).toBe(480);
    const frozen = countGraphFlops(grad(b.build(), { loss: 'loss', wrt: ['x'] }));
    expect(frozen.backward.matmul).toBe(240); // no weight gradient
  });

  it('counts a composite the same fused or decomposed (softmax over [2,3]: max 6, sub 6, exp 6, sum 6, div 6)', () => {
    const b = new GraphBuilder();
    b.output('p', b.softmax(b.data('x', [2, 3], 'f32')));
    expect(countGraphFlops(b.build())).toMatchObject({ total: 30, matmul: 0 });
  });
});
