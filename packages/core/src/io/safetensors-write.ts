/**
 * Serialises tensors to the safetensors format (Hugging Face layout), deterministically: tensors sorted
 * by name in both header and data, `__metadata__` first, compact JSON, header space-padded to a
 * multiple of 8 bytes as HF does, data little-endian. Same tensors in, same bytes out. Writes F32, F64,
 * I32 and I64, and F16 / BF16 (rounded to nearest, ties to even, from the values given) for exports.
 * No I/O: it returns bytes (see safetensors-file.ts for an atomic file write).
 */
import { describeValue, ValidationError } from '../errors.js';
import { DTYPE_BYTES, HOST_IS_LITTLE_ENDIAN, WRITABLE_DTYPES, isWritableDtype, type WritableDtype } from './safetensors-dtype.js';
import { SafetensorsError, formatShape } from './safetensors-error.js';
import type { TensorData } from './safetensors-read.js';
import { toHalfBits } from '../engine/half.js';
import { toBfloat16Bits } from '../engine/bfloat16.js';

/**
 * A tensor to write. `dtype` defaults from the data: Float64Array → F64, Int32Array → I32,
 * BigInt64Array → I64, Float32Array or a plain number array → F32. A different dtype converts (e.g. a
 * Float64Array written as F32 rounds to float32); integer dtypes require integral values in range.
 */
export interface TensorToWrite {
  readonly shape: readonly number[];
  readonly data: TensorData | readonly number[];
  readonly dtype?: WritableDtype;
}

export type TensorsToWrite = Readonly<Record<string, TensorToWrite>> | ReadonlyMap<string, TensorToWrite>;

export function writeSafetensors(tensors: TensorsToWrite, metadata?: Readonly<Record<string, string>>): Uint8Array {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new ValidationError('tensors', tensors, 'a Map or an object of tensors by name ({ shape, data, dtype? })');
  }
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new ValidationError('metadata', metadata, 'an object of string values');
  }
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, TensorToWrite>);
  // Code-unit order: identical to Python's sorted() for the names checkpoints use, so a file written
  // here and one written by tools/golden/make_golden.py agree byte for byte.
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new ValidationError(`metadata.${key}`, value, 'a string (safetensors metadata values are strings)');
    }
    header['__metadata__'] = metadata;
  }
  const planned: { name: string; dtype: WritableDtype; data: TensorData | readonly number[]; begin: number }[] = [];
  let offset = 0;
  for (const [name, tensor] of entries) {
    const dtype = checkTensor(name, tensor);
    const bytes = tensor.data.length * DTYPE_BYTES[dtype];
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + bytes] };
    planned.push({ name, dtype, data: tensor.data, begin: offset });
    offset += bytes;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes, true); // u64 LE; the high half stays 0
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes); // HF pads with spaces, which JSON parsers skip
  const dataStart = 8 + headerBytes;
  for (const p of planned) encodeTensor(p.name, p.dtype, p.data, out, view, dataStart + p.begin);
  return out;
}

function checkTensor(name: string, tensor: TensorToWrite): WritableDtype {
  const where = `tensor ${JSON.stringify(name)}`;
  if (tensor === null || typeof tensor !== 'object') throw new SafetensorsError('invalid-tensor', `${where}: expected { shape, data, dtype? }, got ${describeValue(tensor)}`, name);
  const data: unknown = tensor.data;
  if (!Array.isArray(data) && !(ArrayBuffer.isView(data) && !(data instanceof DataView))) {
    throw new SafetensorsError('invalid-tensor', `${where}: data must be a typed array or an array of numbers, got ${describeValue(data)}`, name);
  }
  if (name === '__metadata__') {
    throw new SafetensorsError('invalid-tensor', `${where}: "__metadata__" is reserved and cannot name a tensor`, name);
  }
  if (!Array.isArray(tensor.shape) || !tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError('invalid-tensor', `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(tensor.shape)}`, name);
  }
  const dtype = tensor.dtype ?? defaultDtype(tensor.data);
  if (!isWritableDtype(dtype)) {
    throw new SafetensorsError('unknown-dtype', `${where}: cannot write dtype ${JSON.stringify(dtype)}; expected one of ${WRITABLE_DTYPES.join(', ')}`, name);
  }
  if (tensor.data instanceof BigInt64Array && dtype !== 'I64') {
    throw new SafetensorsError('invalid-tensor', `${where}: BigInt64Array data can only be written as I64, not ${dtype}`, name);
  }
  const elements = tensor.shape.reduce((n, d) => n * d, 1);
  if (tensor.data.length !== elements) {
    throw new SafetensorsError(
      'invalid-tensor',
      `${where}: shape ${formatShape(tensor.shape)} needs ${elements} values, got ${tensor.data.length}`,
      name,
    );
  }
  return dtype;
}

function defaultDtype(data: TensorData | readonly number[]): WritableDtype {
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  return 'F32';
}

function encodeTensor(
  name: string,
  dtype: WritableDtype,
  data: TensorData | readonly number[],
  out: Uint8Array,
  view: DataView,
  at: number,
): void {
  // Fast path: the array already holds exactly the bytes to write.
  const native =
    (dtype === 'F32' && data instanceof Float32Array) ||
    (dtype === 'F64' && data instanceof Float64Array) ||
    (dtype === 'I32' && data instanceof Int32Array) ||
    (dtype === 'I64' && data instanceof BigInt64Array);
  if (native && HOST_IS_LITTLE_ENDIAN) {
    const typed = data as TensorData;
    out.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), at);
    return;
  }
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < data.length; i++) view.setBigInt64(at + i * 8, data[i]!, true);
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (typeof value !== 'number') throw new SafetensorsError('invalid-tensor', `tensor ${JSON.stringify(name)}: value at index ${i} is ${describeValue(value)}, expected a number`, name);
    switch (dtype) {
      case 'F32':
        view.setFloat32(at + i * 4, value, true);
        break;
      case 'F64':
        view.setFloat64(at + i * 8, value, true);
        break;
      case 'F16':
        view.setUint16(at + i * 2, toHalfBits(value), true);
        break;
      case 'BF16':
        view.setUint16(at + i * 2, toBfloat16Bits(value), true);
        break;
      case 'I32':
        if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) throw badInteger(name, i, value, dtype);
        view.setInt32(at + i * 4, value, true);
        break;
      case 'I64':
        if (!Number.isSafeInteger(value)) throw badInteger(name, i, value, dtype);
        view.setBigInt64(at + i * 8, BigInt(value), true);
        break;
    }
  }
}

function badInteger(name: string, index: number, value: number, dtype: WritableDtype): SafetensorsError {
  return new SafetensorsError(
    'invalid-tensor',
    `tensor ${JSON.stringify(name)}: value ${value} at index ${index} is not an integer representable as ${dtype}`,
    name,
  );
}
