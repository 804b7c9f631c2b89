/**
 * Decodes a whole safetensors file held in memory into typed arrays. F32, F16 and BF16 become
 * Float32Array (half precision widens exactly), F64 a Float64Array, I32 an Int32Array, I64 a
 * BigInt64Array. Works on Uint8Array/ArrayBuffer only, so it runs in browsers; Node file access lives in
 * safetensors-file.ts. Not streaming and not zero-copy: every tensor is copied into its own aligned
 * buffer, so results never alias the input and the input may be dropped afterwards.
 */
import { ValidationError } from '../errors.js';
import { checkOptions } from '../validate.js';
import {
  DTYPE_BYTES,
  HOST_IS_LITTLE_ENDIAN,
  bfloat16ToNumber,
  halfToNumber,
  type SafetensorsDtype,
} from './safetensors-dtype.js';
import { parseSafetensorsHeader, type ParseHeaderOptions, type SafetensorsEntry } from './safetensors-header.js';
import { checkLayout, type ExpectedLayout } from './safetensors-layout.js';

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A decoded tensor. `dtype` is the stored dtype (a BF16 tensor has dtype 'BF16' and Float32Array data). */
export interface LoadedTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export interface SafetensorsContents {
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors in header order. A Map, so a tensor named like an Object.prototype key is just a name. */
  readonly tensors: ReadonlyMap<string, LoadedTensor>;
}

export interface ReadOptions extends Omit<ParseHeaderOptions, 'fileBytes'> {
  /** When given, the header is checked against this layout before anything is decoded. */
  layout?: ExpectedLayout;
  /** With `layout`: tolerate (and still load) tensors the layout does not name. */
  allowUnexpected?: boolean;
}

/** Validates the header (and the layout, if given), then decodes every tensor. Throws, never loads partially. */
export function readSafetensors(input: Uint8Array | ArrayBuffer, options: ReadOptions = {}): SafetensorsContents {
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) throw new ValidationError('bytes', input, 'the bytes of a safetensors file (a Uint8Array or ArrayBuffer)');
  checkOptions(options, 'options', ['maxHeaderBytes', 'layout', 'allowUnexpected']);
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const header = parseSafetensorsHeader(bytes, { maxHeaderBytes: options.maxHeaderBytes });
  if (options.layout !== undefined) {
    checkLayout(header, options.layout, { allowUnexpected: options.allowUnexpected });
  }
  const tensors = new Map<string, LoadedTensor>();
  for (const entry of header.tensors.values()) {
    const raw = bytes.subarray(header.dataStart + entry.begin, header.dataStart + entry.end);
    tensors.set(entry.name, { dtype: entry.dtype, shape: [...entry.shape], data: decodeTensor(entry, raw) });
  }
  return { metadata: header.metadata, tensors };
}

/** Decodes one tensor's bytes (little-endian, as the format mandates) into a fresh array. */
export function decodeTensor(entry: Pick<SafetensorsEntry, 'dtype'>, raw: Uint8Array): TensorData {
  if (entry === null || typeof entry !== 'object' || !Object.hasOwn(DTYPE_BYTES, entry.dtype)) {
    throw new ValidationError('entry.dtype', entry?.dtype, `a safetensors dtype (${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!(raw instanceof Uint8Array)) throw new ValidationError('raw', raw, 'the tensor bytes (a Uint8Array)');
  if (raw.length % DTYPE_BYTES[entry.dtype] !== 0) throw new ValidationError('raw', `${raw.length} bytes`, `a multiple of ${DTYPE_BYTES[entry.dtype]} bytes (${entry.dtype})`);
  const count = raw.length / DTYPE_BYTES[entry.dtype];
  switch (entry.dtype) {
    case 'F32':
      return HOST_IS_LITTLE_ENDIAN ? new Float32Array(copyOf(raw)) : viaDataView(raw, new Float32Array(count), 4, (v, o) => v.getFloat32(o, true));
    case 'F64':
      return HOST_IS_LITTLE_ENDIAN ? new Float64Array(copyOf(raw)) : viaDataView(raw, new Float64Array(count), 8, (v, o) => v.getFloat64(o, true));
    case 'I32':
      return HOST_IS_LITTLE_ENDIAN ? new Int32Array(copyOf(raw)) : viaDataView(raw, new Int32Array(count), 4, (v, o) => v.getInt32(o, true));
    case 'I64': {
      if (HOST_IS_LITTLE_ENDIAN) return new BigInt64Array(copyOf(raw));
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getBigInt64(i * 8, true);
      return out;
    }
    case 'F16': {
      const table = halfTable();
      return viaDataView(raw, new Float32Array(count), 2, (v, o) => table[v.getUint16(o, true)]!);
    }
    case 'BF16': {
      const scratch = new DataView(new ArrayBuffer(4));
      return viaDataView(raw, new Float32Array(count), 2, (v, o) => bfloat16ToNumber(v.getUint16(o, true), scratch));
    }
    case 'U8':
    case 'BOOL':
      return new Uint8Array(copyOf(raw));
  }
}

/**
 * A fresh, aligned copy of the bytes. Not `raw.slice()`: on a Node Buffer that is a view, and its
 * `.buffer` would be Node's whole shared pool.
 */
function copyOf(raw: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(raw.byteLength);
  out.set(raw);
  return out.buffer;
}

function viaDataView<T extends Float32Array | Float64Array | Int32Array>(
  raw: Uint8Array,
  out: T,
  size: number,
  get: (view: DataView, offset: number) => number,
): T {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = get(view, i * size);
  return out;
}

// All 65,536 halves, built on first use: an F16 checkpoint of millions of weights then decodes by lookup.
let HALF_TABLE: Float32Array | undefined;
function halfTable(): Float32Array {
  if (HALF_TABLE === undefined) {
    HALF_TABLE = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) HALF_TABLE[bits] = halfToNumber(bits);
  }
  return HALF_TABLE;
}
