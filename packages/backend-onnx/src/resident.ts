/**
 * Resident tensors of this backend: ORT tensors kept between runs (parameters and optimiser moments
 * during training), fed back without passing through a HostTensor. The handle the engine sees is
 * opaque; the ORT tensor behind it lives in a WeakMap, so only this backend can read it and a dropped
 * handle is collected with its tensor. Not a memory pool.
 */
import { GraphError, type DType, type HostTensor, type ResidentTensor } from '@repurpose/core/engine';
import type { OrtModule, OrtTensor, OrtTensorType } from './ort-module.js';

export const BACKEND_NAME = 'onnx' as const;

// f16 (half bits in a Uint16Array, as ORT's float16 takes them) maps for completeness; the backend does
// not declare f16 yet, so the dtype gate refuses f16 graphs before they get here.
const ORT_TYPE: Readonly<Record<DType, OrtTensorType>> = { f16: 'float16', f32: 'float32', f64: 'float64', i32: 'int32' };
const DTYPE_OF: Readonly<Record<string, DType>> = { float32: 'f32', float64: 'f64', int32: 'i32' };

const tensors = new WeakMap<ResidentTensor, OrtTensor>();
/** Handles whose storage a run's output took over (donation): releasing one frees nothing. */
const donated = new WeakSet<ResidentTensor>();

export function residentOf(tensor: OrtTensor, dtype: DType, shape: readonly number[]): ResidentTensor {
  const handle: ResidentTensor = Object.freeze({ kind: 'resident', backend: BACKEND_NAME, dtype, shape: Object.freeze([...shape]) });
  tensors.set(handle, tensor);
  return handle;
}

/** The ORT tensor behind a handle; a GraphError names the feed when the handle is not ours (or was released). */
export function ortTensorOf(handle: ResidentTensor, field: string): OrtTensor {
  const t = tensors.get(handle);
  if (!t && donated.has(handle)) throw new GraphError(field, 'a donated resident tensor', 'a live one: a run updated this tensor in place and returned its next value (feed that, release this)');
  if (!t) throw new GraphError(field, `a resident tensor of backend ${JSON.stringify(handle.backend)}`, 'a tensor this ONNX backend uploaded or produced (and has not released)');
  return t;
}

/** Frees a resident tensor; releasing one twice, or one this backend did not make, throws. */
export function releaseResident(handle: ResidentTensor): void {
  if (donated.has(handle)) return;
  const t = ortTensorOf(handle, 'release');
  tensors.delete(handle);
  t.dispose?.();
}

/**
 * A new handle over `from`'s storage, now holding `tensor` (a run's in-place output); `from` is spent:
 * feeding it again is an error, releasing it frees nothing. The contract's donation.
 */
export function donateResident(from: ResidentTensor, tensor: OrtTensor): ResidentTensor {
  ortTensorOf(from, 'donate');
  tensors.delete(from);
  donated.add(from);
  return residentOf(tensor, from.dtype, from.shape);
}

/** Host → ORT without copying: the ORT tensor wraps the typed array itself. */
export function toOrt(ort: OrtModule, t: HostTensor): OrtTensor {
  return new ort.Tensor(ORT_TYPE[t.dtype], t.data, t.shape);
}

/** ORT → host without copying where ORT already gave a typed array of our dtype. */
export function toHost(t: OrtTensor, field: string): HostTensor {
  const dtype = DTYPE_OF[t.type];
  if (!dtype) throw new GraphError(field, `an ORT tensor of type ${t.type}`, 'float32, float64 or int32');
  const data = t.data as Float32Array | Float64Array | Int32Array;
  return Object.freeze({ dtype, shape: Object.freeze([...t.dims]), data });
}
