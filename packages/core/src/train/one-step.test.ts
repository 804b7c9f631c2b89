/**
 * Acceptance (issue 4): after one optimizer step only the method's trainable tensors have changed —
 * every frozen checkpoint tensor is bit-identical, every trainable tensor (LoRA adapters included)
 * moved.
 */
import { describe, expect, it } from 'vitest';
import type { FineTuningMethod } from '../methods/method.js';
import { initAdapters } from '../model/lora.js';
import { methodPlan } from '../model/method-plan.js';
import { referenceBackend } from '../reference/index.js';
import { syntheticPairs } from './pairs.js';
import { TINY, tinyParameters } from './tiny-model.test-helper.js';
import { train } from './trainer.js';

const METHODS: FineTuningMethod[] = [{ kind: 'full' }, { kind: 'freeze', trainableBlocks: 1 }, { kind: 'bias' }, { kind: 'lora', rank: 4 }];

describe('one optimizer step changes exactly the trainable tensors', () => {
  for (const method of METHODS) {
    it(method.kind, async () => {
      const initial = tinyParameters('f64');
      const plan = methodPlan(TINY, method);
      const before = new Map([...initial, ...initAdapters(plan, { seed: 0, dtype: 'f64' })]);
      const result = await train({
        backend: referenceBackend(),
        architecture: TINY,
        method,
        parameters: initial,
        data: syntheticPairs({ vocabSize: TINY.vocabSize, seed: 5 }),
        batch: { B: 4, Tq: 5, Tp: 7 },
        steps: 10,
        maxSteps: 1,
        peakLearningRate: 1e-2,
        dtype: 'f64',
      });
      expect(result.state.step).toBe(1);
      const trainable = new Set(plan.trainable);
      expect(trainable.size).toBeGreaterThan(0);
      for (const [name, t] of before) {
        const after = result.parameters.get(name)!;
        const same = after.data.every((x, i) => x === t.data[i]);
        expect(same, `${name} ${trainable.has(name) ? 'should have changed' : 'should be unchanged'}`).toBe(!trainable.has(name));
      }
    });
  }
});
