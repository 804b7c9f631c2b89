/**
 * The machine's sgemm peak as ORT sees it: one MatMul of two 1024×1024 f32 inputs on the CPU EP at
 * the given threads, median of 20 runs, in GFLOP/s (2·1024³ FLOP each). Used to express training
 * throughput as a fraction of peak. Not a general BLAS benchmark.
 */
import { GraphBuilder, hostTensor } from '../../packages/core/dist/engine.js';
import { createOnnxBackend } from '../../packages/backend-onnx/dist/index.js';
import { ort } from './train-step-harness.mjs';

export async function sgemmPeak(threads = 2, n = 1024) {
  const b = new GraphBuilder();
  b.output('c', b.matmul(b.data('a', [n, n], 'f32'), b.data('b', [n, n], 'f32')));
  const backend = createOnnxBackend({ ort, threads });
  const exe = await backend.compile(b.build());
  const a = hostTensor('f32', [n, n], Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13));
  const times = [];
  for (let i = 0; i < 22; i++) {
    const t0 = performance.now();
    await exe.run({ a, b: a });
    if (i >= 2) times.push((performance.now() - t0) / 1000);
  }
  backend.dispose();
  times.sort((x, y) => x - y);
  return (2 * n ** 3) / times[Math.floor(times.length / 2)] / 1e9;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`sgemm 1024³, 2 threads: ${(await sgemmPeak()).toFixed(0)} GFLOP/s`);
