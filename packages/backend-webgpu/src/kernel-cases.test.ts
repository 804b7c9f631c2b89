/**
 * The kernel cases (kernel-cases.ts: tile, workgroup and branch boundaries the shared tables do not
 * reach) on the WebGPU backend against the reference backend, in f32: forward outputs, then the
 * gradients `grad` builds (of loss = Σ y·r for a random r), run as graphs on both backends. Each
 * case runs twice where the device has subgroups: with subgroup reductions (the default there) and
 * with the workgroup-memory path (`subgroups: false`) — the long rows, long reductions and the
 * workgroup attention take one or the other. Runs on lavapipe in CI; skips with a printed reason
 * where no adapter exists.
 *
 * Terms over ≤ 300 elements; the reductions over > 64 elements sum in a different order than a
 * serial loop (64 strided partials, then a tree or subgroup sums), which the bound below covers.
 *
 * Tolerance: |got − want| ≤ 1e-5·|want| + 2e-6·max(1, ‖want‖∞). f32 carries 24 bits (ulp 1.2e-7 at
 * 1); the reference rounds once from f64 while these kernels round at every step of sums over ≤ 100
 * terms (≈ 40 ulp worst case, ≈ 5e-6 relative to the largest term) and erf is a 3e-7 approximation.
 */
import { GraphBuilder, type HostTensor, type OpKind, grad, gradOutputName, hostTensor, seededRandom, uniformValues } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebGpuBackend } from './backend.js';
import { KERNEL_CASES, type KernelCase } from './kernel-cases.js';
import { testGpu } from './test-support/test-gpu.js';
import { KERNELS } from './kernels/index.js';

const gpu = await testGpu();
// The same device with the workgroup-memory path; the default backend uses subgroups where it can.
const plain = gpu.backend === null ? null : await createWebGpuBackend({ device: gpu.backend.device, subgroups: false });
const paths = gpu.backend === null ? [] : gpu.backend.subgroups ? [{ name: 'subgroups', backend: gpu.backend }, { name: 'workgroup memory', backend: plain! }] : [{ name: 'workgroup memory', backend: plain! }];
if (gpu.backend !== null && !gpu.backend.subgroups) console.log(`kernel cases: only the workgroup-memory path (this device has no subgroups: ${gpu.backend.description})`);
afterAll(() => {
  if (gpu.backend !== null) console.log('webgpu kernel cases:', gpu.backend.stats());
  plain?.dispose();
  gpu.backend?.dispose();
});
const reference = referenceBackend();

function feedsFor(kc: KernelCase, seed: number): Record<string, HostTensor> {
  const random = seededRandom(seed);
  return Object.fromEntries(
    kc.inputs.map((input, i) => {
      const n = input.shape.reduce((a, d) => a * d, 1);
      const lo = input.lo ?? -1;
      const hi = input.hi ?? 1;
      const values = input.dtype === 'i32' ? uniformValues(random, n, lo, hi).map(Math.floor) : uniformValues(random, n, lo, hi);
      return [`x${i}`, hostTensor(input.dtype, input.shape, values)];
    }),
  );
}

export function expectClose(got: HostTensor, want: HostTensor, label: string): void {
  expect(got.dtype, label).toBe(want.dtype);
  expect(got.shape, label).toEqual(want.shape);
  if (want.dtype === 'i32') {
    expect(Array.from(got.data), label).toEqual(Array.from(want.data));
    return;
  }
  const scale = Math.max(1, ...Array.from(want.data, Math.abs));
  want.data.forEach((w, i) => {
    const g = got.data[i]!;
    expect(Math.abs(g - w), `${label}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(1e-5 * Math.abs(w) + 2e-6 * scale);
  });
}

describe.skipIf(gpu.backend === null)(`webgpu kernel cases against the reference (${gpu.backend?.description ?? gpu.skip})`, () => {
  for (const path of paths) describe(path.name, () => cases(path.backend));
});

function cases(backend: typeof plain & object): void {
  let seed = 1;
  for (const [kind, cases] of Object.entries(KERNEL_CASES)) {
    describe(kind, () => {
      for (const kc of cases) {
        const caseSeed = seed++;
        it(kc.name, async () => {
          const b = new GraphBuilder({ dtype: 'f32' });
          const xs = kc.inputs.map((input, i) => (input.dtype === 'f32' ? b.param(`x${i}`, input.shape, 'f32') : b.data(`x${i}`, input.shape, input.dtype)));
          const y = kc.build(b, xs);
          b.output('y', y);
          const floats = kc.inputs.flatMap((input, i) => (input.dtype === 'f32' ? [`x${i}`] : []));
          const withGrad = !kc.noGrad && y.dtype === 'f32' && floats.length > 0;
          if (withGrad) b.output('loss', b.sum(b.mul(y, b.data('r', y.shape, 'f32'))));
          const forward = b.build();
          expect(forward.nodes.some((n) => n.kind === kind), `the graph contains ${kind}`).toBe(true);
          const feeds = feedsFor(kc, caseSeed);
          if (withGrad) feeds.r = hostTensor('f32', y.shape, uniformValues(seededRandom(caseSeed + 1000), y.shape.reduce((a, d) => a * d, 1)));
          const graph = withGrad ? grad(forward, { loss: 'loss', wrt: floats }) : forward;
          const want = (await reference.compile(graph)).run(feeds);
          const exe = await backend.compile(graph);
          // Forward-only cases must run the op itself (grad expands composites it differentiates).
          if (!withGrad && KERNELS[kind as OpKind] !== null) expect(exe.graph.nodes.some((n) => n.kind === kind), `the compiled graph runs ${kind}`).toBe(true);
          const got = await exe.run(feeds);
          exe.dispose();
          const expected = await want;
          expectClose(got.y!, expected.y!, 'y');
          if (withGrad) for (const x of floats) expectClose(got[gradOutputName(x)]!, expected[gradOutputName(x)]!, gradOutputName(x));
        });
      }
    });
  }
}
