/**
 * The small version of the memory-cap acceptance run (tools/memory/train-under-cap.mjs, in a
 * subprocess so its peak RSS is its own): a small GPT-NeoX, 256 pairs of 64 + 64 tokens, a 400 MiB
 * cap the whole batch does not fit. The trainer must pick the GradCache mini-batch from the cap and
 * train with the process's measured peak RSS under it, while the same step as one graph goes over. The 1024-pair pythia-14m run takes
 * minutes a step on two cores, so it is a script run (docs/training.md reports it), not a test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../../packages/core/src/catalog/architecture.js';
import { RUNTIME_OVERHEAD_BYTES, trainerMemory } from '../../packages/core/src/memory/mini-batch.js';

const root = join(import.meta.dirname, '..', '..');
const built = ['packages/core/dist/engine.js', 'packages/backend-onnx/dist/index.js'].every((p) => existsSync(join(root, p)));

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'tools/memory/train-under-cap.mjs'), '--tiny', '2,64,4,512', '--pairs', '256', '--tokens', '64', '--backend', 'onnx', '--no-arena', '--steps', '1', '--threads', '1', ...args], { encoding: 'utf8', timeout: 180_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
};
const MiB = 2 ** 20;

describe('training under a memory cap (subprocess, ONNX Runtime)', () => {
  it.skipIf(!built)('picks the mini-batch from the cap and stays under it, where the whole batch does not (measured peak RSS)', () => {
    const arch = architectureFromConfig({ num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, intermediate_size: 256, vocab_size: 512, max_position_embeddings: 128 }, 'tiny');
    const batch = { B: 256, Tq: 64, Tp: 64 };
    const peak = (m: number | null) => trainerMemory(arch, { kind: 'full' }, batch, 'f32', m).total + RUNTIME_OVERHEAD_BYTES;
    const cap = 400 * MiB;
    expect(peak(null)).toBeGreaterThan(cap);
    const capped = run(['--cap', String(cap)]);
    const whole = run(['--cap', String(cap), '--mini-batch', 'whole']);
    console.log(
      `256 pairs of 64 + 64 tokens, cap ${cap / MiB} MiB: mini-batch ${capped.miniBatch}, estimate ${(capped.estimate / MiB).toFixed(0)} MiB, measured peak RSS ${(capped.peakRss / MiB).toFixed(0)} MiB; ` +
        `the whole batch as one graph: estimate ${(peak(null) / MiB).toFixed(0)} MiB, measured ${(whole.peakRss / MiB).toFixed(0)} MiB`,
    );
    expect(capped.miniBatch).toBe(64);
    expect(capped.steps).toBe(1);
    expect(capped.peakRss).toBeLessThanOrEqual(cap);
    // The cap binds: without GradCache the same step needs more than the cap.
    expect(whole.miniBatch).toBe(null);
    expect(whole.peakRss).toBeGreaterThan(cap);
    // Same batch, same loss (f32, summation order aside).
    expect(Math.abs(capped.loss - whole.loss)).toBeLessThan(1e-4 * Math.abs(whole.loss));
  });
  if (!built) console.log('skipped: build the packages first (npx -y pnpm@12.4.2 -r build); the script imports packages/*/dist');
});
