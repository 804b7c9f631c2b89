import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker script is its own entry: createOnnxWorkerBackend starts dist/onnx-worker.js. `browser`
  // is the entry without Node modules, for the package's `browser` export condition.
  entry: { index: 'src/index.ts', browser: 'src/browser.ts', 'onnx-worker': 'src/worker/worker-main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', browser: 'src/browser.ts' } },
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
  // Test files live beside the code; they are never part of the published package.
  external: ['@repurpose/core', 'onnxruntime-node', 'onnxruntime-web'],
});
