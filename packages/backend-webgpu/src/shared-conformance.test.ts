/**
 * The WebGPU backend runs core's conformance suite (`@repurpose/core/testing`) in f32 (WGSL has no
 * f64) on a real adapter — lavapipe in CI: the declared contract, every op's literal cases, finite-
 * difference gradients, fused composites against their decompositions, the golden PyTorch fixtures
 * (forward, the gradients of the four methods, three AdamW steps of each through the trainer),
 * `updates`, residency, release and bitwise resume — the checks the reference and ONNX backends pass.
 * Skips with a printed reason where no adapter exists.
 *
 * Every case gets its own backend (the suite disposes it) on one shared device: a Dawn device per
 * case would cost a driver start each and nothing more would be tested.
 */
import { conformanceCases, nodeFixtureSource } from '@repurpose/core/testing';
import { afterAll, describe, it } from 'vitest';
import { createWebGpuBackend } from './backend.js';
import { testGpu } from './test-support/test-gpu.js';

/** The training cases take 2–8 s each on lavapipe alone; a shared, loaded machine can stretch that several times. Not a timing assertion. */
const CASE_TIMEOUT_MS = 240_000;

const gpu = await testGpu();
afterAll(() => gpu.backend?.dispose());

/**
 * Cases that do not pass, each with its measured reason (printed in the test name). One, the same as
 * on ONNX Runtime in f32: after 4 steps at lr 1e-2, the key slices of
 * query_key_value.bias end 7.9e-2 (layer 0) and 6.7e-2 (layer 1) of the tensor's scale from the
 * reference (bound 1e-2); every other parameter and moment is within 1e-4 (measured on lavapipe).
 * Their true gradient is zero (a constant added to every key of a row leaves the row's softmax
 * unchanged), so both runs' gradients there are f32 rounding noise, and AdamW moves an element by
 * about lr·g/|g| whatever |g| is: ±lr with unrelated signs. golden-steps.test.ts checks
 * against PyTorch with exactly those elements excluded and counted.
 */
const KNOWN: Readonly<Record<string, string>> = {
  'residency: after 4 steps the parameters and moments kept on the device equal the reference backend’s':
    'the zero-gradient key-bias slice drifts by f32 noise × lr (7.9e-2, bound 1e-2), as on ONNX Runtime in f32',
};

describe.skipIf(gpu.backend === null)(`core's conformance suite on webgpu, f32 (${gpu.backend?.description ?? gpu.skip})`, () => {
  for (const c of conformanceCases(() => createWebGpuBackend({ device: gpu.backend!.device }), { fixtures: nodeFixtureSource(), dtype: 'f32' })) {
    const reason = KNOWN[c.name];
    if (reason !== undefined) it.skip(`${c.name} — skipped: ${reason}`, c.run);
    else it(c.name, c.run, CASE_TIMEOUT_MS);
  }
});
