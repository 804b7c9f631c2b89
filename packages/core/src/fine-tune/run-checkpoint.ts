/**
 * A fine-tuning run's checkpoint: the trainer's v2 checkpoint (trainable tensors, both AdamW moments,
 * every trainer setting, step, epoch and data position — train/checkpoint.ts) plus what the text run
 * adds, in the same safetensors file under `__metadata__["repurpose.fine-tune"]` with its own CRC-32:
 *
 *   - the plan as resolved (method, pairs asked for, FLOP budget, batch size, accounting);
 *   - the data: pair-file fingerprint (CRC-32 of every text), the held-out split (size, seed) and the
 *     text source's shuffle seed, epochs, truncation and bucketing — with the trainer's data position
 *     these fix every future batch, since each epoch's order is recomputed from (seed, epoch);
 *   - the "before" evaluation, the evaluations so far, and the seconds spent, so a resumed run's
 *     table and ledger line are those of one run.
 *
 * "RNG state" is covered by seeds: the loop draws nothing random (no dropout), LoRA's initial values
 * are in the tensors, and the data order is a pure function of (seed, epoch, position).
 * One file, one atomic rename (the caller writes it with writeFileAtomic): tensors and run state are
 * never out of step. Not a model export (run-output.ts writes that).
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { writeSafetensors } from '../io/safetensors-write.js';
import { type TrainerCheckpoint, decodeTrainerCheckpoint, trainerCheckpointContents } from '../train/checkpoint.js';
import { crc32Hex } from '../train/checksum.js';
import type { EvaluationReport } from '../eval/evaluate.js';
import type { ResolvedPlan } from './plan-source.js';

export const FINE_TUNE_FORMAT = 'repurpose.fine-tune.v1';
const RUN_KEY = 'repurpose.fine-tune';
const RUN_CHECKSUM_KEY = 'repurpose.fine-tune.checksum';

/** What fixes the data a run trains and is scored on; a resume must repeat every field. */
export interface RunData {
  /** CRC-32 of every (query, positive) of the pair file, in file order. */
  readonly fingerprint: string;
  readonly filePairs: number;
  /** The held-out request (count or fraction) and its seed. */
  readonly heldOut: number;
  readonly heldOutSeed: number;
  readonly heldOutPairs: number;
  readonly trainPairs: number;
  /** The text source's options. */
  readonly seed: number;
  readonly epochs: number;
  readonly maxTokens: number;
  readonly bucketByLength: boolean;
  readonly bucketWindow: number;
}

export interface RunEvaluation {
  readonly step: number;
  readonly report: EvaluationReport;
}

export interface FineTuneRunState {
  readonly format: typeof FINE_TUNE_FORMAT;
  readonly plan: ResolvedPlan;
  readonly data: RunData;
  readonly peakLearningRate: number;
  /** Evaluation of the base model on the held-out pairs (null when evaluation is off). */
  readonly before: EvaluationReport | null;
  /** Evaluations during training (`evalEvery`). */
  readonly evaluations: readonly RunEvaluation[];
  /** Wall-clock seconds of training so far, all sessions. */
  readonly seconds: number;
}

export interface FineTuneCheckpoint {
  readonly trainer: TrainerCheckpoint;
  readonly run: FineTuneRunState;
}

const RunStateSchema = z
  .looseObject({
    format: z.literal(FINE_TUNE_FORMAT),
    plan: z.looseObject({ method: z.looseObject({ kind: z.string() }), batchSize: z.number().int().min(1) }),
    data: z.looseObject({ fingerprint: z.string(), seed: z.number().int(), heldOut: z.number(), heldOutSeed: z.number().int() }),
    peakLearningRate: z.number().positive(),
    before: z.unknown(),
    evaluations: z.array(z.unknown()),
    seconds: z.number().min(0),
  })
  .transform((v) => v as unknown as FineTuneRunState);

export function encodeFineTuneCheckpoint(checkpoint: FineTuneCheckpoint): Uint8Array {
  const { tensors, metadata } = trainerCheckpointContents(checkpoint.trainer);
  const run = JSON.stringify(checkpoint.run);
  return writeSafetensors(tensors, { ...metadata, [RUN_KEY]: run, [RUN_CHECKSUM_KEY]: `crc32:${crc32Hex([new TextEncoder().encode(run)])}` });
}

/** Decodes both parts with every check (the trainer's, then the run state's checksum and shape); `field` names the file in errors. */
export function decodeFineTuneCheckpoint(bytes: Uint8Array, field = 'checkpoint'): FineTuneCheckpoint {
  const trainer = decodeTrainerCheckpoint(bytes, field);
  const metadata = readSafetensors(bytes).metadata ?? {};
  const text = metadata[RUN_KEY];
  if (text === undefined) throw new ValidationError(`${field} __metadata__.${RUN_KEY}`, undefined, 'the fine-tuning run state (a checkpoint written by fineTune / repurpose train)');
  const sum = `crc32:${crc32Hex([new TextEncoder().encode(text)])}`;
  if (metadata[RUN_CHECKSUM_KEY] !== sum) throw new ValidationError(`${field} __metadata__.${RUN_CHECKSUM_KEY}`, metadata[RUN_CHECKSUM_KEY], `${sum} (the file is corrupted, or was edited)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ValidationError(`${field} __metadata__.${RUN_KEY}`, text, 'the run state as JSON');
  }
  const parsed = RunStateSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`${field} __metadata__.${RUN_KEY}`, raw, `a ${FINE_TUNE_FORMAT} run state`);
  return { trainer, run: parsed.data };
}

/** A resume must train the same data the same way: names every field of `data` that differs. */
export function checkResumeData(saved: RunData, now: RunData, field = 'options.resume'): void {
  const keys = Object.keys(saved) as (keyof RunData)[];
  const differing = keys.filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]));
  if (differing.length === 0) return;
  const detail = differing.map((k) => `${k} (checkpoint ${JSON.stringify(saved[k])}, now ${JSON.stringify(now[k])})`).join(', ');
  const hint = differing.includes('fingerprint') ? ': the pair file is not the one the run started on' : '';
  throw new ValidationError(`${field}.run.data`, detail, `the data the checkpoint was trained on${hint}`);
}

/** The fingerprint of a pair list: CRC-32 over each query and positive, NUL-separated. */
export function pairsFingerprint(pairs: readonly { readonly query: string; readonly positive: string }[]): string {
  const encoder = new TextEncoder();
  function* parts(): Generator<Uint8Array> {
    for (const p of pairs) {
      yield encoder.encode(p.query);
      yield NUL;
      yield encoder.encode(p.positive);
      yield NUL;
    }
  }
  return `crc32:${crc32Hex(parts())}`;
}

const NUL = new Uint8Array([0]);
