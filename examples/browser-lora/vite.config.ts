/**
 * Vite configuration of the example. Relative asset paths (`base: './'`) so the built page works from
 * any folder or static server; the workspace packages are bundled from their dist builds, with Node's
 * `worker_threads` (imported by backend-onnx's Node-only worker backend) and the modules of its
 * Node-only folder writer and child-process worker replaced by stubs (src/no-node-modules.ts). No
 * gzip report: sizing onnxruntime-web's 28 MB wasm doubled the build time.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const stub = fileURLToPath(new URL('./src/no-worker-threads.ts', import.meta.url));
const nodeOnly = fileURLToPath(new URL('./src/no-node-modules.ts', import.meta.url));

export default defineConfig({
  base: './',
  resolve: {
    alias: {
      worker_threads: stub,
      'node:worker_threads': stub,
      ...Object.fromEntries(['fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'url', 'node:url', 'path', 'node:path', '@repurpose/core/node'].map((m) => [m, nodeOnly])),
    },
  },
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
});
