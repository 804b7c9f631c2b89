/**
 * What the backend does when the device cannot do what is asked, each a clear BackendError rather
 * than a hang, a crash or silent garbage (Dawn only logs validation errors; a buffer over a limit
 * would be "invalid" and read back zeros):
 * - device loss (simulated with device.destroy()): the run in flight, the next run, compile, upload
 *   and download reject with "device lost" and the reason;
 * - a missing feature: requiredFeatures not on the device (or not offered by the adapter) is refused
 *   at creation, naming the feature; on a device without shader-f16, support.dtypes lacks f16 and an
 *   f16 graph is refused at compile, naming the value and the feature (the documented fallback is
 *   f32, chosen by the caller); with shader-f16 the same graph runs;
 * - `subgroups: true` on a device without the feature: refused at creation, naming it;
 * - a tensor over maxStorageBufferBindingSize (128 MiB on lavapipe), as a graph input or as an
 *   intermediate value: refused at compile, before any buffer exists, naming the value, its scope,
 *   its size and the limit (tensors are not split across bindings).
 * Runs on lavapipe in CI; skips with a printed reason where no adapter exists.
 */
import { GraphBuilder, hostTensor } from '@repurpose/core/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebGpuBackend } from './backend.js';
import { BackendError } from './device/errors.js';
import { requestNodeGpu } from './device/node-gpu.js';
import { testGpu } from './test-support/test-gpu.js';

const gpu = await testGpu();
afterAll(() => gpu.backend?.dispose());

function mlp() {
  const b = new GraphBuilder({ dtype: 'f32' });
  const x = b.data('x', [16, 32], 'f32');
  const w = b.param('w', [32, 32], 'f32');
  let h = x;
  for (let i = 0; i < 8; i++) h = b.gelu(b.matmul(h, w));
  b.output('y', b.softmax(h));
  return b.build();
}
const feeds = {
  x: hostTensor('f32', [16, 32], Array.from({ length: 512 }, (_, i) => Math.sin(i))),
  w: hostTensor('f32', [32, 32], Array.from({ length: 1024 }, (_, i) => Math.cos(i) / 8)),
};

