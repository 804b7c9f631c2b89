/**
 * Trainer checkpoint bytes: round trip (dtype kept, so f64 is exact), the state in the header
 * metadata, and a clear error for each kind of wrong file.
 */
import { describe, expect, it } from 'vitest';
import { hostTensor } from '../engine/host-tensor.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { writeSafetensors } from '../io/safetensors-write.js';
import { momentName } from './adamw.js';
import { type TrainerCheckpoint, type TrainerState, TRAINER_CHECKPOINT_FORMAT, decodeTrainerCheckpoint, encodeTrainerCheckpoint } from './checkpoint.js';

const STATE: TrainerState = {
  step: 3,
  epoch: 0,
  dataPosition: 24,
  pairs: 24,
  tokens: 301,
  flopUsed: 1.5e9,
  accounting: 'paper',
  miniBatch: null,
  shapes: { kind: 'fixed' },
  steps: 10,
  peakLearningRate: 1e-3,
  warmupFraction: 0.1,
  optimizer: { weightDecay: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  method: { kind: 'bias' },
  loraEmbedIn: true,
  batch: { B: 8, Tq: 6, Tp: 8 },
  dtype: 'f64',
  computeDtype: 'f64',
  lossScale: null,
  seed: 0,
  pooling: 'mean',
  inverseTemperature: 40,
  padId: 0,
  partialBatch: 'run',
  trainable: ['a.bias', 'b.bias'],
};

function sample(): TrainerCheckpoint {
  const t = (values: number[]) => hostTensor('f64', [values.length], values);
  return {
    state: STATE,
    parameters: new Map([['a.bias', t([0.1 + 0.2, Math.PI])], ['b.bias', t([1e-300, -0])]]),
    moments: new Map([
      [momentName('m', 'a.bias'), t([1, 2])],
      [momentName('v', 'a.bias'), t([3, 4])],
      [momentName('m', 'b.bias'), t([5, 6])],
      [momentName('v', 'b.bias'), t([7, 8])],
    ]),
  };
}

describe('trainer checkpoint bytes', () => {
  it('round-trips tensors bit for bit and the state exactly', () => {
    const bytes = encodeTrainerCheckpoint(sample());
    const back = decodeTrainerCheckpoint(bytes);
    expect(back.state).toEqual(STATE);
    expect(Array.from(back.parameters.get('a.bias')!.data)).toEqual([0.1 + 0.2, Math.PI]);
    expect(Object.is(back.parameters.get('b.bias')!.data[1], -0)).toBe(true);
    expect(Array.from(back.moments.get(momentName('v', 'b.bias'))!.data)).toEqual([7, 8]);
    const contents = readSafetensors(bytes);
    expect(contents.metadata['format']).toBe(TRAINER_CHECKPOINT_FORMAT);
    expect(contents.tensors.get('a.bias')!.dtype).toBe('F64');
  });

  it('refuses files that are not, or not wholly, trainer checkpoints — naming what is wrong', () => {
    const good = readSafetensors(encodeTrainerCheckpoint(sample()));
    const tensors = new Map([...good.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float64Array }]));
    const rewrite = (edit: (m: Map<string, { shape: readonly number[]; data: Float64Array | Float32Array }>, meta: Record<string, string>) => void) => {
      const m = new Map(tensors);
      const meta = { ...good.metadata };
      edit(m, meta);
      return writeSafetensors(m, meta);
    };
    expect(() => decodeTrainerCheckpoint(writeSafetensors(tensors))).toThrow(/format: expected "repurpose\.trainer-checkpoint\.v2"/);
    expect(() => decodeTrainerCheckpoint(rewrite((_, meta) => (meta['repurpose.trainer'] = '{not json')))).toThrow(/the trainer state as JSON/);
    expect(() => decodeTrainerCheckpoint(rewrite((_, meta) => (meta['repurpose.trainer'] = JSON.stringify({ ...STATE, step: -1 }))))).toThrow(/checkpoint\.state\.step/);
    expect(() => decodeTrainerCheckpoint(rewrite((m) => m.delete(momentName('v', 'b.bias'))))).toThrow(/adamw\.v\.b\.bias/);
    expect(() => decodeTrainerCheckpoint(rewrite((m) => m.set('extra', { shape: [1], data: new Float64Array(1) })))).toThrow(/only the trainable tensors.*got \["extra"\]/);
    expect(() => decodeTrainerCheckpoint(rewrite((m) => m.set('a.bias', { shape: [2], data: new Float32Array(2) })))).toThrow(/a\.bias dtype: expected F64, got "F32"/);
    expect(() => decodeTrainerCheckpoint(rewrite((m) => m.set(momentName('m', 'a.bias'), { shape: [3], data: new Float64Array(3) })))).toThrow(/shape: expected \[2\]/);
    expect(() => decodeTrainerCheckpoint(new Uint8Array(5))).toThrow();
  });

  it('refuses to encode tensors missing from, or of another dtype than, the state', () => {
    const c = sample();
    expect(() => encodeTrainerCheckpoint({ ...c, moments: new Map() })).toThrow(/adamw\.m\.a\.bias/);
    expect(() => encodeTrainerCheckpoint({ ...c, parameters: new Map([...c.parameters, ['a.bias', hostTensor('f32', [2])]]) })).toThrow(/a f64 tensor/);
  });
});
