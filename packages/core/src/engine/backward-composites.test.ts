/**
 * Shape rules and packing of the backward composites: the packed 1-D length is the sum of the wanted
 * inputs' sizes (q, k, v may differ in shape), bad dy shapes and empty flag sets are refused with the
 * argument named, and the rules ask only for what is wanted (a frozen v packs dq and dk only).
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder.js';
import { grad } from './grad.js';

describe('backward composite shape rules', () => {
  it('attentionGrad packs the wanted of dq, dk, dv flat, whatever their shapes', () => {
    const b = new GraphBuilder();
    const q = b.data('q', [2, 3, 2, 4], 'f32');
    const k = b.data('k', [2, 1, 5, 4], 'f32');
    const v = b.data('v', [2, 1, 5, 6], 'f32');
    const dy = b.data('dy', [2, 3, 2, 6], 'f32');
    expect(b.node('attentionGrad', [q, k, v, dy], { causal: true, scale: 0.5, grads: [true, true, true] }).shape).toEqual([48 + 40 + 60]);
    expect(b.node('attentionGrad', [q, k, v, dy], { causal: true, scale: 0.5, grads: [false, true, false] }).shape).toEqual([40]);
    expect(() => b.node('attentionGrad', [q, k, v, q], { causal: true, scale: 0.5, grads: [true, true, true] })).toThrow(/attentionGrad dy.*f32\[2,3,2,6\]/);
    expect(() => b.node('attentionGrad', [q, k, v, dy], { causal: true, scale: 0.5, grads: [false, false, false] })).toThrow(/grads.*at least one true/);
  });

  it('layerNormGrad packs dx, dweight, dbias; checks dy and the weight shape', () => {
    const b = new GraphBuilder();
    const x = b.data('x', [3, 4], 'f32');
    const w = b.data('w', [4], 'f32');
    expect(b.node('layerNormGrad', [x, w, x], { eps: 1e-5, grads: [true, true, true] }).shape).toEqual([20]);
    expect(b.node('layerNormGrad', [x, w, x], { eps: 1e-5, grads: [false, false, true] }).shape).toEqual([4]);
    expect(() => b.node('layerNormGrad', [x, w, w], { eps: 1e-5, grads: [true, false, false] })).toThrow(/layerNormGrad dy/);
    expect(() => b.node('layerNormGrad', [x, x, x], { eps: 1e-5, grads: [true, false, false] })).toThrow(/weight shape/);
  });

  it('softmaxGrad, logSoftmaxGrad and geluGrad need dy of the output type', () => {
    const b = new GraphBuilder();
    const y = b.data('y', [2, 3], 'f32');
    const bad = b.data('bad', [3, 2], 'f32');
    expect(b.node('softmaxGrad', [y, y], { axis: 1 }).shape).toEqual([2, 3]);
    expect(() => b.node('softmaxGrad', [y, bad], { axis: 1 })).toThrow(/softmaxGrad dy/);
    expect(() => b.node('logSoftmaxGrad', [y, y], { axis: 2 })).toThrow(/axis/);
    expect(() => b.node('geluGrad', [y, b.cast(y, 'f64')], {})).toThrow(/geluGrad dy/);
  });

  it('the attention rule asks only for wanted gradients: a frozen v packs dq and dk', () => {
    const b = new GraphBuilder();
    const q = b.param('q', [1, 3, 4]);
    const v = b.data('v', [1, 3, 4], 'f32');
    b.output('loss', b.sum(b.attention(q, q, v, { causal: true })));
    const node = grad(b.build(), { loss: 'loss', wrt: ['q'] }).nodes.find((n) => n.kind === 'attentionGrad');
    expect(node?.kind === 'attentionGrad' && node.attrs.grads).toEqual([true, true, false]);
    expect(node?.type.shape).toEqual([24]);
  });
});
