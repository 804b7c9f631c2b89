/**
 * AdamW's update of one tensor, in place on p, m and v (g is only read):
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + ((1 − β2)·g)·g,  p ← p·decay − (m / (√v / bc2Sqrt + eps))·stepSize.
 *
 * Two implementations behind one function:
 * - f32 (all four arrays Float32Array): a WebAssembly SIMD kernel (adamw-simd.wat, f32x4). The
 *   arrays are ordinary ArrayBuffers that ORT reads without copying, not wasm memory, so the kernel
 *   works in chunks: copy CHUNK elements of p, m, v, g into the instance's memory, run, copy p, m,
 *   v back. Each operation is an f32 operation in the ONNX primitive chain's order, so every
 *   intermediate is rounded to f32 as that chain rounded it (bit for bit equal to adamwF32Rounded).
 * - otherwise (f64, mixed, or no WebAssembly SIMD here): the plain JS loop, adamwJs, which computes
 *   each element in doubles and stores to the array's dtype (it and the f32 kernel agree within
 *   1e-6 of the size of the terms each output sums; adamw-kernel.test.ts checks that).
 * The module is compiled and instantiated synchronously, once, on first use (279 bytes: small
 * enough for a browser's main thread); if that fails (no WebAssembly, no SIMD) the JS loop is used
 * and nothing is thrown.
 *
 * Measured with tools/wasm/bench-adamw.mjs on this project's shared 2-core machine (AMD EPYC,
 * Node 20.20), 25.7M f32 elements, median of 5 runs, load average 2.2 (others' jobs running):
 *   JS loop 11.4 ns/element (292 ms); SIMD, CHUNK = 131072: 3.15 ns/element (81 ms), about 3.6x.
 *   Other chunks, same run: 4096: 2.93, 16384: 3.03, 65536: 3.16, 262144: 3.13 ns/element.
 *   Arrays starting 2048 bytes into their buffers: JS 13.1; CHUNK 2.53; 16384 6.89 ns/element,
 *   which is why CHUNK is not smaller (see CHUNK and REGION_BASE).
 *   The SIMD loop alone, data already in wasm memory, ran at 1.1–1.7 ns/element: the copies in
 *   and out are about half the time.
 * Not the place that decides which updates run on the host (split.ts) nor who owns the arrays
 * (executable.ts).
 */
import { ADAMW_SIMD_WASM_BASE64 } from './adamw-simd.wasm.js';

export interface AdamWScalars {
  readonly decay: number;
  readonly stepSize: number;
  readonly bc2Sqrt: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

type Floats = Float32Array | Float64Array;

/**
 * Elements per array per copy into wasm memory (512 KiB an array, 2 MiB of wasm memory). Measured:
 * 16K-element copies ran as fast only where the arrays sat well apart from the regions modulo
 * 4 KiB (see REGION_BASE); from 512 KiB on, glibc copied at the same speed whatever the offsets.
 */
export const CHUNK = 131072;

/**
 * Byte offset of the first region in wasm memory (which starts on a page boundary). Why not 0: on
 * this project's AMD EPYC, glibc's memmove (rep movsb) ran the copy out about 4x slower (1.6 against
 * 0.37 ns an element, 16K-element copies) with the region at 0 than at 16 bytes, i.e. when the
 * destination, a large JS array (whose data evidently starts 16 bytes into a page), sat just past
 * the source modulo 4 KiB. Half a page apart, neither copy direction is near that case for arrays
 * that start near a page boundary, as large allocations do.
 */
const REGION_BASE = 2048;

export function adamwInPlace(p: Floats, m: Floats, v: Floats, g: Floats, s: AdamWScalars): void {
  if (p instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array && g instanceof Float32Array && simdKernel()) {
    adamwF32Simd(p, m, v, g, s);
  } else {
    adamwJs(p, m, v, g, s);
  }
}

/** The JS loop: each element in doubles, stored to the array's dtype; p reads m and v back. */
export function adamwJs(p: Floats, m: Floats, v: Floats, g: Floats, s: AdamWScalars): void {
  const { decay, stepSize, bc2Sqrt, beta1, beta2, eps } = s;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    m[i] = beta1 * m[i]! + c1 * gi;
    v[i] = beta2 * v[i]! + c2 * gi * gi;
    p[i] = p[i]! * decay - (m[i]! / (Math.sqrt(v[i]!) / bc2Sqrt + eps)) * stepSize;
  }
}

