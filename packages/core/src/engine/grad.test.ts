/**
 * The autodiff transform's structure: pruning (no gradient nodes off every loss→wrt path, which is
 * what freezing relies on), saving only what tracked inputs need, accumulation over repeated use,
 * zero gradients for unused wrt, composites expanded only where needed, and its errors.
 */
import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../reference/backend.js';
import { GraphBuilder } from './builder.js';
import { GraphError } from './errors.js';
import { grad, gradOutputName } from './grad.js';
import { type Graph, isGradScope } from './graph.js';
import { hostTensor } from './host-tensor.js';

/** x → layers.0 (w0) → gelu → layers.1 (w1) → sum; plus an auxiliary output that is not the loss. */
function twoLayers(): Graph {
  const b = new GraphBuilder({ dtype: 'f64' });
  const x = b.data('x', [2, 3, 4], 'f64');
  const w0 = b.param('w0', [5, 4]);
  const w1 = b.param('w1', [2, 5]);
  const h = b.scope('layers', () => b.scope('0', () => b.gelu(b.linear(x, w0))));
  const y = b.scope('layers', () => b.scope('1', () => b.linear(h, w1)));
  b.output('loss', b.scope('loss', () => b.mean(b.mul(y, y))));
  b.output('aux', b.scope('aux', () => b.exp(w0)));
  return b.build();
}

const nodesIn = (g: Graph, scope: string) => g.nodes.filter((n) => n.scope === scope);
const matmulsIn = (g: Graph, scope: string) => nodesIn(g, scope).filter((n) => n.kind === 'matmul');

describe('grad prunes nodes off every loss→wrt path', () => {
  it('a frozen first layer gets no gradient nodes; the trainable one gets only its weight gradient', () => {
    const g = grad(twoLayers(), { loss: 'loss', wrt: ['w1'] });
    expect(nodesIn(g, 'layers.0.grad')).toHaveLength(0);
    expect(matmulsIn(g, 'layers.1.grad')).toHaveLength(1); // dW1 only: h is not on a path, so no dX
    expect(nodesIn(g, 'aux.grad')).toHaveLength(0);
    expect(g.outputs.map((o) => o.name)).toEqual(['loss', 'aux', gradOutputName('w1')]);
  });

  it('training only the first layer back-propagates through layer 1 without its weight gradient', () => {
    const g = grad(twoLayers(), { loss: 'loss', wrt: ['w0'] });
    expect(matmulsIn(g, 'layers.1.grad')).toHaveLength(1); // dX only
    expect(matmulsIn(g, 'layers.0.grad')).toHaveLength(1); // dW0 only: x is data
    const full = grad(twoLayers(), { loss: 'loss', wrt: ['w0', 'w1'] });
    expect(matmulsIn(full, 'layers.1.grad')).toHaveLength(2);
  });

  it('keeps forward composites and emits their backward composites, packing only the wanted gradients', () => {
    const b = new GraphBuilder({ dtype: 'f64' });
    const x = b.param('x', [2, 4]);
    const frozen = b.scope('frozen', () => b.layerNorm(b.data('d', [2, 4], 'f64'), b.param('g0', [4]), b.param('b0', [4])));
    const y = b.scope('ln', () => b.layerNorm(b.add(x, frozen), b.param('g', [4]), b.param('bb', [4])));
    b.output('loss', b.sum(b.gelu(y)));
    const g = grad(b.build(), { loss: 'loss', wrt: ['x'] });
    expect(g.nodes.filter((n) => n.kind === 'layerNorm').map((n) => n.scope)).toEqual(['frozen', 'ln']);
    expect(g.nodes.some((n) => n.kind === 'gelu')).toBe(true);
    const backward = g.nodes.filter((n) => n.kind === 'layerNormGrad' || n.kind === 'geluGrad');
    expect(backward.map((n) => [n.kind, n.scope])).toEqual([['geluGrad', 'grad'], ['layerNormGrad', 'ln.grad']]);
    const lnGrad = backward[1]!;
    expect(lnGrad.kind === 'layerNormGrad' && lnGrad.attrs.grads).toEqual([true, false, false]); // only dx: g, bb not wanted
    expect(lnGrad.type.shape).toEqual([8]);
  });
});

