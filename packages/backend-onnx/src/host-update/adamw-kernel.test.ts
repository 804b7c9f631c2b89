/**
 * The host AdamW kernel: the WebAssembly SIMD path computes exactly the f32-rounded chain
 * (adamwF32Rounded) and agrees with the JS loop within f32 tolerance, across lengths that are not
 * multiples of 4 or of the chunk; it works in place and leaves g alone; f64 arrays take the JS
 * loop unchanged; the generated wasm module is current with its .wat.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adamwF32Rounded, adamwF32Simd, adamwInPlace, adamwJs, type AdamWScalars, CHUNK, simdAvailable } from './adamw-kernel.js';

const S: AdamWScalars = { decay: 1 - 1e-3 * 0.01, stepSize: 1e-3 / 0.19, bc2Sqrt: Math.sqrt(1 - 0.999 ** 3), beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** Deterministic pseudo-random numbers (xorshift), so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

type Quad<T> = [T, T, T, T];
function randomState(n: number, seed: number): Quad<Float32Array> {
  const r = rng(seed);
  const fill = (f: () => number) => Float32Array.from({ length: n }, f);
  // Parameters around 1, moments and gradients over several decades, v > 0 as AdamW keeps it.
  return [fill(() => 2 * r() - 1), fill(() => (r() - 0.5) * 10 ** (-6 * r())), fill(() => 10 ** (-12 * r())), fill(() => (r() - 0.5) * 10 ** (-6 * r()))];
}
const copy = (q: Quad<Float32Array>): Quad<Float32Array> => q.map((a) => a.slice()) as Quad<Float32Array>;

/**
 * |got − want| within 1e-6 of the size of the terms each output sums (a relative bound that
 * cancellation cannot defeat), computed in doubles from the inputs.
 */
function expectClose(got: Quad<Float32Array>, want: Quad<Float32Array>, input: Quad<Float32Array>, label: string): void {
  const [p, m, v, g] = input;
  for (let i = 0; i < p.length; i++) {
    const mScale = Math.abs(S.beta1 * m[i]!) + Math.abs((1 - S.beta1) * g[i]!);
    const vScale = S.beta2 * v[i]! + (1 - S.beta2) * g[i]! * g[i]!;
    const denom = Math.sqrt(want[2][i]!) / S.bc2Sqrt + S.eps;
    const pScale = Math.abs(p[i]! * S.decay) + (mScale / denom) * S.stepSize;
    const scales = [pScale, mScale, vScale];
    for (let k = 0; k < 3; k++) {
      const [a, b] = [got[k]![i]!, want[k]![i]!];
      if (!(Math.abs(a - b) <= 1e-6 * scales[k]!)) expect.fail(`${label}: ${'pmv'[k]}[${i}] is ${a}; expected ${b} within 1e-6 of ${scales[k]}`);
    }
  }
}

