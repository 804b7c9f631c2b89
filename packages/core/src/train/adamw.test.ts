/**
 * AdamW as a graph, on the reference backend, against a plain float64 AdamW written from the
 * torch.optim.AdamW algorithm (below, loop by loop), on random tensors over several steps with a
 * schedule; plus the graph contract (inputs, outputs, appending to a gradient graph). The check
 * against torch's own numbers needs the model's gradients at every step: golden-steps.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../engine/builder.js';
import { gradOutputName, grad } from '../engine/grad.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { seededRandom, uniformValues } from '../engine/seeded-random.js';
import { sizeOf } from '../engine/shape.js';
import { referenceBackend } from '../reference/index.js';
import { ADAMW_INPUTS, adamwScalarFeeds, appendAdamW, buildAdamWGraph, momentName, zeroMoments } from './adamw.js';
import { learningRate } from './learning-rate.js';

/** torch 1.13 _single_tensor_adamw for one tensor, in float64. */
function plainAdamW(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, step: number, lr: number, wd = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
  const t = step + 1;
  const bc1 = 1 - b1 ** t;
  const bc2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    p[i]! *= 1 - lr * wd;
    m[i] = m[i]! * b1 + (1 - b1) * g[i]!;
    v[i] = v[i]! * b2 + (1 - b2) * g[i]! * g[i]!;
    const denom = Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps;
    p[i]! -= (lr / bc1) * (m[i]! / denom);
  }
}

function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300));
  return worst;
}

const PARAMS = [
  { name: 'w', shape: [3, 5] },
  { name: 'b', shape: [5] },
  { name: 'layers.0.scalar', shape: [] },
];

