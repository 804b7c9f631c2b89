/**
 * Vite configuration of the example. Relative asset paths (`base: './'`) so the built page works from
 * any folder or static server; the workspace packages are bundled from their dist builds
 * (@repurpose/backend-onnx through its `browser` export condition, which has no Node modules, so no
 * stubs are needed). No gzip report: sizing onnxruntime-web's 28 MB wasm doubled the build time.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
});
