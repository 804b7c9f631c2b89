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

  it('GradCache keeps only a chunk of pairs live, plus the cached embeddings', () => {
    const whole = trainingMemory(m, { kind: 'full' }, opts({ batchSize: 1024 }));
    const chunked = trainingMemory(m, { kind: 'full' }, opts({ batchSize: 1024, cachedChunkPairs: 64 }));
    expect(chunked.activations).toBeLessThan(whole.activations / 10);
    expect(chunked.activations).toBe(whole.activations / 16 + 2 * 1024 * 128 * 4 * 2);
  });
});
