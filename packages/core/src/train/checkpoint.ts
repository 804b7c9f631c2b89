/**
 * Trainer checkpoints as ONE safetensors file (bytes; browser-safe): the trainable tensors under
 * their parameter names (HF or LoRA adapter names), both AdamW moments under `adamw.m.<name>` /
 * `adamw.v.<name>`, and the run state as JSON in the header's `__metadata__` (key `repurpose.trainer`):
 * step, epoch, data position, tokens and FLOP spent, and every setting a resume must repeat
 * (settings.ts). Key `repurpose.checksum` holds a CRC-32 of the state and all tensor bytes, verified
 * on load, so a corrupted file is refused instead of resuming from silently wrong numbers.
 *
 * One file rather than tensors + a JSON beside them: a single atomic rename (train/checkpoint-file.ts)
 * then commits everything together, so a crash can never pair new tensors with an old step. Tensors
 * keep their dtype (F64 runs store F64), so resuming is bitwise exact.
 *
 * Frozen parameters are not stored: they are the base checkpoint's. Not the PEFT adapter format
 * (model/adapter-checkpoint.ts) and not a full model export.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { FloatDType } from '../engine/dtype.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-write.js';
import { expect, integerAtLeast, validate } from '../validate.js';
import { momentName } from './adamw.js';
import { crc32Hex } from './checksum.js';
import { TrainerSettingsSchema } from './settings.js';

export const TRAINER_CHECKPOINT_FORMAT = 'repurpose.trainer-checkpoint.v2';
const STATE_KEY = 'repurpose.trainer';
const CHECKSUM_KEY = 'repurpose.checksum';
const FORMAT_KEY = 'format';

const nonNegative = (what: string) => z.number(expect(`a finite number ≥ 0 ${what}`)).refine((x) => Number.isFinite(x) && x >= 0, { error: `a finite number ≥ 0 ${what}` });

/** The run state: every setting (settings.ts, the one schema) and the progress. */
export const TrainerStateSchema = TrainerSettingsSchema.extend({
  /** Optimizer steps taken (the next step's 0-based index). */
  step: integerAtLeast(0, '(steps taken)'),
  /** Passes over the data completed (0 during the first). */
  epoch: integerAtLeast(0, '(epochs completed)'),
  /** Pairs consumed in the current epoch: where the next batch starts. */
  dataPosition: integerAtLeast(0, '(pairs consumed this epoch)'),
  /** Pairs trained on, all epochs. */
  pairs: integerAtLeast(0, '(pairs trained on)'),
  /** Real (unpadded) tokens trained on. */
  tokens: integerAtLeast(0, '(tokens)'),
  /** FLOP spent, in `accounting`. */
  flopUsed: nonNegative('(FLOP)'),
  /** Trainable tensor names, in plan order. */
  trainable: z.array(z.string(), expect('an array of parameter names')),
}).strict();

export type TrainerState = z.infer<typeof TrainerStateSchema>;

export interface TrainerCheckpoint {
  readonly state: TrainerState;
  /** The trainable tensors, by name. */
  readonly parameters: ReadonlyMap<string, HostTensor>;
  /** `adamw.m.<name>` and `adamw.v.<name>` for every trainable name. */
  readonly moments: ReadonlyMap<string, HostTensor>;
}

/** The tensors and header metadata of a checkpoint, validated; `encodeTrainerCheckpoint` serialises them. */
export function trainerCheckpointContents(checkpoint: TrainerCheckpoint): { tensors: Map<string, TensorToWrite>; metadata: Record<string, string> } {
  const state = validate(TrainerStateSchema, checkpoint.state, 'checkpoint.state');
  const tensors = new Map<string, TensorToWrite>();
  const put = (name: string, t: HostTensor | undefined) => {
    if (!t || t.dtype !== state.dtype) throw new ValidationError(`checkpoint tensor ${name}`, t ? t.dtype : t, `a ${state.dtype} tensor`);
    tensors.set(name, { shape: t.shape, data: t.data as Float32Array | Float64Array, dtype: state.dtype === 'f64' ? 'F64' : 'F32' });
  };
  for (const name of state.trainable) {
    put(name, checkpoint.parameters.get(name));
    put(momentName('m', name), checkpoint.moments.get(momentName('m', name)));
    put(momentName('v', name), checkpoint.moments.get(momentName('v', name)));
  }
  const stateJson = JSON.stringify(state);
  return { tensors, metadata: { [FORMAT_KEY]: TRAINER_CHECKPOINT_FORMAT, [STATE_KEY]: stateJson, [CHECKSUM_KEY]: checksum(stateJson, tensors as ReadonlyMap<string, { readonly data: ArrayBufferView }>) } };
}

