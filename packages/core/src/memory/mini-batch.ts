/**
 * The GradCache mini-batch for a memory cap: the largest m whose estimated peak (training-memory.ts,
 * in the engine's own precision, nothing recomputed, plus a fixed allowance for the runtime) stays
 * under the cap — the estimate is monotone in m, so a binary search finds it — then evened out so
 * the mini-batches are of one size where B allows (`evenMiniBatch`). When the whole batch
 * fits, no GradCache is needed (`miniBatch: null`); when even m = 1 does not, the cap is refused with
 * the smallest cap that would do.
 *
 * An estimate, not a measurement: docs/training.md reports how it compares with measured peak RSS.
 * Not the trainer (train/trainer-options.ts calls this).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { ValidationError } from '../errors.js';
import { formatBytes } from '../format.js';
import type { FineTuningMethod } from '../methods/method.js';
import { type MemoryEstimate, trainingMemory } from './training-memory.js';

/**
 * What a Node process running the trainer holds beyond the estimate's tensors: the runtime itself
 * (V8 heap, code, ONNX Runtime's libraries and thread pools) and host copies of the batch. Measured
 * near 150 MB idle for Node with onnxruntime-node loaded; 256 MiB leaves room.
 */
export const RUNTIME_OVERHEAD_BYTES = 256 * 2 ** 20;

export interface MiniBatchRequest {
  readonly batch: { readonly B: number; readonly Tq: number; readonly Tp: number };
  readonly dtype: 'f32' | 'f64';
  /** Bytes the run may use at its peak. */
  readonly memoryCap: number;
  /** Default RUNTIME_OVERHEAD_BYTES. */
  readonly overheadBytes?: number;
  /** Field named in errors. Default `options.memoryCap`. */
  readonly field?: string;
}

/** The estimate the trainer uses for a batch run whole (`miniBatch` null) or in mini-batches of m pairs. */
export function trainerMemory(arch: ModelArchitecture, method: FineTuningMethod, batch: MiniBatchRequest['batch'], dtype: 'f32' | 'f64', miniBatch: number | null): MemoryEstimate {
  return trainingMemory(arch, method, {
    batchSize: batch.B,
    // The longer side's T: each mini-batch runs one side at a time, and the attention term grows with T.
    sequenceLength: Math.max(batch.Tq, batch.Tp),
    gradientCheckpointing: false,
    precision: dtype,
    ...(miniBatch === null ? {} : { cachedChunkPairs: miniBatch }),
  });
}

export interface MiniBatchChoice {
  /** Pairs per mini-batch; null when the whole batch fits. */
  readonly miniBatch: number | null;
  /** Estimated peak bytes at that choice, runtime allowance included. */
  readonly estimate: number;
}

export function chooseMiniBatch(arch: ModelArchitecture, method: FineTuningMethod, request: MiniBatchRequest): MiniBatchChoice {
  const overhead = request.overheadBytes ?? RUNTIME_OVERHEAD_BYTES;
  const peak = (m: number | null) => trainerMemory(arch, method, request.batch, request.dtype, m).total + overhead;
  const whole = peak(null);
  if (whole <= request.memoryCap) return { miniBatch: null, estimate: whole };
  if (peak(1) > request.memoryCap) {
    throw new ValidationError(request.field ?? 'options.memoryCap', request.memoryCap, `at least ${formatBytes(peak(1))} (the estimated peak at a GradCache mini-batch of 1 pair, runtime included)`);
  }
  let lo = 1; // fits
  let hi = request.batch.B; // does not fit (the whole batch, above)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (peak(mid) <= request.memoryCap) lo = mid;
    else hi = mid;
  }
  const m = evenMiniBatch(request.batch.B, lo);
  return { miniBatch: m, estimate: peak(m) };
}

/**
 * Equal mini-batches where possible: every distinct row count is another compiled graph (and, on ONNX
 * Runtime, another session's memory arena). The largest divisor of B in [⌈fit/2⌉, fit], else the same
 * number of mini-batches ⌈B/fit⌉ made as even as they go (sizes differ by at most one).
 */
function evenMiniBatch(B: number, fit: number): number {
  for (let d = fit; d >= Math.ceil(fit / 2); d--) if (B % d === 0) return d;
  return Math.ceil(B / Math.ceil(B / fit));
}
