/**
 * The trainer's boundary: one settings schema behind options, state and the resume check (each
 * differing setting named), validated options (ValidationError, never a TypeError), checksummed
 * checkpoints that refuse flipped bits, and epochs (with a warning when one pass ends the run early).
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { referenceBackend } from '../reference/index.js';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint, TrainerStateSchema } from './checkpoint.js';
import { crc32Hex } from './checksum.js';
import { arrayPairSource, syntheticPairs, type TokenPair } from './pairs.js';
import { TRAINER_SETTING_NAMES } from './settings.js';
import { TINY, tinyParameters } from './tiny-model.test-helper.js';
import { type TrainerEvent, type TrainerOptions, train } from './trainer.js';

const base = (overrides: Partial<TrainerOptions> = {}): TrainerOptions => ({
  backend: referenceBackend(),
  architecture: TINY,
  method: { kind: 'bias' },
  parameters: tinyParameters('f64'),
  data: syntheticPairs({ vocabSize: TINY.vocabSize, topics: 16, seed: 5 }),
  batch: { B: 4, Tq: 6, Tp: 8 },
  steps: 4,
  peakLearningRate: 1e-2,
  dtype: 'f64',
  ...overrides,
});

describe('trainer settings: one schema', () => {
  it('the state holds every setting, and resume refuses each differing one by name', async () => {
    for (const name of TRAINER_SETTING_NAMES) expect(Object.keys(TrainerStateSchema.shape)).toContain(name);
    const first = await train(base({ maxSteps: 1 }));
    const resume = first.checkpoint;
    await expect(train(base({ resume, pooling: 'last' }))).rejects.toThrow(/options\.pooling: expected "mean" as in the checkpoint being resumed, got "last"/);
    await expect(train(base({ resume, inverseTemperature: 20 }))).rejects.toThrow(/options\.inverseTemperature: expected 40 as in the checkpoint/);
    await expect(train(base({ resume, padId: 1 }))).rejects.toThrow(/options\.padId: expected 0 as in the checkpoint/);
    await expect(train(base({ resume, partialBatch: 'drop' }))).rejects.toThrow(/options\.partialBatch/);
    // Several at once: all named.
    await expect(train(base({ resume, pooling: 'last', padId: 1 }))).rejects.toThrow(/options\.pooling.*also different: padId \(checkpoint 0, now 1\)/);
    // Run controls may change on resume.
    const resumed = await train(base({ resume, lossEvery: 2, epochs: 2, flopBudget: 1e15 }));
    expect(resumed.state.step).toBe(4);
  });

  it('validates every option at the boundary with a ValidationError naming it', async () => {
    const refuse = async (overrides: Record<string, unknown>, field: RegExp) => {
      const error = await train({ ...base(), ...overrides } as TrainerOptions).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(field);
    };
    await refuse({ architecture: null }, /options\.architecture: expected a ModelArchitecture/);
    await refuse({ parameters: Object.fromEntries(tinyParameters('f64')) }, /options\.parameters: expected a Map of parameters/);
    await refuse({ parameters: new Map([['x', { dtype: 'f64' }]]) }, /options\.parameters/);
    await refuse({ backend: {} }, /options\.backend\.name/);
    await refuse({ data: [] }, /options\.data: expected a PairSource/);
    await refuse({ onCheckpoint: 'file.safetensors' }, /options\.onCheckpoint: expected a function/);
    await refuse({ signal: true }, /options\.signal: expected an AbortSignal/);
    await refuse({ lossEvery: 0 }, /options\.lossEvery/);
    await refuse({ epochs: 1.5 }, /options\.epochs/);
    await refuse({ pooling: 'max' }, /options\.pooling/);
    await refuse({ inverseTemperature: -1 }, /options\.inverseTemperature/);
    await refuse({ stepz: 4 }, /options: expected no key "stepz"/);
    await refuse({ optimizer: { beta1: 1 } }, /options\.optimizer\.beta1/);
    await refuse({ resume: { state: {}, parameters: new Map(), moments: new Map() } }, /options\.resume\.state\./);
    await refuse({ resident: true }, /options\.resident: expected false or unset: backend reference keeps nothing resident/);
    const error = await train(null as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
  });
});

describe('trainer checkpoints carry a checksum', () => {
  it('is CRC-32 (agrees with zlib) and refuses a flipped bit in any tensor or in the state', async () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32Hex([bytes])).toBe('cbf43926');
    const odd = new Uint8Array(1027).map((_, i) => (i * 7919) & 0xff);
    expect(crc32Hex([odd.subarray(0, 5), odd.subarray(5)])).toBe(crc32(odd).toString(16).padStart(8, '0'));

    const result = await train(base({ maxSteps: 1 }));
    const file = encodeTrainerCheckpoint(result.checkpoint);
    expect(decodeTrainerCheckpoint(file).state).toEqual(result.checkpoint.state);
    const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    const dataStart = 8 + headerLength;
    for (const at of [dataStart, dataStart + 100, file.length - 1]) {
      for (const bit of [0, 7]) {
        const flipped = file.slice();
        flipped[at]! ^= 1 << bit;
        expect(() => decodeTrainerCheckpoint(flipped)).toThrow(/repurpose\.checksum.*the file is corrupted/);
      }
    }
    // A changed digit in the state JSON (step 1 → 2) parses and validates, and is still refused.
    const header = new TextDecoder().decode(file.subarray(8, dataStart));
    const edited = header.replace('\\"step\\":1,', '\\"step\\":2,');
    expect(edited).not.toBe(header);
    const tampered = file.slice();
    tampered.set(new TextEncoder().encode(edited), 8);
    expect(() => decodeTrainerCheckpoint(tampered)).toThrow(/checksum/);
  });
});

describe('trainer epochs', () => {
  const pairs = syntheticPairs({ vocabSize: 128, topics: 16, seed: 2 }).read(0, 16) as readonly TokenPair[];

  it('one pass by default: stops with reason data and a warning naming the fix', async () => {
    const events: TrainerEvent[] = [];
    const r = await train(base({ data: arrayPairSource(pairs), steps: 16 }), (e) => events.push(e));
    expect(r).toMatchObject({ reason: 'data', state: { step: 4, epoch: 0, dataPosition: 16 } });
    const warning = events.find((e) => e.kind === 'warning');
    expect(warning).toMatchObject({ code: 'data-exhausted' });
    expect(warning && 'message' in warning && warning.message).toMatch(/at step 4 of 16.*epochs: 4/);
  });

  it('re-reads the data from 0 each epoch, and a resume mid-epoch is bitwise exact', async () => {
    const events: TrainerEvent[] = [];
    const straight = await train(base({ data: arrayPairSource(pairs), steps: 10, epochs: 3 }), (e) => events.push(e));
    expect(straight).toMatchObject({ reason: 'steps', state: { step: 10, epoch: 2, dataPosition: 8, pairs: 40 } });
    expect(events.filter((e) => e.kind === 'epoch').map((e) => (e.kind === 'epoch' ? e.step : -1))).toEqual([4, 8]);
    expect(events.some((e) => e.kind === 'warning')).toBe(false);
    const first = await train(base({ data: arrayPairSource(pairs), steps: 10, epochs: 3, maxSteps: 6 }));
    expect(first.state).toMatchObject({ step: 6, epoch: 1, dataPosition: 8 });
    const resumed = await train(base({ data: arrayPairSource(pairs), steps: 10, epochs: 3, resume: decodeTrainerCheckpoint(encodeTrainerCheckpoint(first.checkpoint)) }));
    expect(resumed.state).toEqual(straight.state);
    for (const [n, t] of straight.checkpoint.parameters) expect(Buffer.from(resumed.checkpoint.parameters.get(n)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    // The epochs are spent before the schedule: reason data again, with the warning.
    const short = await train(base({ data: arrayPairSource(pairs), steps: 10, epochs: 2 }));
    expect(short).toMatchObject({ reason: 'data', state: { step: 8, epoch: 1 } });
    // An empty source never loops.
    expect((await train(base({ data: arrayPairSource([]), epochs: 5 }))).state.step).toBe(0);
  });
});
