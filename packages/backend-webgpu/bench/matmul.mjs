#!/usr/bin/env node
/**
 * Benchmark (not a test): f32 matmul GFLOP/s on the WebGPU backend, on whatever adapter Dawn finds
 * (lavapipe where tools/webgpu/install-lavapipe.sh has run). Each row times whole runs of a graph
 * y = Σ_rows (A·B): feeds written, the matmul and a column sum dispatched, N floats read back — so it
 * includes the run's fixed costs, which matter at small sizes. Median of 5 runs after one warm-up.
 *
 * Runs alone (`node packages/backend-webgpu/bench/matmul.mjs`, after a build) or as a bench/cases
 * module: it exports { name, target, run }. Not tuned for lavapipe; real GPUs are the performance
 * issue's target.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GraphBuilder, hostTensor } from '@repurpose/core/engine';
import { createWebGpuBackend } from '@repurpose/backend-webgpu';

export const name = 'webgpu matmul (f32, whole runs)';
export const target = 'correctness baseline; issue 12 asks ≥ 40% of a real GPU’s f32 peak, lavapipe speed is not a target';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const icd = join(root, '.tmp/lavapipe/lvp_icd.json');
if (process.env.VK_ICD_FILENAMES === undefined && existsSync(icd)) process.env.VK_ICD_FILENAMES = icd;

export async function run(sizes = [128, 256, 512]) {
  let backend;
  try {
    backend = await createWebGpuBackend();
  } catch (error) {
    return [{ skipped: error.message }];
  }
  const rows = [];
  try {
    for (const n of sizes) {
      const b = new GraphBuilder({ dtype: 'f32' });
      b.output('y', b.sum(b.matmul(b.data('a', [n, n], 'f32'), b.data('b', [n, n], 'f32')), 0));
      const exe = await backend.compile(b.build());
      const values = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i) / n);
      const feeds = { a: hostTensor('f32', [n, n], values), b: hostTensor('f32', [n, n], values) };
      await exe.run(feeds);
      const times = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await exe.run(feeds);
        times.push(performance.now() - start);
      }
      exe.dispose();
      const ms = times.sort((x, y) => x - y)[2];
      rows.push({ adapter: backend.description.slice(0, 40), n, 'ms/run': Number(ms.toFixed(2)), 'GFLOP/s': Number(((2 * n ** 3) / (ms * 1e6)).toFixed(2)) });
    }
  } finally {
    backend.dispose();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.table(await run());
