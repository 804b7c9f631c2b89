/**
 * Resident tensors on a real adapter: upload/download round trips, release rules, resident feeds equal
 * host feeds, and a state-update loop in which every step's `updates` output takes over its resident
 * feed's buffer — so steps allocate nothing and read back only the loss. Skips with a printed reason
 * where no adapter exists.
 */
import { type Graph, GraphBuilder, GraphError, type HostTensor, type ResidentTensor, hostTensor } from '@repurpose/core/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../test-support/test-gpu.js';

const gpu = await testGpu();
afterAll(() => gpu.backend?.dispose());

/** loss = Σ (w·x)², next = w − lr·∂loss/∂w = w − lr·2(w·x)x, with next declared as updating w. */
function stepGraph(): Graph {
  const b = new GraphBuilder({ dtype: 'f32' });
  const w = b.param('w', [4], 'f32');
  const x = b.data('x', [4], 'f32');
  const y = b.mul(w, x);
  b.output('loss', b.sum(b.mul(y, y)));
  b.output('next', b.sub(w, b.mul(b.mul(y, x), 0.2)));
  const graph = b.build();
  // `updates` is the backend contract's aliasing link (GraphOutput.updates).
  return { ...graph, outputs: graph.outputs.map((o) => (o.name === 'next' ? { ...o, updates: 'w' } : o)) };
}

describe.skipIf(gpu.backend === null)(`webgpu resident tensors (${gpu.backend?.description ?? gpu.skip})`, () => {
  const backend = gpu.backend!;
  const x = hostTensor('f32', [4], [1, -2, 0.5, 3]);

  it('upload then download returns the same values; release frees it once', async () => {
    const before = backend.stats().residentTensors;
    const t = await backend.upload(hostTensor('i32', [2, 3], [1, -2, 3, 4, 5, 2147483647]));
    expect(t).toMatchObject({ kind: 'resident', backend: 'webgpu', dtype: 'i32', shape: [2, 3] });
    expect(Array.from((await backend.download(t)).data)).toEqual([1, -2, 3, 4, 5, 2147483647]);
    expect(backend.stats().residentTensors).toBe(before + 1);
    backend.release(t);
    expect(backend.stats().residentTensors).toBe(before);
    expect(() => backend.release(t)).toThrow(GraphError);
    await expect(backend.download(t)).rejects.toThrow(/live resident tensor/);
  });

  it('a resident feed gives exactly what the host feed gives', async () => {
    const exe = await backend.compile(stepGraph());
    const w = hostTensor('f32', [4], [0.5, 0.25, -1, 2]);
    const host = await exe.run({ w, x });
    const rw = await backend.upload(w);
    const viaResident = await exe.run({ w: rw, x });
    expect(Array.from(viaResident.loss!.data)).toEqual(Array.from(host.loss!.data));
    expect(Array.from(viaResident.next!.data)).toEqual(Array.from(host.next!.data));
    // not donated (next came back as a host tensor), so rw is still valid
    expect(Array.from((await backend.download(rw)).data)).toEqual(Array.from(w.data));
    backend.release(rw);
    exe.dispose();
  });

  it('steps update state in place: no allocation, only the loss read back, the donated handle is spent', async () => {
    const exe = await backend.compile(stepGraph());
    let hostW: HostTensor = hostTensor('f32', [4], [0.5, 0.25, -1, 2]);
    let w: ResidentTensor = await backend.upload(hostW);
    const losses: number[] = [];
    let allocations = 0;
    for (let step = 0; step < 5; step++) {
      const before = backend.stats().buffersCreated;
      const out = await exe.run({ w, x }, { outputs: ['loss', 'next'], resident: ['next'] });
      if (step > 0) allocations += backend.stats().buffersCreated - before;
      expect('data' in out.loss!).toBe(true);
      expect(out.next).toMatchObject({ kind: 'resident', shape: [4] });
      losses.push((out.loss as HostTensor).data[0]!);
      const spent = w;
      w = out.next as ResidentTensor;
      await expect(exe.run({ w: spent, x })).rejects.toThrow(/donated/);
      backend.release(spent); // allowed, and frees nothing the new handle uses
      const expected = await exe.run({ w: hostW, x });
      hostW = expected.next!;
    }
    expect(allocations).toBe(0);
    expect(Array.from((await backend.download(w)).data)).toEqual(Array.from(hostW.data));
    expect(losses[4]!).toBeLessThan(losses[0]!);
    backend.release(w);
    exe.dispose();
  });

  it('run options are checked against the graph', async () => {
    const exe = await backend.compile(stepGraph());
    const w = hostTensor('f32', [4], [1, 1, 1, 1]);
    await expect(exe.run({ w, x }, { outputs: ['nope'] })).rejects.toThrow(/run options\.outputs/);
    await expect(exe.run({ w, x }, { outputs: ['loss'], resident: ['next'] })).rejects.toThrow(/run options\.resident/);
    expect(Object.keys(await exe.run({ w, x }, { outputs: ['loss'] }))).toEqual(['loss']);
    exe.dispose();
  });
});