describe.skipIf(gpu.backend === null)(`device errors on webgpu (${gpu.backend?.description ?? gpu.skip})`, () => {
  it('device loss: the run in flight and everything after it reject with a BackendError naming the loss, none hangs', async () => {
    const own = await requestNodeGpu();
    const backend = await createWebGpuBackend({ device: own.device });
    const exe = await backend.compile(mlp());
    const resident = await backend.upload(feeds.w);
    expect(Array.from((await exe.run(feeds)).y!.data).some((v) => v > 0)).toBe(true);
    const inFlight = exe.run(feeds);
    own.device.destroy();
    await expect(inFlight).rejects.toThrow(BackendError);
    await expect(inFlight).rejects.toThrow(/device lost \(destroyed\).*while reading back the outputs/);
    await own.device.lost;
    await expect(exe.run(feeds)).rejects.toThrow(/webgpu backend: device lost \(destroyed\)/);
    await expect(backend.compile(mlp())).rejects.toThrow(/device lost/);
    await expect(backend.upload(feeds.x)).rejects.toThrow(/device lost/);
    await expect(backend.download(resident)).rejects.toThrow(/device lost/);
    backend.dispose();
    own.release();
  });

  it('a feature the given device lacks is refused at creation, naming it', async () => {
    // A device requested without shader-f16 lacks it even where the adapter offers it.
    const own = await requestNodeGpu({ optionalFeatures: [] });
    expect(own.device.features.has('shader-f16')).toBe(false);
    await expect(createWebGpuBackend({ device: own.device, requiredFeatures: ['shader-f16'] })).rejects.toThrow(/the given device lacks the feature shader-f16 \(requiredFeatures\)/);
    own.release();
  });

  it('subgroups: true on a device without the subgroups feature is refused, naming it; by default that device takes the workgroup-memory path', async () => {
    const own = await requestNodeGpu({ optionalFeatures: [] });
    expect(own.device.features.has('subgroups')).toBe(false);
    await expect(createWebGpuBackend({ device: own.device, subgroups: true })).rejects.toThrow(/subgroups: true, but this device lacks the subgroups feature/);
    const plain = await createWebGpuBackend({ device: own.device });
    expect(plain.subgroups).toBe(false);
    plain.dispose();
    own.release();
  });

  it('a feature the adapter does not offer is refused when the device is requested, naming it', async (context) => {
    const own = await requestNodeGpu();
    const absent = (['texture-compression-astc', 'texture-compression-etc2', 'texture-formats-tier2'] as GPUFeatureName[]).find((f) => !own.adapter.features.has(f));
    own.release();
    if (absent === undefined) {
      console.log('skipped: this adapter offers every feature the test would ask for');
      context.skip();
      return;
    }
    await expect(createWebGpuBackend({ requiredFeatures: [absent] })).rejects.toThrow(new RegExp(`the adapter lacks the features ${absent}`));
  });

  it('without shader-f16 an f16 graph is refused at compile, naming the value and the feature; the same graph in f32 runs, and with shader-f16 both run', async (context) => {
    const build = (dtype: 'f16' | 'f32') => {
      const b = new GraphBuilder({ dtype: 'f32' });
      const x = b.data('x', [4], 'f32');
      b.output('y', b.cast(b.scope('half', () => b.exp(b.cast(x, dtype))), 'f32'));
      return b.build();
    };
    const x = { x: hostTensor('f32', [4], [0, 0, 0, 0]) };
    const own = await requestNodeGpu({ optionalFeatures: [] });
    const plain = await createWebGpuBackend({ device: own.device });
    expect(plain.support.dtypes).not.toContain('f16');
    await expect(plain.compile(build('f16'))).rejects.toThrow(BackendError);
    await expect(plain.compile(build('f16'))).rejects.toThrow(/value %\d+ \(cast in half\) is f16, and this device lacks the shader-f16 feature WGSL needs for f16/);
    await expect(plain.upload(hostTensor('f16', [2], [1, 2]))).rejects.toThrow(/needs the shader-f16 feature/);
    const exe = await plain.compile(build('f32'));
    expect(Array.from((await exe.run(x)).y!.data)).toEqual([1, 1, 1, 1]);
    exe.dispose();
    plain.dispose();
    own.release();
    const backend = gpu.backend!;
    if (!backend.device.features.has('shader-f16')) {
      console.log('skipped the shader-f16 half: this adapter does not offer shader-f16');
      context.skip();
      return;
    }
    expect(backend.support.dtypes).toContain('f16');
    const half = await backend.compile(build('f16'));
    expect(Array.from((await half.run(x)).y!.data)).toEqual([1, 1, 1, 1]);
    half.dispose();
  });

  it('a graph input over the storage binding limit is refused at compile, naming it, its size and the limit', async () => {
    const backend = gpu.backend!;
    const limit = backend.device.limits.maxStorageBufferBindingSize;
    const before = backend.stats().buffersCreated;
    const b = new GraphBuilder({ dtype: 'f32' });
    const n = Math.floor(limit / 4) + 1;
    b.output('y', b.exp(b.data('tokens', [n], 'f32')));
    await expect(backend.compile(b.build())).rejects.toThrow(
      new RegExp(`graph input tokens \\[${n}\\] needs ${n * 4} bytes .*over this device's ${limit}-byte .* storage binding limit \\(maxStorageBufferBindingSize\\)`),
    );
    expect(backend.stats().buffersCreated, 'nothing was allocated').toBe(before);
  });

  it('an intermediate value over the limit is refused too, naming the node and its scope', async () => {
    const backend = gpu.backend!;
    const limit = backend.device.limits.maxStorageBufferBindingSize;
    const rows = Math.ceil(limit / 4 / 1024) + 1;
    const b = new GraphBuilder({ dtype: 'f32' });
    const x = b.data('x', [rows, 1], 'f32');
    const wide = b.scope('layers.0.mlp', () => b.broadcast(x, [rows, 1024]));
    b.output('y', b.sum(wide, 1));
    await expect(backend.compile(b.build())).rejects.toThrow(new RegExp(`value %\\d+ \\(broadcast in layers\\.0\\.mlp\\) \\[${rows},1024\\] needs .* storage binding limit`));
  });
});
