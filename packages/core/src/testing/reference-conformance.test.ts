/**
 * The reference backend runs the conformance suite (@repurpose/core/testing) the same way a backend
 * package runs it from its own tests; and the suite fails a backend that is off by one part in 1e9.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, type Executable, type RunOptions, isResident } from '../engine/backend.js';
import { hostTensor } from '../engine/host-tensor.js';
import { GOLDEN_DIR } from '../model/golden.test-helper.js';
import { referenceBackend } from '../reference/backend.js';
import { conformanceCases } from './conformance.js';
import { nodeFixtureSource } from './fixtures.js';

describe('reference backend conforms', () => {
  for (const c of conformanceCases(() => referenceBackend(), { fixtures: nodeFixtureSource(GOLDEN_DIR) })) it(c.name, c.run);
});

describe('the suite fails a backend that is slightly wrong', () => {
  // Every float output nudged by one part in 1e9: invisible to the golden tolerances, not to the literals.
  const nudged = (): Backend => {
    const inner = referenceBackend();
    return {
      ...inner,
      name: 'nudged',
      compile: async (graph) => {
        const exe = await inner.compile(graph);
        const run = async (feeds: Parameters<Executable['run']>[0], options?: RunOptions) => {
          const out = await exe.run(feeds, options ?? {});
          return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, isResident(t) || t.dtype === 'i32' ? t : hostTensor(t.dtype, t.shape, Array.from(t.data, (x) => x * (1 + 1e-9)))]));
        };
        return { ...exe, run: run as Executable['run'] };
      },
    };
  };
  it('literal cases catch it; the contract case does not', async () => {
    const cases = conformanceCases(nudged, { fixtures: nodeFixtureSource(GOLDEN_DIR) });
    await expect(cases.find((c) => c.name === 'ops: exp: exp(0, 1)')!.run()).rejects.toThrow(/exp exp\(0, 1\): element 0 is 1\.000000001, expected 1 within 2e-15/);
    await expect(cases.find((c) => c.name.startsWith('contract:'))!.run()).resolves.toBeUndefined();
  });
});