describe('grad values', () => {
  const run = (g: Graph, feeds: Record<string, ReturnType<typeof hostTensor>>) => referenceBackend().compileSync(g).runSync(feeds);

  it('accumulates the gradient of a value used twice: d/dx Σ x·x + x = 2x + 1', () => {
    const b = new GraphBuilder({ dtype: 'f64' });
    const x = b.param('x', [3]);
    b.output('loss', b.sum(b.add(b.mul(x, x), x)));
    const out = run(grad(b.build(), { loss: 'loss', wrt: ['x'] }), { x: hostTensor('f64', [3], [1, -2, 0.5]) });
    expect(Array.from(out['grad:x']!.data)).toEqual([3, -3, 2]);
  });

  it('gives an explicit zero gradient to a wrt the loss does not depend on', () => {
    const b = new GraphBuilder({ dtype: 'f64' });
    const x = b.param('x', [2]);
    b.param('unused', [2, 2]);
    b.output('loss', b.sum(x));
    const out = run(grad(b.build(), { loss: 'loss', wrt: ['x', 'unused'] }), {
      x: hostTensor('f64', [2], [1, 2]),
      unused: hostTensor('f64', [2, 2], [1, 2, 3, 4]),
    });
    expect(Array.from(out['grad:unused']!.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(out['grad:x']!.data)).toEqual([1, 1]);
  });

  it('works in f32: a cast f32 → f64 → f32 chain returns an f32 gradient', () => {
    const b = new GraphBuilder();
    const x = b.param('x', [2]);
    b.output('loss', b.cast(b.sum(b.mul(b.cast(x, 'f64'), 3)), 'f32'));
    const out = run(grad(b.build(), { loss: 'loss', wrt: ['x'] }), { x: hostTensor('f32', [2], [1, 2]) });
    expect(out['grad:x']!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out['grad:x']!.data)).toEqual([3, 3]);
  });
});

describe('grad errors', () => {
  const b = new GraphBuilder();
  const x = b.param('x', [2]);
  b.data('ids', [2], 'i32');
  b.output('vector', b.mul(x, 2));
  b.output('loss', b.sum(x));
  const g = b.build();

  it('rejects a loss that is not a single float element, naming it', () => {
    expect(() => grad(g, { loss: 'vector', wrt: ['x'] })).toThrow(GraphError);
    expect(() => grad(g, { loss: 'vector', wrt: ['x'] })).toThrow(/grad loss type.*one element.*f32\[2\]/);
  });
  it('rejects unknown names and integer wrt', () => {
    expect(() => grad(g, { loss: 'nope', wrt: ['x'] })).toThrow(/grad loss/);
    expect(() => grad(g, { loss: 'loss', wrt: ['w'] })).toThrow(/grad wrt.*"w"/);
    expect(() => grad(g, { loss: 'loss', wrt: ['ids'] })).toThrow(/grad wrt ids dtype/);
  });
  it('marks every new node with a .grad scope', () => {
    const out = grad(g, { loss: 'loss', wrt: ['x'] });
    const added = out.nodes.slice(g.nodes.length);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((n) => isGradScope(n.scope))).toBe(true);
  });
});

describe('grad lossScale', () => {
  it('keeps an f16 gradient of 2⁻²⁶ from flushing to zero, and returns it unscaled in f32', () => {
    const b = new GraphBuilder();
    const x = b.param('x', [2]); // f32 master weight
    const x16 = b.cast(x, 'f16');
    const loss = b.cast(b.sum(b.mul(b.mul(x16, 2 ** -13), 2 ** -13)), 'f32'); // d loss / dx = 2⁻²⁶ < 2⁻²⁵, half the smallest half
    b.output('loss', loss);
    const feeds = { x: hostTensor('f32', [2], [1, 2]) };
    const run = (g: Graph) => referenceBackend().compileSync(g).runSync(feeds)[gradOutputName('x')]!;
    const plain = run(grad(b.build(), { loss: 'loss', wrt: ['x'] }));
    const scaled = run(grad(b.build(), { loss: 'loss', wrt: ['x'], lossScale: 1024 }));
    expect(plain.dtype).toBe('f32');
    expect(Array.from(plain.data)).toEqual([0, 0]);
    expect(Array.from(scaled.data)).toEqual([2 ** -26, 2 ** -26]);
    expect(() => grad(b.build(), { loss: 'loss', wrt: ['x'], lossScale: 0 })).toThrow(/lossScale/);
  });
});
