/**
 * Write → read round trips for every writable dtype, determinism of the writer and the exact byte
 * layout it produces (HF's: u64 length, space-padded JSON, packed data). Malformed input is covered in
 * safetensors-read.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SafetensorsError } from './safetensors-error.js';
import { parseSafetensorsHeader } from './safetensors-header.js';
import { readSafetensors } from './safetensors-read.js';
import { writeSafetensors } from './safetensors-write.js';

describe('safetensors round trip', () => {
  it('returns every tensor with its dtype, shape and values', () => {
    const f32 = new Float32Array([1.5, -2.25, 3e-8, Infinity, -0, 7]);
    const f64 = new Float64Array([Math.PI, -1 / 3, 1e-300]);
    const i32 = new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1, 5]);
    const i64 = new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n]);
    const bytes = writeSafetensors(
      {
        'layers.0.weight': { shape: [2, 3], data: f32 },
        'a.f64': { shape: [3], data: f64 },
        'ints.i32': { shape: [2, 2], data: i32 },
        'ints.i64': { shape: [3], data: i64 },
        scalar: { shape: [], data: [42] },
        empty: { shape: [0, 4], data: new Float32Array(0) },
      },
      { format: 'pt', note: 'ünïcode ok' },
    );
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt', note: 'ünïcode ok' });
    expect([...file.tensors.keys()]).toEqual(['a.f64', 'empty', 'ints.i32', 'ints.i64', 'layers.0.weight', 'scalar']);
    expect(file.tensors.get('layers.0.weight')).toEqual({ dtype: 'F32', shape: [2, 3], data: f32 });
    expect(file.tensors.get('a.f64')).toEqual({ dtype: 'F64', shape: [3], data: f64 });
    expect(file.tensors.get('ints.i32')).toEqual({ dtype: 'I32', shape: [2, 2], data: i32 });
    expect(file.tensors.get('ints.i64')).toEqual({ dtype: 'I64', shape: [3], data: i64 });
    expect(file.tensors.get('scalar')).toEqual({ dtype: 'F32', shape: [], data: new Float32Array([42]) });
    expect(file.tensors.get('empty')?.data.length).toBe(0);
    expect(Object.is(file.tensors.get('layers.0.weight')!.data[4], -0)).toBe(true);
  });

  it('lays the file out as Hugging Face does: u64 length, compact JSON padded with spaces to 8 bytes, packed data', () => {
    const bytes = writeSafetensors({ b: { shape: [1], data: [2] }, a: { shape: [2], data: new Float64Array([1, 2]) } }, { format: 'pt' });
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const json = '{"__metadata__":{"format":"pt"},"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}';
    expect(text).toBe(json + ' '.repeat(n - json.length));
    expect(bytes.length).toBe(8 + n + 20);
    expect(view.getFloat64(8 + n + 8, true)).toBe(2);
    expect(view.getFloat32(8 + n + 16, true)).toBe(2);
  });

  it('is deterministic: insertion order and Map vs object do not change the bytes', () => {
    const x = { shape: [2], data: new Float32Array([1, 2]) };
    const y = { shape: [1], data: new Float32Array([3]) };
    const first = writeSafetensors({ x, y });
    const second = writeSafetensors(new Map([['y', y], ['x', x]]));
    expect(second).toEqual(first);
  });

  it('converts on request and reads subarray views of a larger buffer', () => {
    const bytes = writeSafetensors({ w: { shape: [2], data: new Float64Array([0.1, 2 ** 40 + 1]), dtype: 'F32' } });
    const padded = new Uint8Array(bytes.length + 13);
    padded.set(bytes, 5); // odd offset: the reader must not assume alignment
    const tensor = readSafetensors(padded.subarray(5, 5 + bytes.length)).tensors.get('w')!;
    expect(tensor.dtype).toBe('F32');
    expect(Array.from(tensor.data as Float32Array)).toEqual([Math.fround(0.1), Math.fround(2 ** 40 + 1)]);
    expect(readSafetensors(bytes.slice().buffer).tensors.get('w')!.shape).toEqual([2]);
  });

  it('writes F16 and BF16 rounded to nearest even, and reads them back exactly', () => {
    const values = [1, -2.5, 0.1, 65504, 1e-7, 3.14159265358979];
    const bytes = writeSafetensors({ h: { shape: [6], data: Float64Array.from(values), dtype: 'F16' }, b: { shape: [2, 3], data: Float32Array.from(values), dtype: 'BF16' } });
    const file = readSafetensors(bytes);
    expect(file.tensors.get('h')!.dtype).toBe('F16');
    expect([...file.tensors.get('h')!.data as Float32Array]).toEqual([1, -2.5, 0.0999755859375, 65504, 1.1920928955078125e-7, 3.140625]);
    expect(file.tensors.get('b')!.dtype).toBe('BF16');
    expect(file.tensors.get('b')!.shape).toEqual([2, 3]);
    expect([...file.tensors.get('b')!.data as Float32Array]).toEqual([1, -2.5, 0.10009765625, 65536, 1.0011717677116394e-7, 3.140625]);
  });

  it('reads a Node Buffer from the shared pool without picking up neighbouring bytes', () => {
    const bytes = writeSafetensors({ w: { shape: [3], data: new Float32Array([1, 2, 3]) }, d: { shape: [1], data: new Float64Array([4]) } });
    const pooled = Buffer.from(bytes); // small Buffers share one pool, at a nonzero offset
    const file = readSafetensors(pooled);
    expect(Array.from(file.tensors.get('w')!.data as Float32Array)).toEqual([1, 2, 3]);
    expect(Array.from(file.tensors.get('d')!.data as Float64Array)).toEqual([4]);
  });

  it('omits __metadata__ when there is none and keeps the header in bounds', () => {
    const header = parseSafetensorsHeader(writeSafetensors({ t: { shape: [1], data: [1] } }));
    expect(header.metadata).toEqual({});
    expect(header.dataBytes).toBe(4);
    expect(header.dataStart % 8).toBe(0);
  });

  it('refuses inconsistent tensors with messages naming the tensor', () => {
    expect(() => writeSafetensors({ w: { shape: [2, 3], data: [1, 2, 3] } })).toThrow(
      'tensor "w": shape [2,3] needs 6 values, got 3',
    );
    expect(() => writeSafetensors({ w: { shape: [2], data: [1, 2.5], dtype: 'I32' } })).toThrow(
      'tensor "w": value 2.5 at index 1 is not an integer representable as I32',
    );
    expect(() => writeSafetensors({ w: { shape: [1], data: [1], dtype: 'I8' as never } })).toThrow(
      'tensor "w": cannot write dtype "I8"; expected one of F64, F32, F16, BF16, I64, I32',
    );
    expect(() => writeSafetensors({ w: { shape: [1], data: new BigInt64Array([1n]), dtype: 'F32' } })).toThrow(
      'BigInt64Array data can only be written as I64, not F32',
    );
    expect(() => writeSafetensors({ __metadata__: { shape: [1], data: [1] } })).toThrow(SafetensorsError);
    expect(() => writeSafetensors({ w: { shape: [-1], data: [] } })).toThrow('shape must be an array of non-negative integers, got [-1]');
  });
});
