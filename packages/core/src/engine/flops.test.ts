/**
 * countGraphFlops on graphs whose counts are known by hand: a matmul is 2·M·N·K, elementwise ops one
 * per output element, composites counted through their decomposition, backward split out; the op
 * groups the counter dispatches on; countNodeFlops on single composites.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder.js';
import { countGraphFlops, countNodeFlops } from './flops.js';
import type { GraphNode } from './graph.js';
import { OPS, OP_GROUPS, OP_KINDS, opsInGroup } from './ops.js';
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

describe('op groups', () => {
  it('every op has exactly one group, composite exactly for the composites', () => {
    expect(OP_GROUPS.flatMap((g) => opsInGroup(g)).sort()).toEqual([...OP_KINDS].sort());
    for (const kind of OP_KINDS) expect(OPS[kind].group === 'composite', kind).toBe(OPS[kind].category === 'composite');
    expect(opsInGroup('contraction')).toEqual(['matmul']);
    expect(opsInGroup('indexing')).toEqual(['gather', 'scatterAdd']);
    expect(opsInGroup('movement')).toEqual(['reshape', 'transpose', 'broadcast', 'slice', 'pad', 'concat']);
    expect(opsInGroup('elementwise')).toContain('cast');
    expect(opsInGroup('elementwise')).toContain('where');
  });

  it('the counter follows the groups: movement, sources, gather and cast are free; reductions count inputs', () => {
    const b = new GraphBuilder();
    const x = b.data('x', [2, 3], 'f32');
    const ids = b.data('ids', [4], 'i32');
    const moved = b.transpose(b.pad(b.concat([x, x], 0), [1, 0], [0, 1]), [1, 0]); // movement: 0
    const cast = b.cast(moved, 'f64'); // elementwise but not arithmetic: 0
    const red = b.sum(cast, [0]); // reduction: 20 input elements
    const gathered = b.gather(x, ids); // indexing, a copy: 0
    const scattered = b.scatterAdd(ids, gathered, 2); // indexing that adds: 12 updates
    const sel = b.where(b.less(x, 0), x, 1); // compare 6 + where 6 (+ a free fill)
    b.output('a', red);
    b.output('b', scattered);
    b.output('c', sel);
    expect(countGraphFlops(b.build()).total).toBe(20 + 12 + 6 + 6);
  });
});

describe('countNodeFlops', () => {
  const node = (kind: GraphNode['kind'], attrs: object): GraphNode => ({ id: '%0', kind, inputs: [], attrs, type: { dtype: 'f32', shape: [] }, scope: '' }) as never;

  it('counts a composite as its decomposition (softmax over [2,3] = 30, as in the graph count)', () => {
    expect(countNodeFlops(node('softmax', { axis: 1 }), [{ dtype: 'f32', shape: [2, 3] }])).toEqual({ total: 30, matmul: 0 });
  });

  it('charges attentionGrad for recomputing the probabilities: its matmuls are 4 products, not 3', () => {
    const [t, s, d] = [3, 5, 4];
    const types = [
      { dtype: 'f32' as const, shape: [t, d] },
      { dtype: 'f32' as const, shape: [s, d] },
      { dtype: 'f32' as const, shape: [s, d] },
      { dtype: 'f32' as const, shape: [t, d] },
    ];
    const all = countNodeFlops(node('attentionGrad', { causal: false, scale: 1, grads: [true, true, true] }), types);
    expect(all.matmul).toBe(5 * 2 * t * s * d); // q·kᵀ again, pᵀ·dy, dy·vᵀ, ds·k, dsᵀ·q
    const dvOnly = countNodeFlops(node('attentionGrad', { causal: false, scale: 1, grads: [false, false, true] }), types);
    expect(dvOnly.matmul).toBe(2 * 2 * t * s * d); // q·kᵀ again and pᵀ·dy
  });
});
