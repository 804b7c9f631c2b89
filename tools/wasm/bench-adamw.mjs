/**
 * ns per element of the host AdamW update (packages/backend-onnx/src/host-update/adamw-kernel.ts):
 * the JS loop against the WebAssembly SIMD kernel at several chunk sizes, on N random f32 elements
 * (default 25.7M, one pythia-160m step's share measured in the issue), median of R runs (default 5).
 * Bundles the kernel's TS with esbuild (tsup's) into .tmp/ first. Prints a table; asserts nothing.
 * Not a test, and not part of any suite: run it by hand on a quiet machine.
 * Usage: node tools/wasm/bench-adamw.mjs [N] [R] [chunk,chunk,...] [byteOffset]
 * (byteOffset, a multiple of 4: where in their ArrayBuffers the arrays start; the copies' speed
 * depends on it, see REGION_BASE in the kernel).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'packages', 'backend-onnx');
const requirePkg = createRequire(join(pkg, 'package.json'));
const esbuild = createRequire(requirePkg.resolve('tsup'))('esbuild');
mkdirSync(join(root, '.tmp'), { recursive: true });
const outfile = join(root, '.tmp', 'adamw-kernel-bench.mjs');
await esbuild.build({ entryPoints: [join(pkg, 'src', 'host-update', 'adamw-kernel.ts')], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'warning' });
const { adamwJs, adamwF32Simd, simdAvailable, CHUNK } = await import(pathToFileURL(outfile).href);

const n = Number(process.argv[2] ?? 25_700_000);
const runs = Number(process.argv[3] ?? 5);
const byteOffset = Number(process.argv[5] ?? 0);
const rand = (scale, offset = 0) => {
  const a = new Float32Array(new ArrayBuffer(byteOffset + 4 * n), byteOffset, n);
  for (let i = 0; i < n; i++) a[i] = offset + scale * (Math.random() - 0.5);
  return a;
};
const [p, m, v, g] = [rand(0.1), rand(1e-3), rand(1e-6, 1e-6), rand(1e-2)];
const s = { decay: 1 - 1e-5, stepSize: 1e-3, bc2Sqrt: 0.3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

function median(f) {
  f(); // warm-up: JIT, first touch, wasm memory growth
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

if (!simdAvailable()) throw new Error('WebAssembly SIMD is not available in this Node');
const rows = [['JS loop', median(() => adamwJs(p, m, v, g, s))]];
const chunks = process.argv[4] ? process.argv[4].split(",").map(Number) : [1024, 4096, CHUNK, 65536, 262144];
for (const chunk of chunks) rows.push([`SIMD chunk ${chunk}${chunk === CHUNK ? ' (CHUNK)' : ''}`, median(() => adamwF32Simd(p, m, v, g, s, chunk))]);
console.log(`n = ${n}, median of ${runs}, arrays at byte offset ${byteOffset}`);
for (const [name, ms] of rows) console.log(`${name.padEnd(26)} ${ms.toFixed(1).padStart(8)} ms  ${((ms * 1e6) / n).toFixed(2).padStart(6)} ns/element`);
