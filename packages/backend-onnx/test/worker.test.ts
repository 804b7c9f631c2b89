/**
 * The worker backend (ORT in a worker_threads thread, or in a child process with isolation
 * 'process'), each test for both isolations: it trains exactly like the in-process backend
 * (same losses and parameters after 3 golden AdamW steps, resident tensors in the worker), its errors
 * arrive as the same classes with the same messages, and — the reason it exists — the caller's event
 * loop keeps running while a step computes, where the in-process backend blocks it for the whole run.
 * Runs against the built worker script (dist/onnx-worker.js; `npm test` builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { arrayPairSource, GraphBuilder, type Graph, hostTensor, train, type TokenPair } from '@repurpose/core/engine';
import { goldenManifest, goldenModel } from '../../core/src/model/golden.test-helper.js';
import { createOnnxWorkerBackend, WORKER_MALLOC_ENV } from '../src/worker/worker-backend.js';
import { testBackend } from '../src/test-ort.test-helper.js';

const workerUrl = new URL('../dist/onnx-worker.js', import.meta.url);
const built = existsSync(fileURLToPath(workerUrl));
if (!built) console.log(`worker tests skipped: ${fileURLToPath(workerUrl)} is not built (run the package build)`);

function goldenPairs(): TokenPair[] {
  const { query, positive } = goldenManifest.batch;
  const unpad = (ids: number[], mask: number[]) => ids.filter((_, i) => mask[i] === 1);
  return query.input_ids.map((ids, i) => ({ query: unpad(ids, query.attention_mask[i]!), positive: unpad(positive.input_ids[i]!, positive.attention_mask[i]!) }));
}

/** A chain of 512³ matmuls: long enough that a blocked event loop is visible. */
function heavyGraph(): Graph {
  const b = new GraphBuilder();
  let x = b.data('x', [512, 512], 'f32');
  const w = b.data('w', [512, 512], 'f32');
  for (let i = 0; i < 24; i++) x = b.tanh(b.matmul(x, w));
  b.output('y', b.sum(x));
  return b.build();
}

async function ticksDuring(run: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  await new Promise((r) => setTimeout(r, 5));
  const before = ticks;
  await run();
  clearInterval(timer);
  return ticks - before;
}

describe.skipIf(!built).each(['thread', 'process'] as const)('createOnnxWorkerBackend, isolation %s', (isolation) => {
  it('trains like the in-process backend: 3 golden AdamW steps, same losses and parameters', async () => {
    const model = goldenModel();
    const pairs = goldenPairs();
    const run = async (backend: Parameters<typeof train>[0]['backend']) => {
      const losses: number[] = [];
      const result = await train(
        { backend, architecture: model.architecture, method: { kind: 'full' }, parameters: model.parameters, data: arrayPairSource([...pairs, ...pairs, ...pairs]), batch: { B: 4, Tq: 6, Tp: 9 }, steps: 10, peakLearningRate: 1e-3, dtype: 'f32' },
        (e) => e.kind === 'step' && losses.push(e.loss),
      );
      return { losses, p: result.parameters.get('layers.1.mlp.dense_4h_to_h.weight')!.data };
    };
    const worker = createOnnxWorkerBackend({ workerUrl, threads: 1, isolation });
    const a = await run(worker);
    const b = await run(testBackend(1));
    worker.dispose();
    expect(a.losses).toHaveLength(3);
    expect(a.losses).toEqual(b.losses);
    expect(Array.from(a.p)).toEqual(Array.from(b.p));
  });

  it('keeps the caller’s event loop live during a run; the in-process backend blocks it', async () => {
    const feeds = { x: hostTensor('f32', [512, 512], new Float32Array(512 * 512).fill(0.01)), w: hostTensor('f32', [512, 512], new Float32Array(512 * 512).fill(0.002)) };
    const worker = createOnnxWorkerBackend({ workerUrl, threads: 1, isolation });
    const inWorker = await worker.compile(heavyGraph());
    await inWorker.run(feeds);
    const inProcess = await testBackend(1).compile(heavyGraph());
    await inProcess.run(feeds);
    const workerTicks = await ticksDuring(() => inWorker.run(feeds));
    const blockedTicks = await ticksDuring(() => inProcess.run(feeds));
    worker.dispose();
    // A blocked loop can still fire one timer at the edge, between the run's end and its promise
    // settling; a live loop fires one every millisecond or so for the whole run.
    expect(workerTicks).toBeGreaterThan(1);
    expect(blockedTicks).toBeLessThanOrEqual(1);
  });

  it('resident tensors and errors cross the thread boundary', async () => {
    const worker = createOnnxWorkerBackend({ workerUrl, threads: 1, isolation });
    const b = new GraphBuilder();
    b.output('y', b.exp(b.data('x', [2], 'f32')));
    const exe = await worker.compile(b.build());
    const x = await worker.upload(hostTensor('f32', [2], [0, 1]));
    const out = await exe.run({ x }, { resident: ['y'] });
    expect(out.y).toMatchObject({ kind: 'resident', dtype: 'f32', shape: [2] });
    expect(Array.from((await worker.download(out.y as never)).data)).toEqual([1, Math.fround(Math.E)]);
    await expect(exe.run({ x: hostTensor('f32', [3], [0, 1, 2]) })).rejects.toThrow(/^invalid feeds\.x: expected f32\[2\] \(the compiled shape\), got "f32\[3\]"$/);
    worker.release(x);
    expect(() => worker.release(x)).toThrow(/release/);
    worker.dispose();
    await expect(exe.run({ x: hostTensor('f32', [2], [0, 1]) })).rejects.toThrow(/disposed/);
  });

  it.skipIf(isolation === 'thread' || !existsSync('/proc/self/environ'))('starts the child with glibc malloc told not to mmap nor trim', async () => {
    const worker = createOnnxWorkerBackend({ workerUrl, threads: 1, isolation });
    expect(worker.pid).toBeTypeOf('number');
    const env = new Map(readFileSync(`/proc/${worker.pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    worker.dispose();
    for (const [k, v] of Object.entries(WORKER_MALLOC_ENV)) expect(env.get(k)).toBe(v);
  });

  it('rejects an unknown isolation', () => {
    expect(() => createOnnxWorkerBackend({ workerUrl, isolation: 'fiber' as never })).toThrow(/options\.isolation/);
  });
});