describe('AdamW graph', () => {
  it('matches a plain float64 AdamW on random tensors over 6 steps of a warm-up + cosine schedule (f64)', () => {
    const random = seededRandom(7);
    const exe = referenceBackend().compileSync(buildAdamWGraph(PARAMS, { dtype: 'f64' }));
    const params = new Map<string, HostTensor>(PARAMS.map((p) => [p.name, hostTensor('f64', p.shape, uniformValues(random, sizeOf(p.shape)))]));
    let moments = zeroMoments(params, params.keys());
    const plain = new Map(PARAMS.map((p) => [p.name, { p: Float64Array.from(params.get(p.name)!.data), m: new Float64Array(sizeOf(p.shape)), v: new Float64Array(sizeOf(p.shape)) }]));
    let worst = 0;
    for (let step = 0; step < 6; step++) {
      const lr = learningRate(step, 6, { peak: 0.05 });
      // Gradients of mixed scale (1e-6 … 1) so ε and the bias corrections matter.
      const grads = new Map(PARAMS.map((p) => [p.name, uniformValues(random, sizeOf(p.shape)).map((x, i) => x * 10 ** -(i % 7))]));
      const feeds: Record<string, HostTensor> = { ...adamwScalarFeeds(step, lr, 'f64') };
      for (const p of PARAMS) {
        feeds[p.name] = params.get(p.name)!;
        feeds[gradOutputName(p.name)] = hostTensor('f64', p.shape, grads.get(p.name)!);
      }
      for (const [n, t] of moments) feeds[n] = t;
      const out = exe.runSync(feeds);
      moments = new Map();
      for (const p of PARAMS) {
        params.set(p.name, out[p.name]!);
        moments.set(momentName('m', p.name), out[momentName('m', p.name)]!);
        moments.set(momentName('v', p.name), out[momentName('v', p.name)]!);
        const s = plain.get(p.name)!;
        plainAdamW(s.p, Float64Array.from(grads.get(p.name)!), s.m, s.v, step, lr);
        worst = Math.max(worst, maxRelativeError(out[p.name]!.data, s.p), maxRelativeError(out[momentName('m', p.name)]!.data, s.m), maxRelativeError(out[momentName('v', p.name)]!.data, s.v));
      }
    }
    console.log(`AdamW graph vs plain float64 AdamW, 6 steps: max relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-14);
    // and the parameters really moved (a vacuous comparison of unchanged tensors would also agree)
    expect(maxRelativeError(params.get('w')!.data, plain.get('w')!.p)).toBeLessThan(1e-14);
  });

  it('runs in f32 within f32 round-off of the f64 result', () => {
    const random = seededRandom(3);
    const p = uniformValues(random, 15);
    const g = uniformValues(random, 15);
    const run = (dtype: 'f32' | 'f64') =>
      referenceBackend()
        .compileSync(buildAdamWGraph([{ name: 'w', shape: [15] }], { dtype }))
        .runSync({
          w: hostTensor(dtype, [15], p),
          [gradOutputName('w')]: hostTensor(dtype, [15], g),
          [momentName('m', 'w')]: hostTensor(dtype, [15]),
          [momentName('v', 'w')]: hostTensor(dtype, [15]),
          ...adamwScalarFeeds(0, 1e-2, dtype),
        }).w!.data;
    expect(maxRelativeError(run('f32'), run('f64'))).toBeLessThan(1e-6);
  });

  it('declares params, moments as state and the three scalars as data, and outputs what it replaces', () => {
    const graph = buildAdamWGraph(PARAMS);
    const roles = Object.fromEntries(graph.inputs.map((i) => [i.id, i.role]));
    expect(roles).toMatchObject({ w: 'param', [gradOutputName('w')]: 'data', [momentName('m', 'w')]: 'state', [momentName('v', 'b')]: 'state', [ADAMW_INPUTS.learningRate]: 'data' });
    expect(graph.outputs.map((o) => o.name).sort()).toEqual(PARAMS.flatMap((p) => [p.name, momentName('m', p.name), momentName('v', p.name)]).sort());
    expect(graph.nodes.every((n) => n.scope.startsWith('optimizer'))).toBe(true);
    expect(() => buildAdamWGraph(PARAMS, { beta1: 1 })).toThrow(/optimizer\.beta1/);
    expect(() => buildAdamWGraph(PARAMS, { weightDecay: -0.1 })).toThrow(/optimizer\.weightDecay/);
  });

  it('appended to a gradient graph, replaces the grad outputs and gives the same update as the standalone graph', () => {
    // loss = Σ (x·w)², a tiny model with a gradient graph.
    const b = new GraphBuilder({ dtype: 'f64' });
    const x = b.data('x', [4, 3], 'f64');
    const w = b.param('w', [3, 2]);
    b.output('loss', b.sum(b.square(b.matmul(x, w))));
    const withGrad = grad(b.build(), { loss: 'loss', wrt: ['w'] });
    const fused = appendAdamW(withGrad, ['w']);
    expect(fused.outputs.map((o) => o.name).sort()).toEqual(['adamw.m.w', 'adamw.v.w', 'loss', 'w']);

    const random = seededRandom(11);
    const feedsX = hostTensor('f64', [4, 3], uniformValues(random, 12));
    const feedsW = hostTensor('f64', [3, 2], uniformValues(random, 6));
    const zeros = { [momentName('m', 'w')]: hostTensor('f64', [3, 2]), [momentName('v', 'w')]: hostTensor('f64', [3, 2]) };
    const scalars = adamwScalarFeeds(0, 0.01, 'f64');
    const backend = referenceBackend();
    const fusedOut = backend.compileSync(fused).runSync({ x: feedsX, w: feedsW, ...zeros, ...scalars });
    const g = backend.compileSync(withGrad).runSync({ x: feedsX, w: feedsW })[gradOutputName('w')]!;
    const apart = backend.compileSync(buildAdamWGraph([{ name: 'w', shape: [3, 2] }], { dtype: 'f64' })).runSync({ w: feedsW, [gradOutputName('w')]: g, ...zeros, ...scalars });
    expect(Array.from(fusedOut.w!.data)).toEqual(Array.from(apart.w!.data));
    expect(Array.from(fusedOut.w!.data)).not.toEqual(Array.from(feedsW.data));
    expect(() => appendAdamW(withGrad, ['x'])).toThrow(/grad:x/);
  });
});