describe('host AdamW kernel', () => {
  it('has WebAssembly SIMD in this Node (else the tests below would not test it)', () => {
    expect(simdAvailable()).toBe(true);
  });

  it('SIMD equals the f32-rounded chain bit for bit and the JS loop within 1e-6, at lengths off multiples of 4 and of the chunk', () => {
    const cases: Array<[n: number, chunk: number]> = [[0, CHUNK], [1, CHUNK], [3, CHUNK], [4, CHUNK], [7, CHUNK], [1021, CHUNK], [CHUNK + 5, CHUNK], [1, 8], [7, 8], [8, 8], [9, 8], [203, 8], [1000, 64], [1003, 64], [65, 64], [2 * 1024 + 3, 1024]];
    cases.forEach(([n, chunk], k) => {
      const input = randomState(n, 17 + k);
      const simd = copy(input);
      adamwF32Simd(...simd, S, chunk);
      const rounded = copy(input);
      adamwF32Rounded(...rounded, S);
      for (let j = 0; j < 3; j++) expect(Array.from(simd[j]!), `n ${n} chunk ${chunk} ${'pmv'[j]}`).toEqual(Array.from(rounded[j]!));
      const js = copy(input);
      adamwJs(...js, S);
      expectClose(simd, js, input, `n ${n} chunk ${chunk}`);
    });
  });

  it('is not vacuous: the f32-rounded chain differs from the JS loop in some last bits', () => {
    const input = randomState(4096, 3);
    const [a, b] = [copy(input), copy(input)];
    adamwF32Rounded(...a, S);
    adamwJs(...b, S);
    expect(a[0].some((x, i) => x !== b[0][i])).toBe(true);
  });

  it('adamwInPlace on f32 runs the SIMD kernel in place: same arrays written, g untouched, over several steps', () => {
    const input = randomState(3 * 1024 + 1, 5);
    const arrays = copy(input);
    const [p, m, v, g] = arrays;
    const expected = copy(input);
    for (let step = 0; step < 3; step++) {
      adamwInPlace(p, m, v, g, S);
      adamwF32Rounded(...expected, S);
    }
    expect(arrays.every((a, i) => a === [p, m, v, g][i])).toBe(true);
    expect(Array.from(g)).toEqual(Array.from(input[3]));
    for (let j = 0; j < 3; j++) expect(Array.from(arrays[j]!)).toEqual(Array.from(expected[j]!));
    expect(Array.from(p)).not.toEqual(Array.from(input[0]));
  });

  it('adamwInPlace on f64 is the JS loop, unchanged', () => {
    const input = randomState(1001, 9).map((a) => Float64Array.from(a)) as Quad<Float64Array>;
    const [a, b] = [input.map((x) => x.slice()), input.map((x) => x.slice())] as [Quad<Float64Array>, Quad<Float64Array>];
    adamwInPlace(...a, S);
    adamwJs(...b, S);
    for (let j = 0; j < 4; j++) expect(Array.from(a[j]!)).toEqual(Array.from(b[j]!));
    // The loop as it stood before the SIMD path, written out: doubles throughout, m and v read back.
    const [p, m, v, g] = input;
    const i = 500;
    const m1 = S.beta1 * m[i]! + (1 - S.beta1) * g[i]!;
    const v1 = S.beta2 * v[i]! + (1 - S.beta2) * g[i]! * g[i]!;
    expect(a[0][i]).toBe(p[i]! * S.decay - (m1 / (Math.sqrt(v1) / S.bc2Sqrt + S.eps)) * S.stepSize);
  });

  describe('without WebAssembly SIMD', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
      vi.resetModules();
    });
    // A fresh copy of the module, so its lazily cached kernel is looked up again under the stub.
    const fresh = async () => {
      vi.resetModules();
      return import('./adamw-kernel.js');
    };
    const fallsBack = async () => {
      const kernel = await fresh();
      expect(kernel.simdAvailable()).toBe(false);
      const input = randomState(101, 11);
      const [a, b] = [copy(input), copy(input)];
      kernel.adamwInPlace(...a, S);
      adamwJs(...b, S);
      for (let j = 0; j < 3; j++) expect(Array.from(a[j]!)).toEqual(Array.from(b[j]!));
    };

    it('uses the JS loop for f32 when there is no WebAssembly at all, throwing nothing', async () => {
      vi.stubGlobal('WebAssembly', undefined);
      await fallsBack();
    });

    it('uses the JS loop for f32 when the engine rejects the SIMD module (as one without SIMD does)', async () => {
      const real = (globalThis as Record<string, unknown>).WebAssembly as object;
      vi.stubGlobal('WebAssembly', { ...real, Module: class { constructor() { throw new Error('WebAssembly.Module(): invalid opcode 0xfd'); } } });
      await fallsBack();
    });
  });

  it('rejects a chunk that is not a positive multiple of 4 and arrays of different lengths, naming them', () => {
    const q = randomState(8, 1);
    expect(() => adamwF32Simd(...q, S, 6)).toThrow(/chunk is 6; expected a positive multiple of 4/);
    expect(() => adamwF32Simd(q[0], q[1], q[2], new Float32Array(7), S)).toThrow(/g\.length is 7; expected p\.length, 8/);
  });

  it('the generated wasm module is current with adamw-simd.wat (rebuilt with wabt and compared)', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
    expect(() => execFileSync(process.execPath, [join(root, 'tools', 'wasm', 'build-adamw-simd.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
