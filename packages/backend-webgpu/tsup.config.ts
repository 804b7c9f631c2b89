import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Test files live beside the code; they are never part of the published package.
  external: ['@repurpose/core', 'webgpu'],
});
