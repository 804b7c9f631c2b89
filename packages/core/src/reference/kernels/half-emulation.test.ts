/**
 * f16 on the reference backend: every op result rounded once to half (half-emulation.ts). Literal
 * cases — a tie rounds to even, overflow goes to Infinity, casts to and from f16, a matmul that
 * accumulates in doubles then rounds once — and fused vs decomposed attention and layerNorm in f16,
 * which differ only by the half roundings the decomposition adds (so within a few half ulps).
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Tensor } from '../../engine/builder.js';
import type { DType } from '../../engine/dtype.js';
import { roundToHalf } from '../../engine/half.js';
import { type HostTensor, hostTensor, hostValues } from '../../engine/host-tensor.js';
import { seededRandom, uniformValues } from '../../engine/seeded-random.js';
import { referenceBackend } from '../backend.js';

function run(inputs: Record<string, HostTensor>, build: (b: GraphBuilder, x: Record<string, Tensor>) => Tensor, composites?: []) {
  const b = new GraphBuilder({ dtype: 'f16' });
  const x = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, b.data(name, t.shape, t.dtype as DType)]));
  b.output('y', build(b, x));
  const backend = composites ? referenceBackend({ composites }) : referenceBackend();
  return backend.compileSync(b.build()).runSync(inputs).y!;
}

const h = (values: number[]) => hostTensor('f16', [values.length], values);

describe('f16 kernels round every result to half', () => {
  it('add: 1 + 2⁻¹¹ is a tie and rounds to even (1); 1 + 3·2⁻¹¹ rounds up to 1 + 2⁻⁹', () => {
    const y = run({ a: h([1, 1]), b: h([2 ** -11, 3 * 2 ** -11]) }, (b, x) => b.add(x.a!, x.b!));
    expect(y.dtype).toBe('f16');
    expect(y.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(hostValues(y))).toEqual([1, 1 + 2 ** -9]);
  });

  it('mul overflows to Infinity past 65504; exp underflows to subnormals then 0', () => {
    expect(Array.from(hostValues(run({ a: h([300, 255]) }, (b, x) => b.mul(x.a!, x.a!))))).toEqual([Infinity, 65024]);
    expect(Array.from(hostValues(run({ a: h([-16, -18]) }, (b, x) => b.exp(x.a!))))).toEqual([roundToHalf(Math.exp(-16)), 0]);
    expect(roundToHalf(Math.exp(-16))).toBeLessThan(2 ** -14); // a subnormal half
  });

  it('cast f32 → f16 rounds (0.1 → 0.0999755859375), f16 → f32 is exact, f16 → i32 truncates', () => {
    const f32 = hostTensor('f32', [2], [0.1, -2.75]);
    const y16 = run({ a: f32 }, (b, x) => b.cast(x.a!, 'f16'));
    expect(Array.from(hostValues(y16))).toEqual([0.0999755859375, -2.75]);
    expect(Array.from(run({ a: y16 }, (b, x) => b.cast(x.a!, 'f32')).data)).toEqual([0.0999755859375, -2.75]);
    expect(Array.from(run({ a: y16 }, (b, x) => b.cast(x.a!, 'i32')).data)).toEqual([0, -2]);
  });

  it('matmul accumulates in doubles and rounds once: 2048 + 1 + 1 = 2050 (f16 sums would stall at 2048)', () => {
    const a = hostTensor('f16', [1, 3], [2048, 1, 1]);
    const ones = hostTensor('f16', [3, 1], [1, 1, 1]);
    expect(Array.from(hostValues(run({ a, w: ones }, (b, x) => b.matmul(x.a!, x.w!))))).toEqual([2050]);
    expect(Array.from(hostValues(run({ a }, (b, x) => b.add(b.add(b.sliceAxis(x.a!, 1, 0, 1), b.sliceAxis(x.a!, 1, 1, 2)), b.sliceAxis(x.a!, 1, 2, 3)))))).toEqual([2048]);
  });

  it('fused and decomposed attention (causal, masked) and layerNorm agree to a few half ulps', () => {
    const random = seededRandom(3);
    const t = (shape: number[]) => hostTensor('f16', shape, uniformValues(random, shape.reduce((p, d) => p * d, 1), -1, 1));
    const inputs = { q: t([2, 4, 8]), k: t([2, 4, 8]), v: t([2, 4, 8]), m: hostTensor('i32', [2, 1, 4], [1, 1, 0, 1, 1, 0, 1, 1]) };
    const attn = (b: GraphBuilder, x: Record<string, Tensor>) => b.attention(x.q!, x.k!, x.v!, { causal: true, mask: x.m! });
    const ln = (b: GraphBuilder, x: Record<string, Tensor>) => b.layerNorm(x.q!, b.sliceAxis(b.reshape(x.k!, [-1]), 0, 0, 8), b.sliceAxis(b.reshape(x.v!, [-1]), 0, 0, 8));
    for (const build of [attn, ln]) {
      const fused = hostValues(run(inputs, build));
      const decomposed = hostValues(run(inputs, build, []));
      let worst = 0;
      let differs = false;
      fused.forEach((f, i) => {
        worst = Math.max(worst, Math.abs(f - decomposed[i]!) / Math.max(Math.abs(f), 2 ** -4));
        differs ||= f !== decomposed[i];
      });
      expect(worst).toBeLessThan(16 * 2 ** -11); // 16 half ulps (u = 2⁻¹¹): a chain of ~10 roundings
      expect(differs, 'the decomposition rounds each step to half, so some element differs').toBe(true);
    }
  });
});
