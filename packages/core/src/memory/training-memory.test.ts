import { describe, expect, it } from 'vitest';
import { PYTHIA } from '../catalog/pythia.js';
import { parameterCounts } from '../catalog/parameter-counts.js';
import { MemoryOptionsSchema, trainingMemory } from './training-memory.js';

const m = PYTHIA['pythia-14m']; // L 6, d 128, NH 4, V 50304
const opts = (o = {}) => MemoryOptionsSchema.parse({ batchSize: 8, sequenceLength: 10, ...o });
const all = parameterCounts(m).total;

describe('trainingMemory', () => {
  it('full fine-tuning: 2 bytes of weights, 2 of gradients and 12 of optimizer state per parameter', () => {
    const e = trainingMemory(m, { kind: 'full' }, opts());
    expect(e.weights).toBe(2 * all);
    expect(e.gradients).toBe(2 * all);
    expect(e.optimizer).toBe(12 * all);
  });

  it('activations: block inputs for every block plus one block recomputed, under checkpointing', () => {
    const tokens = 2 * 8 * 10;
    const perBlockToken = 34 * 128 + 5 * 4 * 10;
    expect(trainingMemory(m, { kind: 'full' }, opts()).activations).toBe(6 * tokens * 128 * 2 + tokens * perBlockToken);
    expect(trainingMemory(m, { kind: 'full' }, opts({ gradientCheckpointing: false })).activations).toBe(6 * tokens * perBlockToken);
  });

  it('methods keep optimizer state only for what they train; frozen blocks store no activations', () => {
    const full = trainingMemory(m, { kind: 'full' }, opts());
    const lora = trainingMemory(m, { kind: 'lora', rank: 8 }, opts());
    const bias = trainingMemory(m, { kind: 'bias' }, opts());
    const freeze = trainingMemory(m, { kind: 'freeze', trainableBlocks: 2 }, opts({ gradientCheckpointing: false }));
    expect(lora.optimizer).toBe(12 * (16 * 6 * 128 * 8 + 8 * (50304 + 128)));
    expect(lora.weights).toBeGreaterThan(full.weights); // adapters come on top of the frozen model
    expect(bias.optimizer).toBe(12 * parameterCounts(m).biases);
    expect(freeze.activations).toBe(2 * 2 * 8 * 10 * (34 * 128 + 5 * 4 * 10));
    expect(full.total).toBeGreaterThan(lora.total);
  });

  it('GradCache keeps only a chunk of pairs live, plus the cached embeddings; the peak is the largest phase', () => {
    const at75 = (o = {}) => opts({ batchSize: 1024, sequenceLength: 75, ...o });
    const whole = trainingMemory(m, { kind: 'full' }, at75());
    const chunked = trainingMemory(m, { kind: 'full' }, at75({ cachedChunkPairs: 64 }));
    const cache = 2 * 1024 * 128 * 4 * 2;
    expect(chunked.activations).toBeLessThan(whole.activations / 10);
    expect(chunked.phases!.backward).toBe(whole.activations / 16 + cache);
    expect(chunked.phases!.loss).toBe(cache + 4 * 1024 * 1024 * 4);
    expect(chunked.activations).toBe(Math.max(chunked.phases!.embed, chunked.phases!.loss, chunked.phases!.backward));
    // The running gradient sum and one mini-batch's gradient are both alive while they are added.
    expect(chunked.gradients).toBe(2 * whole.gradients);
    // At short sequences the B × B scores of the loss phase are the peak.
    const short = trainingMemory(m, { kind: 'full' }, opts({ batchSize: 1024, cachedChunkPairs: 64 }));
    expect(short.activations).toBe(short.phases!.loss);
  });

  it('f32 / f64: the engine keeps w bytes a value, two moments and no master copy', () => {
    const f32 = trainingMemory(m, { kind: 'full' }, opts({ precision: 'f32', gradientCheckpointing: false }));
    const f64 = trainingMemory(m, { kind: 'full' }, opts({ precision: 'f64', gradientCheckpointing: false }));
    const mixed = trainingMemory(m, { kind: 'full' }, opts({ gradientCheckpointing: false }));
    expect(f32.weights).toBe(4 * all);
    expect(f32.optimizer).toBe(8 * all);
    expect(f64.gradients).toBe(8 * all);
    expect(f32.activations).toBe(2 * mixed.activations);
    expect(f64.activations).toBe(4 * mixed.activations);
  });
});
