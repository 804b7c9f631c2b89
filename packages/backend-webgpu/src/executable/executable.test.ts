/**
 * The executable's run-time promises on a real adapter (lavapipe in CI): a run allocates no device
 * buffers (the backend's counter), repeated runs agree, only the outputs are read back, and bad feeds
 * or graphs fail with the library's typed errors. Device-level errors (loss, features, limits) are in
 * src/device-errors.test.ts. Skips with a printed reason where no adapter exists.
 */
import { GraphBuilder, GraphError, hostTensor } from '@repurpose/core/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebGpuBackend } from '../backend.js';
import { BackendError } from '../device/errors.js';
import { testGpu } from '../test-support/test-gpu.js';

const gpu = await testGpu();
afterAll(() => gpu.backend?.dispose());

describe.skipIf(gpu.backend === null)(`webgpu executable (${gpu.backend?.description ?? gpu.skip})`, () => {
  const backend = gpu.backend!;
  const mlp = () => {
    const b = new GraphBuilder({ dtype: 'f32' });
    const x = b.data('x', [4, 8], 'f32');
    const w = b.param('w', [8, 8], 'f32');
    const h = b.gelu(b.matmul(x, w));
    b.output('y', b.softmax(b.add(h, b.matmul(h, w, { transposeB: true }))));
    return b.build();
  };
  const feeds = {
    x: hostTensor('f32', [4, 8], Array.from({ length: 32 }, (_, i) => Math.sin(i))),
    w: hostTensor('f32', [8, 8], Array.from({ length: 64 }, (_, i) => Math.cos(i) / 4)),
  };

  it('runs allocate no device buffers, and repeated runs agree exactly', async () => {
    const exe = await backend.compile(mlp());
    const first = await exe.run(feeds);
    const after = backend.stats().buffersCreated;
    for (let i = 0; i < 3; i++) {
      const again = await exe.run(feeds);
      expect(Array.from(again.y!.data)).toEqual(Array.from(first.y!.data));
    }
    expect(backend.stats().buffersCreated).toBe(after);
    // rows of a softmax sum to 1: the run really computed something
    for (let r = 0; r < 4; r++) expect(Array.from(first.y!.data.slice(r * 8, r * 8 + 8)).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    exe.dispose();
  });

  it('a second graph of the same ops reuses every pipeline', async () => {
    const before = backend.stats().pipelines;
    (await backend.compile(mlp())).dispose();
    expect(backend.stats().pipelines).toBe(before);
  });

  it('rejects f64 graphs at compile time, naming the value', async () => {
    const b = new GraphBuilder({ dtype: 'f64' });
    b.output('y', b.exp(b.data('x', [2], 'f64')));
    await expect(backend.compile(b.build())).rejects.toThrow(GraphError);
    await expect(backend.compile(b.build())).rejects.toThrow(/graph input x \(data\) dtype/);
  });

  it('rejects a missing or mis-shaped feed, and host ids out of range, like the reference', async () => {
    const b = new GraphBuilder({ dtype: 'f32' });
    b.output('y', b.gather(b.param('table', [3, 2], 'f32'), b.data('ids', [2], 'i32')));
    const exe = await backend.compile(b.build());
    const table = hostTensor('f32', [3, 2], [1, 2, 3, 4, 5, 6]);
    await expect(exe.run({ table })).rejects.toThrow(/feeds\.ids/);
    await expect(exe.run({ table, ids: hostTensor('i32', [3], [0, 1, 2]) })).rejects.toThrow(/feeds\.ids/);
    await expect(exe.run({ table, ids: hostTensor('i32', [2], [0, 3]) })).rejects.toThrow(/an id in \[0, 2\]/);
    expect(Array.from((await exe.run({ table, ids: hostTensor('i32', [2], [2, 0]) })).y!.data)).toEqual([5, 6, 1, 2]);
    exe.dispose();
    await expect(exe.run({ table, ids: hostTensor('i32', [2], [2, 0]) })).rejects.toThrow(/disposed/);
  });

  it('a disposed backend refuses to compile with a BackendError', async () => {
    const other = await createWebGpuBackend({ device: backend.device });
    other.dispose();
    await expect(other.compile(mlp())).rejects.toThrow(BackendError);
  });
});
