/**
 * The reference backend as a Backend: declared support, feed validation with clear errors, f32
 * results stored as f32, fused composites agreeing with their decompositions on random data in both
 * float dtypes, and a GPT-NeoX-style block written against the builder running end to end.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Tensor } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import { grad } from '../engine/grad.js';
import type { Graph } from '../engine/graph.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { seededRandom, uniformValues } from '../engine/seeded-random.js';
import { sizeOf } from '../engine/shape.js';
import { referenceBackend } from './backend.js';

const fused = referenceBackend();
const decomposed = referenceBackend({ composites: [] });

describe('referenceBackend', () => {
  it('declares what it supports, and nothing resident', () => {
    expect(fused.support.dtypes).toEqual(['f32', 'f64', 'i32', 'f16']);
    expect(fused.support.composites).toEqual([
      ...['softmax', 'logSoftmax', 'layerNorm', 'gelu', 'attention'],
      ...['geluGrad', 'softmaxGrad', 'logSoftmaxGrad', 'layerNormGrad', 'attentionGrad'],
      ...['adamMoment', 'adamwParam'],
    ]);
    expect(fused.support.resident).toBe(false);
    expect(fused.upload).toBeUndefined();
  });

  it('validates feeds, naming the input and what was expected', async () => {
    const b = new GraphBuilder();
    b.output('y', b.exp(b.data('x', [2, 2], 'f32')));
    const exe = await fused.compile(b.build());
    await expect(exe.run({})).rejects.toThrow(/feeds\.x: expected a host tensor f32\[2,2\] \(data\), got nothing/);
    await expect(exe.run({ x: hostTensor('f32', [4], [1, 2, 3, 4]) })).rejects.toThrow(/feeds\.x: expected f32\[2,2\], got "f32\[4\]"/);
    await expect(exe.run({ x: hostTensor('f32', [2, 2]), extra: hostTensor('f32', [1]) })).rejects.toThrow(/feeds\.extra/);
    const mislabelled = { dtype: 'f32', shape: [2, 2], data: new Float64Array(4) } as HostTensor;
    await expect(exe.run({ x: mislabelled })).rejects.toThrow(/feeds\.x data/);
  });

  it('stores f32 results rounded to f32', async () => {
    const b = new GraphBuilder();
    b.output('y', b.div(b.data('x', [1], 'f32'), 3));
    const { y } = await (await fused.compile(b.build())).run({ x: hostTensor('f32', [1], [1]) });
    expect(y!.data).toBeInstanceOf(Float32Array);
    expect(y!.data[0]).toBe(Math.fround(1 / 3));
  });

  it('rejects gather ids out of range instead of reading garbage', () => {
    const b = new GraphBuilder();
    b.output('y', b.gather(b.param('emb', [3, 2]), b.data('ids', [2])));
    const exe = fused.compileSync(b.build());
    expect(() => exe.runSync({ emb: hostTensor('f32', [3, 2]), ids: hostTensor('i32', [2], [0, 3]) })).toThrow(/gather ids\[1\].*\[0, 2\]/);
  });
});

/** A pre-LN GPT-NeoX-like block on random data: every composite, rotary-style slice/concat, padding. */
function block(dtype: FloatDType): { graph: Graph; feeds: Record<string, HostTensor> } {
  const [B, T, C, NH] = [2, 4, 8, 2];
  const HS = C / NH;
  const random = seededRandom(7);
  const b = new GraphBuilder({ dtype });
  const feeds: Record<string, HostTensor> = {};
  const param = (name: string, shape: number[], scale = 0.5) => {
    feeds[name] = hostTensor(dtype, shape, uniformValues(random, sizeOf(shape), -scale, scale));
    return b.param(name, shape);
  };
  const ids = b.data('input_ids', [B, T]); // [B, T]
  const mask = b.data('attention_mask', [B, T]); // [B, T], 1 = token, 0 = pad
  feeds.input_ids = hostTensor('i32', [B, T], [1, 5, 2, 7, 3, 3, 0, 0]);
  feeds.attention_mask = hostTensor('i32', [B, T], [1, 1, 1, 1, 1, 1, 0, 0]);
  const x = b.scope('embed_in', () => b.gather(param('embed_in.weight', [9, C]), ids)); // [B, T, C]
  const h = b.scope('layers.0', () => {
    const ln = b.scope('input_layernorm', () => b.layerNorm(x, param('ln.weight', [C]), param('ln.bias', [C])));
    const qkv = b.scope('attention.query_key_value', () => b.linear(ln, param('qkv.weight', [3 * C, C]), param('qkv.bias', [3 * C]))); // [B, T, 3C]
    const heads = b.transpose(b.reshape(qkv, [B, T, NH, 3 * HS]), [0, 2, 1, 3]); // [B, NH, T, 3HS]
    const [q, k, v] = [0, 1, 2].map((i) => b.sliceAxis(heads, -1, i * HS, (i + 1) * HS)) as [Tensor, Tensor, Tensor];
    const rotate = (t: Tensor) => b.concat([b.neg(b.sliceAxis(t, -1, HS / 2)), b.sliceAxis(t, -1, 0, HS / 2)], -1); // rotate-half
    const qr = b.add(q, b.mul(rotate(q), 0.3));
    const a = b.scope('attention', () => b.attention(qr, k, v, { causal: true, mask: b.reshape(mask, [B, 1, 1, T]) })); // [B, NH, T, HS]
    const merged = b.reshape(b.transpose(a, [0, 2, 1, 3]), [B, T, C]);
    const mlp = b.scope('mlp', () => b.gelu(b.linear(ln, param('fc.weight', [2 * C, C]), param('fc.bias', [2 * C]))));
    return b.add(b.add(x, merged), b.linear(mlp, param('proj.weight', [C, 2 * C])));
  });
  const m = b.cast(b.reshape(mask, [B, T, 1]), dtype);
  const pooled = b.div(b.sum(b.mul(h, m), 1), b.sum(m, 1)); // [B, C] mean over non-pad tokens
  const logits = b.matmul(pooled, pooled, { transposeB: true }); // [B, B]
  const diag = b.cast(b.equal(b.iota([B, B], 0), b.iota([B, B], 1)), dtype);
  b.output('loss', b.neg(b.mean(b.sum(b.mul(b.logSoftmax(logits, -1), diag), -1))));
  return { graph: b.build(), feeds };
}

describe('fused composites agree with their decompositions', () => {
  for (const [dtype, tolerance] of [['f64', 1e-12], ['f32', 1e-5]] as const) {
    it(`on a GPT-NeoX-style block and its gradient (${dtype})`, () => {
      const { graph, feeds } = block(dtype);
      const wrt = graph.inputs.filter((i) => i.role === 'param').map((i) => i.id);
      const g = grad(graph, { loss: 'loss', wrt });
      const a = fused.compileSync(g).runSync(feeds);
      const d = decomposed.compileSync(g).runSync(feeds);
      expect(Number.isFinite(a.loss!.data[0]!)).toBe(true);
      for (const name of Object.keys(a)) {
        const x = a[name]!.data;
        const y = d[name]!.data;
        let scale = 0;
        let diff = 0;
        for (let i = 0; i < x.length; i++) {
          scale = Math.max(scale, Math.abs(y[i]!));
          diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
        }
        expect(scale, name).toBeGreaterThan(0);
        expect(diff / scale, name).toBeLessThan(tolerance);
      }
    });
  }
});