/** The part of the WebAssembly JS API used here: this package's lib (ES2022, no DOM) does not declare it. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}

interface SimdKernel {
  readonly memory: WasmMemory;
  readonly adamw: (p: number, m: number, v: number, g: number, bytes: number, beta1: number, c1: number, beta2: number, c2: number, decay: number, stepSize: number, bc2Sqrt: number, eps: number) => void;
  heap: Float32Array;
}

let kernel: SimdKernel | null | undefined;

/** The instantiated SIMD kernel, or null where WebAssembly or its SIMD is unavailable. */
function simdKernel(): SimdKernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) return kernel;
    const bytes = Uint8Array.from(atob(ADAMW_SIMD_WASM_BASE64), (c) => c.charCodeAt(0));
    // Compiling is the feature test: an engine without SIMD rejects the module.
    const instance = new wasm.Instance(new wasm.Module(bytes));
    const memory = instance.exports.memory as WasmMemory;
    kernel = { memory, adamw: instance.exports.adamw as SimdKernel['adamw'], heap: new Float32Array(memory.buffer) };
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether adamwInPlace takes the SIMD path for f32 arrays here. */
export function simdAvailable(): boolean {
  return simdKernel() !== null;
}

/**
 * The SIMD path: f32 arrays only; throws where SIMD is unavailable (adamwInPlace checks first).
 * `chunk` (a positive multiple of 4) is a parameter so the benchmark can compare sizes.
 */
export function adamwF32Simd(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, s: AdamWScalars, chunk: number = CHUNK): void {
  const k = simdKernel();
  if (!k) throw new Error('adamwF32Simd: WebAssembly SIMD is not available here');
  if (!Number.isInteger(chunk) || chunk <= 0 || chunk % 4 !== 0) throw new Error(`adamwF32Simd: chunk is ${chunk}; expected a positive multiple of 4`);
  const n = p.length;
  for (const [name, a] of [['m', m], ['v', v], ['g', g]] as const) {
    if (a.length !== n) throw new Error(`adamwF32Simd: ${name}.length is ${a.length}; expected p.length, ${n}`);
  }
  const need = REGION_BASE + 4 * chunk * 4;
  if (k.memory.buffer.byteLength < need) {
    k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
    k.heap = new Float32Array(k.memory.buffer); // growing detaches the old buffer
  }
  const { heap, adamw } = k;
  // Element offsets of the four regions; each starts REGION_BASE past a 4 KiB boundary when chunk is a multiple of 1024.
  const [op, om, ov, og] = [0, 1, 2, 3].map((r) => REGION_BASE / 4 + r * chunk) as [number, number, number, number];
  const { decay, stepSize, bc2Sqrt, beta1, beta2, eps } = s;
  // The ONNX chain's constants: 1 − β computed in doubles, then (as every argument here) rounded to f32.
  const [c1, c2] = [1 - beta1, 1 - beta2];
  for (let i = 0; i < n; i += chunk) {
    const len = Math.min(chunk, n - i);
    heap.set(p.subarray(i, i + len), op);
    heap.set(m.subarray(i, i + len), om);
    heap.set(v.subarray(i, i + len), ov);
    heap.set(g.subarray(i, i + len), og);
    // Rounded up to whole lanes: the lanes past len compute on stale memory and are not copied out.
    adamw(op * 4, om * 4, ov * 4, og * 4, Math.ceil(len / 4) * 16, beta1, c1, beta2, c2, decay, stepSize, bc2Sqrt, eps);
    p.set(heap.subarray(op, op + len), i);
    m.set(heap.subarray(om, om + len), i);
    v.set(heap.subarray(ov, ov + len), i);
  }
}

/**
 * What the SIMD kernel computes, one element at a time in JS: every operation rounded to f32
 * (Math.fround of a double operation on f32 values is the correctly rounded f32 result for + − × ÷ √).
 * The tests' oracle for the f32 semantics; not used on the training path.
 */
export function adamwF32Rounded(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, s: AdamWScalars): void {
  const f = Math.fround;
  const [b1, c1, b2, c2] = [f(s.beta1), f(1 - s.beta1), f(s.beta2), f(1 - s.beta2)];
  const [decay, stepSize, bc2Sqrt, eps] = [f(s.decay), f(s.stepSize), f(s.bc2Sqrt), f(s.eps)];
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const m1 = f(f(m[i]! * b1) + f(gi * c1));
    const v1 = f(f(v[i]! * b2) + f(f(gi * c2) * gi));
    m[i] = m1;
    v[i] = v1;
    p[i] = f(f(p[i]! * decay) - f(f(m1 / f(f(f(Math.sqrt(v1)) / bc2Sqrt) + eps)) * stepSize));
  }
}
