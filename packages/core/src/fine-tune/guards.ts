/**
 * Guards against a run that has gone numerically wrong. The trainer reads the loss every step
 * (`lossEvery: 1`, the default here) and stops on a NaN or ±Inf loss; every checkpoint's tensors —
 * parameters and both AdamW moments, which a non-finite gradient poisons through the update — are
 * scanned before anything is written. Either way the run stops with a NonFiniteTrainingError that
 * says which step, which tensor (`loss`, or the first non-finite parameter or moment in plan
 * order), the last finite loss and the last checkpoint written; since nothing is written after the
 * problem is seen, that checkpoint is intact and a resume from it (with a lower learning rate) is
 * possible.
 *
 * Not a loss-scale controller (f16 overflow handling is the trainer's static scale) and not a
 * gradient clipper.
 */
import { RepurposeError } from '../errors.js';
import type { HostTensor } from '../engine/host-tensor.js';
import type { TrainerCheckpoint } from '../train/checkpoint.js';

export interface NonFiniteDiagnosis {
  /** The 1-based step whose loss, or whose update, was not finite. */
  readonly step: number;
  /** `loss`, or the name of a trainable tensor or moment (`adamw.m.<name>`). */
  readonly tensor: string;
  /** The offending value (NaN, Infinity or −Infinity). */
  readonly value: number;
  readonly lastFiniteLoss: number | null;
  readonly lastFiniteStep: number | null;
  /** The step of the last checkpoint written before it (null: none was). */
  readonly lastCheckpointStep: number | null;
}

export class NonFiniteTrainingError extends RepurposeError {
  override name = 'NonFiniteTrainingError';
  constructor(readonly diagnosis: NonFiniteDiagnosis) {
    const d = diagnosis;
    const last = d.lastFiniteLoss === null ? 'no finite loss was seen' : `the last finite loss was ${d.lastFiniteLoss} at step ${d.lastFiniteStep}`;
    const where = d.tensor === 'loss' ? `the loss is ${d.value}` : `tensor ${d.tensor} holds ${d.value} after the update (a non-finite gradient)`;
    const kept = d.lastCheckpointStep === null ? 'no checkpoint was written' : `the last good checkpoint (step ${d.lastCheckpointStep}) is intact`;
    super(`training stopped at step ${d.step}: ${where}; ${last}; ${kept} — lower the learning rate, or check the data, and resume`);
  }
}

/** The first non-finite value of a checkpoint's tensors (parameters, then moments), or undefined. */
export function firstNonFinite(checkpoint: TrainerCheckpoint): { readonly tensor: string; readonly value: number } | undefined {
  const scan = (map: ReadonlyMap<string, HostTensor>) => {
    for (const [name, t] of map) {
      const data = t.data as ArrayLike<number>;
      for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return { tensor: name, value: data[i]! };
    }
    return undefined;
  };
  return scan(checkpoint.parameters) ?? scan(checkpoint.moments);
}
