/**
 * Resident tensors: device buffers a caller holds between runs (parameters, optimiser moments), behind
 * the contract's opaque `ResidentTensor` handles. The store maps each live handle to its buffer.
 *
 * Donation: when a run returns, resident, an output that `updates` an input fed a resident tensor,
 * the output is written into that tensor's buffer and the new handle takes the buffer over; the old
 * handle is left empty (releasing it frees nothing, feeding it again is an error). That is how a
 * training step updates its state in place with no allocation.
 *
 * Not a memory pool: upload and non-donated resident outputs create a buffer each (they are not in a
 * training step's hot loop). Not for host tensors.
 */
import { type DType, GraphError, type ResidentTensor } from '@repurpose/core/engine';
import { BackendError } from '../device/errors.js';

interface Entry {
  buffer: GPUBuffer | null;
  readonly bytes: number;
}

export interface ResidentStore {
  make(buffer: GPUBuffer, bytes: number, dtype: DType, shape: readonly number[]): ResidentTensor;
  /** The live buffer behind a handle; throws for a released, donated or foreign tensor. */
  buffer(tensor: ResidentTensor, field: string): GPUBuffer;
  /** Moves the buffer of `from` to a new handle (donation). */
  donate(from: ResidentTensor, dtype: DType, shape: readonly number[]): ResidentTensor;
  release(tensor: ResidentTensor): void;
  /** Live tensors (for tests and leak checks). */
  count(): number;
  releaseAll(): void;
}

export function residentStore(backend: string): ResidentStore {
  const entries = new Map<ResidentTensor, Entry>();
  const entry = (tensor: ResidentTensor, field: string): Entry => {
    const e = entries.get(tensor);
    if (tensor.backend !== backend || e === undefined) throw new GraphError(field, `a resident tensor of backend ${tensor.backend}`, `a live resident tensor of this ${backend} backend (not released, not from another backend)`);
    return e;
  };
  const make = (buffer: GPUBuffer, bytes: number, dtype: DType, shape: readonly number[]): ResidentTensor => {
    const tensor: ResidentTensor = Object.freeze({ kind: 'resident', backend, dtype, shape: Object.freeze([...shape]) });
    entries.set(tensor, { buffer, bytes });
    return tensor;
  };
  return {
    make,
    buffer: (tensor, field) => {
      const e = entry(tensor, field);
      if (e.buffer === null) throw new GraphError(field, 'a donated resident tensor', 'a resident tensor no earlier run has taken over (feed the run’s updated output instead)');
      return e.buffer;
    },
    donate: (from, dtype, shape) => {
      const e = entry(from, 'donated feed');
      if (e.buffer === null) throw new BackendError(backend, 'a resident tensor was donated twice');
      const buffer = e.buffer;
      e.buffer = null;
      return make(buffer, e.bytes, dtype, shape);
    },
    release: (tensor) => {
      const e = entry(tensor, 'release');
      e.buffer?.destroy();
      entries.delete(tensor);
    },
    count: () => entries.size,
    releaseAll: () => {
      for (const e of entries.values()) e.buffer?.destroy();
      entries.clear();
    },
  };
}
