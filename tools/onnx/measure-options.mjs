/**
 * Measurements behind the ONNX backend's choices (docs/onnx.md), each a median of repeated runs on the
 * CPU EP at 2 threads:
 *  1. a weight as a graph input vs as an initializer (ORT prepacks constant MatMul weights);
 *  2. the cost of returning a large output (ORT hands JS a copy) vs returning only its sum;
 *  3. a 100 MB input: the cost of passing it (wrapped, not copied).
 * Prints a table. Not a benchmark of the training step (bench/cases/onnx-train-step.mjs is).
 */
import { GraphBuilder, hostTensor } from '../../packages/core/dist/engine.js';
import { lowerGraph } from '../../packages/backend-onnx/dist/index.js';
import { ort } from './train-step-harness.mjs';

const session = (bytes) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
const fill = (n, s = 0.01) => Float32Array.from({ length: n }, (_, i) => (((i * 7919) % 1000) / 1000 - 0.5) * s);

async function median(run, reps = 15) {
  for (let i = 0; i < 2; i++) await run();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const rows = [];
{
  // 1. [2560, 512] × [512, 2048]ᵀ-shaped weight: one MLP projection of pythia-70m at 32 × 80 tokens.
  const b = new GraphBuilder();
  b.output('y', b.matmul(b.data('x', [2560, 512], 'f32'), b.param('w', [2048, 512]), { transposeB: true }));
  const g = b.build();
  const x = new ort.Tensor('float32', fill(2560 * 512, 1), [2560, 512]);
  const w = fill(2048 * 512);
  const asInput = await session(lowerGraph(g).bytes);
  const asInit = await session(lowerGraph(g, { initializers: new Map([['w', hostTensor('f32', [2048, 512], w)]]) }).bytes);
  const wt = new ort.Tensor('float32', w, [2048, 512]);
  const flop = 2 * 2560 * 512 * 2048;
  const a = await median(() => asInput.run({ x, w: wt }));
  const c = await median(() => asInit.run({ x }));
  rows.push({ measurement: 'MatMul 2560×512·(2048×512)ᵀ, weight as input', ms: +a.toFixed(2), 'GFLOP/s': +(flop / a / 1e6).toFixed(0) });
  rows.push({ measurement: 'same, weight as initializer (prepacked)', ms: +c.toFixed(2), 'GFLOP/s': +(flop / c / 1e6).toFixed(0) });
}
{
  // 2. Returning a 103 MB output (the embedding's AdamW update) vs only its sum.
  const n = 50304 * 512;
  const b = new GraphBuilder();
  const x = b.data('x', [n], 'f32');
  const y = b.mul(x, 0.5);
  b.output('y', y);
  const full = b.build();
  const b2 = new GraphBuilder();
  b2.output('s', b2.sum(b2.mul(b2.data('x', [n], 'f32'), 0.5)));
  const summed = b2.build();
  const xt = new ort.Tensor('float32', fill(n), [n]);
  const s1 = await session(lowerGraph(full).bytes);
  const s2 = await session(lowerGraph(summed).bytes);
  rows.push({ measurement: 'x·0.5 over 25.8M f32, output returned to JS', ms: +(await median(() => s1.run({ x: xt }), 7)).toFixed(1) });
  rows.push({ measurement: 'x·0.5 over 25.8M f32, only its sum returned', ms: +(await median(() => s2.run({ x: xt }), 7)).toFixed(1) });
  // 3. Passing the 103 MB input into a trivial graph.
  const b3 = new GraphBuilder();
  b3.output('y', b3.slice(b3.data('x', [n], 'f32'), [0], [1]));
  const s3 = await session(lowerGraph(b3.build()).bytes);
  rows.push({ measurement: '103 MB input, 1-element slice out (input passing cost)', ms: +(await median(() => s3.run({ x: xt }), 7)).toFixed(2) });
}
console.table(rows);
