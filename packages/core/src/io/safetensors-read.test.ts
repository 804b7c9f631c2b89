/**
 * The reader on hand-built files: half-precision decoding against known bit patterns, and every kind
 * of malformed file (truncated, over-long header, bad JSON, out-of-range / overlapping / gapped
 * offsets, size mismatch, unknown dtype) giving a clear, typed error instead of a crash or partial load.
 */
import { describe, expect, it } from 'vitest';
import { RepurposeError } from '../errors.js';
import { SafetensorsError, type SafetensorsErrorKind } from './safetensors-error.js';
import { parseSafetensorsHeader } from './safetensors-header.js';
import { readSafetensors } from './safetensors-read.js';
import { writeSafetensors } from './safetensors-write.js';

/** A file with an arbitrary header (object or raw text), optionally lying about the header length. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, declaredLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function u16s(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => new DataView(out.buffer).setUint16(i * 2, v, true));
  return out;
}

/** Runs `read` and returns the SafetensorsError it throws, failing the test if it throws nothing else. */
function errorOf(read: () => unknown): SafetensorsError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error).toBeInstanceOf(RepurposeError);
    return error as SafetensorsError;
  }
  throw new Error('expected a SafetensorsError, but reading succeeded');
}

function expectError(bytes: Uint8Array, kind: SafetensorsErrorKind, message: unknown, options = {}): void {
  const error = errorOf(() => readSafetensors(bytes, options));
  expect(error.kind).toBe(kind);
  expect(error.message).toEqual(message);
}

const F32x4 = { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] };

describe('readSafetensors: half precision', () => {
  it('widens F16 exactly, subnormals and infinities included', () => {
    const bytes = rawFile({ h: { dtype: 'F16', shape: [7], data_offsets: [0, 14] } }, u16s([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3555, 0x8000]));
    const t = readSafetensors(bytes).tensors.get('h')!;
    expect(t.dtype).toBe('F16');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data as Float32Array)).toEqual([1, -2, 65504, 2 ** -24, Infinity, 0.333251953125, -0]);
    const nan = readSafetensors(rawFile({ h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, u16s([0x7e00]))).tensors.get('h')!;
    expect(Number.isNaN(nan.data[0])).toBe(true);
  });

  it('widens BF16 as the top half of a float32', () => {
    const bytes = rawFile({ b: { dtype: 'BF16', shape: [2, 2], data_offsets: [0, 8] } }, u16s([0x3f80, 0xc040, 0x3eaa, 0x4049]));
    const t = readSafetensors(bytes).tensors.get('b')!;
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data as Float32Array)).toEqual([1, -3, 0.33203125, 3.140625]);
  });
});