export function encodeTrainerCheckpoint(checkpoint: TrainerCheckpoint): Uint8Array {
  const { tensors, metadata } = trainerCheckpointContents(checkpoint);
  return writeSafetensors(tensors, metadata);
}

/**
 * Decodes and checks a checkpoint: the format tag, the state (zod), and exactly the tensors the state
 * names — each trainable tensor with two moments of its shape, in the state's dtype. `field` prefixes
 * errors (e.g. the file path).
 */
export function decodeTrainerCheckpoint(bytes: Uint8Array | ArrayBuffer, field = 'checkpoint'): TrainerCheckpoint {
  const contents = readSafetensors(bytes);
  const metadata = contents.metadata ?? {};
  if (metadata[FORMAT_KEY] !== TRAINER_CHECKPOINT_FORMAT) {
    throw new ValidationError(`${field} __metadata__.${FORMAT_KEY}`, metadata[FORMAT_KEY], `"${TRAINER_CHECKPOINT_FORMAT}" (a checkpoint written by the repurpose trainer)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(metadata[STATE_KEY] ?? '');
  } catch {
    throw new ValidationError(`${field} __metadata__.${STATE_KEY}`, metadata[STATE_KEY], 'the trainer state as JSON');
  }
  const state = validate(TrainerStateSchema, raw, `${field}.state`);
  const wantDtype = state.dtype === 'f64' ? 'F64' : 'F32';
  const expected = new Set<string>();
  const parameters = new Map<string, HostTensor>();
  const moments = new Map<string, HostTensor>();
  const take = (name: string, shape?: readonly number[]): HostTensor => {
    expected.add(name);
    const t = contents.tensors.get(name);
    if (!t) throw new ValidationError(`${field} tensor ${name}`, undefined, 'a tensor (named by the state’s trainable list)');
    if (t.dtype !== wantDtype) throw new ValidationError(`${field} tensor ${name} dtype`, t.dtype, wantDtype);
    if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      throw new ValidationError(`${field} tensor ${name} shape`, t.shape, `[${shape.join(', ')}] (the parameter's shape)`);
    }
    return hostTensor(state.dtype as FloatDType, t.shape, t.data as Float32Array | Float64Array);
  };
  for (const name of state.trainable) {
    const p = take(name);
    parameters.set(name, p);
    moments.set(momentName('m', name), take(momentName('m', name), p.shape));
    moments.set(momentName('v', name), take(momentName('v', name), p.shape));
  }
  const extra = [...contents.tensors.keys()].filter((n) => !expected.has(n));
  if (extra.length > 0) throw new ValidationError(`${field} tensors`, extra, 'only the trainable tensors and their two AdamW moments');
  // Last, after the structural checks (which name what is wrong more precisely), and before any tensor
  // is handed out: a flipped bit anywhere in the state or the data is refused.
  const stored = metadata[CHECKSUM_KEY];
  const actual = checksum(metadata[STATE_KEY]!, contents.tensors as ReadonlyMap<string, { readonly data: ArrayBufferView }>);
  if (stored !== actual) {
    throw new ValidationError(`${field} __metadata__.${CHECKSUM_KEY}`, stored, `${actual}, the checksum of its state and tensors (the file is corrupted, or was edited)`);
  }
  return { state, parameters, moments };
}

/** `crc32:<hex>` over the state JSON and, by sorted name, each tensor's name and bytes (independent of file layout). */
function checksum(stateJson: string, tensors: ReadonlyMap<string, { readonly data: ArrayBufferView }>): string {
  const text = new TextEncoder();
  const parts: Uint8Array[] = [text.encode(stateJson)];
  for (const name of [...tensors.keys()].sort()) {
    const data = tensors.get(name)!.data;
    parts.push(text.encode(name), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return `crc32:${crc32Hex(parts)}`;
}
