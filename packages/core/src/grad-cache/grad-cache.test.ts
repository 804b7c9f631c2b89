import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../catalog/architecture.js';
import { gradOutputName } from '../engine/grad.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import type { FineTuningMethod } from '../methods/method.js';
import { initAdapters } from '../model/lora.js';
import { parameterFeeds } from '../model/parameter-map.js';
import { LOSS_OUTPUT, buildTrainingGraph } from '../model/training-graph.js';
import { referenceBackend } from '../reference/index.js';
import { padBatch } from '../train/batch.js';
import { syntheticPairs } from '../train/pairs.js';
import { randomGptNeoXParameters } from '../train/random-parameters.js';
import { createGradCache } from './grad-cache.js';

const arch = architectureFromConfig({ num_hidden_layers: 2, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32, vocab_size: 48, max_position_embeddings: 16 }, 'tiny-gc');
const batch = { B: 6, Tq: 5, Tp: 7 };
const pairs = syntheticPairs({ vocabSize: 48, seed: 4, queryLength: [2, 5], positiveLength: [3, 7] }).read(0, batch.B) as ReturnType<ReturnType<typeof syntheticPairs>['read']> & unknown[];
const parameters = randomGptNeoXParameters(arch, { seed: 9, dtype: 'f64' });

/** Relative error max|a − b| / max|b| over one tensor. */
const relative = (a: HostTensor, b: HostTensor) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.data.length; i++) {
    diff = Math.max(diff, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  return scale === 0 ? diff : diff / scale;
};

async function fullBatch(method: FineTuningMethod, adapters: Map<string, HostTensor>) {
  const t = buildTrainingGraph(arch, method, batch, { dtype: 'f64' });
  const exe = await referenceBackend().compile(t.graph);
  const out = await exe.run({ ...padBatch(pairs, batch).feeds, ...parameterFeeds(exe.graph, parameters, adapters) });
  return { loss: out[LOSS_OUTPUT]!.data[0]!, gradients: new Map(t.trainable.map((n) => [n, out[gradOutputName(n)]!])) };
}

describe('GradCache', () => {
  const methods: FineTuningMethod[] = [{ kind: 'full' }, { kind: 'lora', rank: 4 }, { kind: 'bias' }];
  for (const method of methods) {
    it(`${method.kind}: mini-batches of 1 and 4 (4 does not divide B = 6) give the full-batch loss and gradient in f64 to 1e-10`, async () => {
      // LoRA starts with one factor at 0 (B, or A for the embedding), which zeroes the other's gradient:
      // give every zero factor small values so all are tested.
      const adapters = initAdapters(buildTrainingGraph(arch, method, batch, { dtype: 'f64' }).plan, { dtype: 'f64', seed: 3 });
      for (const [name, t] of adapters) if (t.data.every((v) => v === 0)) adapters.set(name, hostTensor('f64', t.shape, Array.from(t.data, (_, i) => 0.01 * Math.sin(i + 1))));
      const reference = await fullBatch(method, adapters);
      expect(reference.gradients.size).toBeGreaterThan(0);
      // Every trainable gradient is really exercised (a zero tensor would compare equal to anything small).
      for (const [name, g] of reference.gradients) expect(Array.from(g.data).some((v) => v !== 0) ? name : `${name} is all zero`).toBe(name);
      for (const miniBatch of [1, 4]) {
        const cache = await createGradCache({ backend: referenceBackend(), architecture: arch, method, parameters, adapters, batch, miniBatch, dtype: 'f64' });
        const result = await cache.step(pairs);
        expect(Math.abs(result.loss - reference.loss)).toBeLessThan(1e-12);
        expect([...result.gradients.keys()].sort()).toEqual([...reference.gradients.keys()].sort());
        let worst = 0;
        for (const [name, g] of reference.gradients) worst = Math.max(worst, relative(result.gradients.get(name)!, g));
        console.log(`GradCache ${method.kind}, m = ${miniBatch}: worst relative gradient error ${worst.toExponential(1)}`);
        expect(worst).toBeLessThan(1e-10);
      }
    });
  }

  it('refuses a mini-batch outside 1..B and a batch of the wrong size', async () => {
    const base = { backend: referenceBackend(), architecture: arch, method: { kind: 'full' } as const, parameters, batch, dtype: 'f64' as const };
    await expect(createGradCache({ ...base, miniBatch: 7 })).rejects.toThrow(/options\.miniBatch: expected an integer in 1\.\.B = 6/);
    const cache = await createGradCache({ ...base, miniBatch: 3 });
    await expect(cache.step(pairs.slice(0, 5))).rejects.toThrow(/exactly B = 6 pairs/);
  });
});
