/**
 * Every composite, forward and backward, fused (the reference backend's own kernels) against
 * decomposed (`referenceBackend({ composites: [] })`) in f64 on random inputs: shapes with padding
 * masks, causal attention with fewer queries than keys, k/v broadcast over heads, reductions over
 * inner axes. The backward is checked twice: through `grad` on each forward composite (which emits
 * the backward composites, run fused on one side) and by calling each backward composite directly
 * with partial gradient flags. (Their own second-order gradients go through their decompositions;
 * engine/rules/rules.test.ts checks those against finite differences.)
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Tensor } from '../../engine/builder.js';
import { grad, gradOutputName } from '../../engine/grad.js';
import type { Graph } from '../../engine/graph.js';
import { type HostTensor, hostTensor } from '../../engine/host-tensor.js';
import { type CompositeKind, COMPOSITE_KINDS } from '../../engine/ops.js';
import { seededRandom, uniformValues } from '../../engine/seeded-random.js';
import { type Shape, sizeOf } from '../../engine/shape.js';
import { GRAD_RULES } from '../../engine/rules/index.js';
import { referenceBackend } from '../backend.js';

interface Case {
  readonly name: string;
  readonly floats: Readonly<Record<string, Shape>>;
  readonly masks?: Readonly<Record<string, Shape>>;
  readonly build: (b: GraphBuilder, x: Readonly<Record<string, Tensor>>) => Tensor;
}

const CASES: { readonly [K in CompositeKind]: readonly Case[] } = {
  softmax: [{ name: 'axis 1 of [2,5,3]', floats: { x: [2, 5, 3] }, build: (b, x) => b.softmax(b.mul(x.x!, 4), 1) }],
  logSoftmax: [{ name: 'axis -1, large logits', floats: { x: [3, 6] }, build: (b, x) => b.logSoftmax(b.mul(x.x!, 40), -1) }],
  layerNorm: [
    { name: '[2,3,8]', floats: { x: [2, 3, 8], w: [8], bias: [8] }, build: (b, x) => b.layerNorm(x.x!, x.w!, x.bias!, 1e-5) },
    { name: 'rank 1', floats: { x: [6], w: [6], bias: [6] }, build: (b, x) => b.layerNorm(x.x!, x.w!, x.bias!, 1e-3) },
  ],
  gelu: [{ name: '[4,5] wide', floats: { x: [4, 5] }, build: (b, x) => b.gelu(b.mul(x.x!, 4)) }],
  attention: [
    {
      name: 'causal + padding mask [B,1,1,S]',
      floats: { q: [2, 3, 4, 5], k: [2, 3, 4, 5], v: [2, 3, 4, 6] },
      masks: { m: [2, 1, 1, 4] },
      build: (b, x) => b.attention(x.q!, x.k!, x.v!, { causal: true, mask: x.m! }),
    },
    {
      name: 'causal, T < S, k/v broadcast over heads',
      floats: { q: [2, 3, 2, 4], k: [2, 1, 5, 4], v: [2, 1, 5, 3] },
      build: (b, x) => b.attention(x.q!, x.k!, x.v!, { causal: true, scale: 0.8 }),
    },
  ],
  geluGrad: [{ name: '[3,4]', floats: { x: [3, 4], dy: [3, 4] }, build: (b, x) => b.node('geluGrad', [b.mul(x.x!, 3), x.dy!], {}) }],
  softmaxGrad: [
    { name: 'axis 0', floats: { x: [4, 3], dy: [4, 3] }, build: (b, x) => b.node('softmaxGrad', [b.softmax(x.x!, 0), x.dy!], { axis: 0 }) },
  ],
  logSoftmaxGrad: [
    { name: 'axis 1', floats: { x: [2, 5], dy: [2, 5] }, build: (b, x) => b.node('logSoftmaxGrad', [b.logSoftmax(x.x!, 1), x.dy!], { axis: 1 }) },
  ],
  layerNormGrad: [
    {
      name: 'dx and dbias',
      floats: { x: [3, 2, 6], w: [6], dy: [3, 2, 6] },
      build: (b, x) => b.node('layerNormGrad', [x.x!, x.w!, x.dy!], { eps: 1e-5, grads: [true, false, true] }),
    },
    {
      name: 'dweight only',
      floats: { x: [4, 5], w: [5], dy: [4, 5] },
      build: (b, x) => b.node('layerNormGrad', [x.x!, x.w!, x.dy!], { eps: 1e-5, grads: [false, true, false] }),
    },
  ],
  attentionGrad: [
    {
      name: 'causal + mask, dq dk dv',
      floats: { q: [2, 2, 3, 4], k: [2, 2, 3, 4], v: [2, 2, 3, 2], dy: [2, 2, 3, 2] },
      masks: { m: [2, 1, 1, 3] },
      build: (b, x) => b.node('attentionGrad', [x.q!, x.k!, x.v!, x.dy!, x.m!], { causal: true, scale: 0.5, grads: [true, true, true] }),
    },
    {
      name: 'dk and dv, broadcast k/v, T < S',
      floats: { q: [3, 2, 4], k: [1, 5, 4], v: [1, 5, 3], dy: [3, 2, 3] },
      build: (b, x) => b.node('attentionGrad', [x.q!, x.k!, x.v!, x.dy!], { causal: true, scale: 0.5, grads: [false, true, true] }),
    },
  ],
  adamMoment: [
    { name: 'm, [3,4]', floats: { m: [3, 4], g: [3, 4] }, build: (b, x) => b.node('adamMoment', [x.m!, x.g!], { beta: 0.9, squared: false }) },
    { name: 'v (squared), [5]', floats: { v: [5], g: [5] }, build: (b, x) => b.node('adamMoment', [b.mul(x.v!, x.v!), x.g!], { beta: 0.999, squared: true }) },
  ],
  adamwParam: [
    {
      name: '[2,3]',
      floats: { p: [2, 3], m: [2, 3], v: [2, 3], d: [], s: [], c: [] },
      build: (b, x) => b.node('adamwParam', [x.p!, x.m!, b.mul(x.v!, x.v!), x.d!, x.s!, b.add(b.mul(x.c!, x.c!), 0.5)], { eps: 1e-8 }),
    },
  ],
};

// Composites whose gradient rule is their decomposition: checked forward only (grad would expand them).
const isBackward = (kind: CompositeKind) => GRAD_RULES[kind] === 'decompose';
const fused = referenceBackend();
const decomposed = referenceBackend({ composites: [] });

function setup(kind: CompositeKind, c: Case, seed: number): { graph: Graph; feeds: Record<string, HostTensor>; floats: string[] } {
  const random = seededRandom(seed);
  const b = new GraphBuilder({ dtype: 'f64' });
  const x: Record<string, Tensor> = {};
  const feeds: Record<string, HostTensor> = {};
  for (const [name, shape] of Object.entries(c.floats)) {
    x[name] = b.param(name, shape, 'f64');
    feeds[name] = hostTensor('f64', shape, uniformValues(random, sizeOf(shape), -1, 1));
  }
  for (const [name, shape] of Object.entries(c.masks ?? {})) {
    x[name] = b.data(name, shape, 'i32');
    // The first key of every row stays visible; the rest random.
    feeds[name] = hostTensor('i32', shape, Array.from({ length: sizeOf(shape) }, (_, i) => (i % shape[shape.length - 1]! === 0 || random() < 0.6 ? 1 : 0)));
  }
  const y = c.build(b, x);
  b.output('y', y);
  const weights = b.constant(uniformValues(random, sizeOf(y.shape), 0.5, 1.5), y.shape, 'f64');
  b.output('loss', b.sum(b.mul(y, weights)));
  if (isBackward(kind)) return { graph: b.build(), feeds, floats: [] };
  const floats = Object.keys(c.floats);
  return { graph: grad(b.build(), { loss: 'loss', wrt: floats }), feeds, floats };
}

function expectClose(got: HostTensor, want: HostTensor, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  const scale = Math.max(1e-300, ...Array.from(want.data, Math.abs));
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - want.data[i]!));
  expect(worst / scale, `${label}: max |fused − decomposed| / max |decomposed|`).toBeLessThan(1e-12);
}

describe('fused and decomposed composites agree in f64 (relative 1e-12), forward and backward', () => {
  it('every composite has a case', () => expect(Object.keys(CASES).sort()).toEqual([...COMPOSITE_KINDS].sort()));
  for (const [kind, cases] of Object.entries(CASES) as [CompositeKind, readonly Case[]][]) {
    cases.forEach((c, i) => {
      it(`${kind}: ${c.name}`, () => {
        const { graph, feeds, floats } = setup(kind, c, 500 + i);
        expect(graph.nodes.some((n) => n.kind === kind)).toBe(true);
        const a = fused.compileSync(graph);
        const d = decomposed.compileSync(graph);
        expect(a.graph.nodes.some((n) => n.kind === kind)).toBe(true);
        if (!isBackward(kind)) expect(a.graph.nodes.some((n) => n.kind === `${kind}Grad`), 'the backward composite runs fused').toBe(true);
        expect(d.graph.nodes.some((n) => COMPOSITE_KINDS.includes(n.kind as CompositeKind))).toBe(false);
        const ra = a.runSync(feeds);
        const rd = d.runSync(feeds);
        expectClose(ra.y!, rd.y!, 'forward');
        for (const name of floats) expectClose(ra[gradOutputName(name)]!, rd[gradOutputName(name)]!, `gradient of ${name}`);
      });
    });
  }
});
