/**
 * Mixed precision (`computeDtype: 'f16'`): one real training step — forward, backward and the AdamW
 * update appended, on the reference backend — of the golden tiny GPT-NeoX (f32 master weights) in f16
 * compute against the same step in f32, for full fine-tuning and LoRA. And the f32 path is untouched.
 *
 * Tolerances, from f16's unit roundoff u = 2⁻¹¹ ≈ 4.9·10⁻⁴: every op result is rounded to half
 * (reference/kernels/half-emulation.ts), so each value carries a relative error of a few u per op
 * along its path — tens of roundings through two blocks, the head and back, partly cancelling. The
 * loss is asserted to 20u ≈ 1·10⁻² relative, each trainable tensor's first moment after the step
 * ((1 − β1)·gradient) to a relative L2 error of 0.02 ≈ 40u (the backward through LayerNorm and
 * softmax amplifies the forward's rounding, and the smallest tensors — biases — average the least).
 * Measured (printed): loss 1.9·10⁻³ (full) and 1.3·10⁻⁵ (LoRA), worst moment 3.3·10⁻³ (full, a QKV
 * bias) and 3.8·10⁻³ (LoRA, a B factor): the bounds are about 5× that. The test also asserts the
 * error is well above f32's (≥ u/10 somewhere), so it cannot pass with the f16 path quietly
 * computing in f32. (This model's gradients are large — loss ≈ 8 — so the loss scale changes
 * nothing here; engine/grad.test.ts shows a gradient that f16 flushes to zero without one.)
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../engine/graph.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import type { FineTuningMethod } from '../methods/method.js';
import { referenceBackend } from '../reference/backend.js';
import { adamwScalarFeeds, appendAdamW, momentName, zeroMoments } from '../train/adamw.js';
import { goldenBatchFeeds, goldenModel } from './golden.test-helper.js';
import { initAdapters } from './lora.js';
import { parameterFeeds } from './parameter-map.js';
import { DEFAULT_LOSS_SCALE, buildTrainingGraph } from './training-graph.js';

const U = 2 ** -11;
const model = goldenModel();
const arch = model.architecture;
const shape = { B: 4, Tq: 6, Tp: 9 };
const f32Params = new Map([...model.parameters].map(([name, t]) => [name, hostTensor('f32', t.shape, t.data as Float64Array)]));

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

function step(method: FineTuningMethod, computeDtype?: 'f16', lossScale?: number) {
  const t = buildTrainingGraph(arch, method, shape, { loraEmbedIn: false, ...(computeDtype ? { computeDtype } : {}), ...(lossScale ? { lossScale } : {}) });
  const adapters = initAdapters(t.plan, { seed: 5, dtype: 'f32' });
  // LoRA's zero-initialised factor makes the other's gradient 0: give it small values so both carry signal.
  for (const spec of t.plan.adapters) {
    if (spec.init.kind === 'zeros') adapters.set(spec.name, hostTensor('f32', spec.shape, Array.from({ length: adapters.get(spec.name)!.data.length }, (_, i) => 0.02 * Math.sin(i + 1))));
  }
  const params = new Map([...f32Params, ...adapters]);
  const graph: Graph = appendAdamW(t.graph, t.trainable);
  const feeds: Record<string, HostTensor> = {
    ...goldenBatchFeeds(),
    ...parameterFeeds(t.graph, f32Params, adapters),
    ...Object.fromEntries(zeroMoments(params, t.trainable)),
    ...adamwScalarFeeds(0, 1e-3, 'f32'),
  };
  const out = referenceBackend().compileSync(graph).runSync(feeds);
  return { t, graph, out };
}

describe('f16 compute with f32 master weights vs f32', () => {
  for (const method of [{ kind: 'full' }, { kind: 'lora', rank: 4, alpha: 8 }] as FineTuningMethod[]) {
    it(`${method.kind}: one training step agrees within f16 tolerances (loss 20u, first moments 0.02 relative L2)`, () => {
      const f32 = step(method);
      const f16 = step(method, 'f16');
      expect(f16.t.computeDtype).toBe('f16');
      expect(f16.t.lossScale).toBe(DEFAULT_LOSS_SCALE);
      // Master weights: every param input, gradient, updated parameter and moment is f32; the compute is f16.
      expect(f16.graph.inputs.filter((i) => i.role !== 'data').every((i) => i.type.dtype === 'f32')).toBe(true);
      expect(f16.graph.nodes.filter((n) => n.kind === 'matmul').every((n) => n.type.dtype === 'f16')).toBe(true);
      for (const name of f16.graph.outputs.map((o) => o.name)) expect(f16.out[name]!.dtype, name).toBe('f32');

      const lossError = Math.abs(f16.out.loss!.data[0]! - f32.out.loss!.data[0]!) / f32.out.loss!.data[0]!;
      let worst = { name: '', error: 0 };
      let largest = 0;
      for (const p of f32.t.trainable) {
        // The first moment after step 1 is (1 − β1)·gradient: the f32 gradient as the step computed it.
        const error = relativeL2(f16.out[momentName('m', p)]!.data, f32.out[momentName('m', p)]!.data);
        if (error > worst.error) worst = { name: p, error };
        largest = Math.max(largest, error);
      }
      console.info(`f16 vs f32, ${method.kind}: loss ${f32.out.loss!.data[0]} vs ${f16.out.loss!.data[0]} (relative ${lossError.toExponential(2)}), worst ${worst.name} ${worst.error.toExponential(2)}`);
      expect(lossError).toBeLessThan(20 * U);
      expect(worst.error).toBeLessThan(0.02);
      expect(largest, 'f16 really rounds').toBeGreaterThan(U / 10);
    });
  }

  it('the f32 path is unchanged: computeDtype f32 builds the very same graph as the default', () => {
    const plain = buildTrainingGraph(arch, { kind: 'full' }, shape);
    expect(buildTrainingGraph(arch, { kind: 'full' }, shape, { computeDtype: 'f32' }).graph).toEqual(plain.graph);
    expect(plain.computeDtype).toBe('f32');
    expect(plain.lossScale).toBe(1);
    expect(plain.graph.nodes.some((n) => n.kind === 'cast' && n.type.dtype === 'f16')).toBe(false);
  });

  it('rejects f16 parameters, a loss scale without f16 compute, and f16 compute over f64', () => {
    expect(() => buildTrainingGraph(arch, { kind: 'full' }, shape, { dtype: 'f16' as never })).toThrow(/options\.dtype.*computeDtype/);
    expect(() => buildTrainingGraph(arch, { kind: 'full' }, shape, { lossScale: 8 })).toThrow(/options\.lossScale/);
    expect(() => buildTrainingGraph(arch, { kind: 'full' }, shape, { dtype: 'f64', computeDtype: 'f16' })).toThrow(/options\.computeDtype/);
  });
});

