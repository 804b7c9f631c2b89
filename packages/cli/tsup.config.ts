import { defineConfig } from 'tsup';

export default defineConfig({
  // @repurpose/backend-onnx is a devDependency, so it is bundled into main.js (it is not published);
  // its worker script is built beside main.js, where the bundled createOnnxWorkerBackend looks for it.
  // onnxruntime-node is an optional peer, loaded at run time by src/backend-option.ts.
  entry: { main: 'src/main.ts', 'onnx-worker': '../backend-onnx/src/worker/worker-main.ts' },
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