describe('readSafetensors: malformed files give clear errors', () => {
  const good = writeSafetensors({ 'layers.0.w': { shape: [2, 2], data: [1, 2, 3, 4] }, b: { shape: [3], data: [5, 6, 7] } });

  it('truncated before the header length', () => {
    expectError(good.subarray(0, 5), 'truncated', 'safetensors file is truncated: 5 bytes, expected at least the 8-byte header length');
  });

  it('truncated inside the header', () => {
    const n = new DataView(good.buffer).getUint32(0, true);
    expectError(
      good.subarray(0, 40),
      'truncated',
      `safetensors file is truncated: header length is ${n} bytes but the file is 40 bytes, so at most 32 header bytes follow the length prefix`,
    );
  });

  it('truncated inside the data', () => {
    const cut = good.subarray(0, good.length - 3);
    expectError(
      cut,
      'truncated',
      'safetensors file is truncated: the header declares 28 data bytes (tensor "layers.0.w" ends at 28) but only 25 follow the header',
    );
  });

  it('over-long header length', () => {
    const bytes = rawFile({}, new Uint8Array(0), 200_000_000);
    expectError(
      bytes,
      'header-too-large',
      'safetensors header length is 200000000 bytes, over the limit of 100000000 bytes (corrupt file, or raise maxHeaderBytes)',
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 1, true); // 2^32: needs the high half of the u64
    expectError(huge, 'header-too-large', 'safetensors header length is 4294967296 bytes, over the limit of 100000000 bytes (corrupt file, or raise maxHeaderBytes)');
    expectError(good, 'header-too-large', expect.stringContaining('over the limit of 16 bytes'), { maxHeaderBytes: 16 });
  });

  it('header that is not JSON, not an object, or has malformed entries', () => {
    expectError(rawFile('{"a": '), 'invalid-header', expect.stringMatching(/^safetensors header is not valid JSON \(.*\); it starts "\{\\"a\\": "$/));
    expectError(rawFile('[1,2]'), 'invalid-header', 'safetensors header must be a JSON object of tensors, got an array');
    expectError(rawFile({ __metadata__: { format: 1 } }), 'invalid-header', 'safetensors "__metadata__".format must be a string, got 1');
    expectError(rawFile({ w: 3 }), 'invalid-header', 'tensor "w": header entry must be an object {dtype, shape, data_offsets}, got 3');
    expectError(
      rawFile({ w: { dtype: 'F32', shape: [2, -2], data_offsets: [0, 0] } }),
      'invalid-header',
      'tensor "w": shape must be an array of non-negative integers, got [2,-2]',
    );
    expectError(
      rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }),
      'invalid-header',
      'tensor "w": data_offsets must be [begin, end] with non-negative integers, got [0]',
    );
    const badUtf8 = rawFile('{"a":1}');
    badUtf8[10] = 0xff;
    expectError(badUtf8, 'invalid-header', 'safetensors header is not valid UTF-8');
  });

  it('unknown dtype', () => {
    expectError(
      rawFile({ w: { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(4)),
      'unknown-dtype',
      'tensor "w": dtype "I8" is not supported; expected one of F64, F32, F16, BF16, I64, I32, U8, BOOL',
    );
  });

  it('reads BOOL and U8 tensors as bytes (older Pythia files keep their causal masks as BOOL)', () => {
    const file = rawFile({ mask: { dtype: 'BOOL', shape: [2, 2], data_offsets: [0, 4] }, u: { dtype: 'U8', shape: [2], data_offsets: [4, 6] } }, new Uint8Array([1, 0, 1, 1, 7, 255]));
    const { tensors } = readSafetensors(file);
    expect(tensors.get('mask')!.data).toEqual(new Uint8Array([1, 0, 1, 1]));
    expect(tensors.get('u')!.data).toEqual(new Uint8Array([7, 255]));
  });

  it('byte length that does not match the shape and dtype', () => {
    expectError(
      rawFile({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 16] } }, new Uint8Array(16)),
      'size-mismatch',
      'tensor "w": data_offsets [0,16] span 16 bytes, expected 24 (F32 [2,3] = 6 × 4 bytes)',
    );
  });

  it('offsets outside the data buffer, reversed, overlapping, gapped or leaving trailing bytes', () => {
    const data = new Uint8Array(32);
    expectError(
      rawFile({ a: F32x4, b: { dtype: 'F32', shape: [4], data_offsets: [1000, 1016] } }, data),
      'bad-offsets',
      'tensor "b": data_offsets [1000,1016] lie outside the data buffer of 32 bytes; expected the tensor to start at byte 16',
    );
    expectError(
      rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, data),
      'bad-offsets',
      'tensor "a": data_offsets [8,4] have begin > end',
    );
    expectError(
      rawFile({ a: F32x4, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } }, data),
      'bad-offsets',
      'tensor "b": data_offsets [8,24] overlap tensor "a" [0,16]; tensors must not overlap',
    );
    expectError(
      rawFile({ a: F32x4, b: { dtype: 'F32', shape: [2], data_offsets: [24, 32] } }, data),
      'bad-offsets',
      'tensor "b": data_offsets [24,32] leave 8 unused bytes before the tensor; expected it to start at byte 16 (tensors are packed back to back)',
    );
    expectError(
      rawFile({ a: F32x4 }, data),
      'bad-offsets',
      'safetensors data buffer has 16 bytes after the last tensor (ends at 16 of 32) that the header does not describe',
    );
  });

  it('names the offending tensor on the error object', () => {
    const error = errorOf(() => readSafetensors(rawFile({ w: { dtype: 'X', shape: [], data_offsets: [0, 0] } })));
    expect(error.tensor).toBe('w');
    expect(error.name).toBe('SafetensorsError');
  });

  it('parses a header from a prefix when told the file size', () => {
    const n = new DataView(good.buffer).getUint32(0, true);
    const header = parseSafetensorsHeader(good.subarray(0, 8 + n), { fileBytes: good.length });
    expect([...header.tensors.keys()]).toEqual(['b', 'layers.0.w']);
    expect(header.tensors.get('layers.0.w')).toEqual({ name: 'layers.0.w', dtype: 'F32', shape: [2, 2], begin: 12, end: 28 });
    expect(() => parseSafetensorsHeader(good.subarray(0, 8 + n), { fileBytes: good.length - 1 })).toThrow(/truncated/);
  });

  it('treats a tensor named like an Object.prototype key as an ordinary name', () => {
    const literal = rawFile('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4));
    expect([...readSafetensors(literal).tensors.keys()]).toEqual(['__proto__']);
  });
});
