/**
 * Layout checks: a well-formed file whose tensors have the wrong names, shapes or dtypes is rejected
 * with every problem listed, before any tensor is decoded.
 */
import { describe, expect, it } from 'vitest';
import { LayoutMismatchError } from './safetensors-error.js';
import { parseSafetensorsHeader } from './safetensors-header.js';
import { checkLayout, findLayoutProblems, type ExpectedLayout } from './safetensors-layout.js';
import { readSafetensors } from './safetensors-read.js';
import { writeSafetensors } from './safetensors-write.js';

const C = 4;
const expected: ExpectedLayout = {
  'embed_in.weight': { shape: [8, C], dtype: 'F32' },
  'final_layer_norm.weight': { shape: [C], dtype: ['F32', 'F16', 'BF16'] },
  'final_layer_norm.bias': { shape: [C] },
};

function file(tensors: Record<string, { shape: number[]; dtype?: 'F32' | 'F64' | 'I32' }>): Uint8Array {
  const entries = Object.entries(tensors).map(([name, t]) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    return [name, { shape: t.shape, dtype: t.dtype ?? 'F32', data: new Array<number>(n).fill(1) }] as const;
  });
  return writeSafetensors(Object.fromEntries(entries));
}

function layoutError(bytes: Uint8Array): LayoutMismatchError {
  try {
    readSafetensors(bytes, { layout: expected });
  } catch (error) {
    expect(error).toBeInstanceOf(LayoutMismatchError);
    return error as LayoutMismatchError;
  }
  throw new Error('expected a LayoutMismatchError');
}

describe('safetensors layout checks', () => {
  it('accepts a matching file and any listed dtype', () => {
    const bytes = file({ 'embed_in.weight': { shape: [8, C] }, 'final_layer_norm.weight': { shape: [C] }, 'final_layer_norm.bias': { shape: [C], dtype: 'F64' } });
    expect(readSafetensors(bytes, { layout: expected }).tensors.size).toBe(3);
    expect(findLayoutProblems(parseSafetensorsHeader(bytes), expected)).toEqual([]);
  });

  it('wrong shape', () => {
    const error = layoutError(file({ 'embed_in.weight': { shape: [C, 8] }, 'final_layer_norm.weight': { shape: [C] }, 'final_layer_norm.bias': { shape: [C] } }));
    expect(error.problems).toEqual([{ kind: 'shape', name: 'embed_in.weight', expected: [8, C], actual: [C, 8] }]);
    expect(error.message).toBe(
      'checkpoint does not match the expected layout (1 problem): tensor "embed_in.weight" has shape [4,8], expected [8,4]',
    );
  });

  it('wrong dtype', () => {
    const error = layoutError(file({ 'embed_in.weight': { shape: [8, C], dtype: 'F64' }, 'final_layer_norm.weight': { shape: [C], dtype: 'I32' }, 'final_layer_norm.bias': { shape: [C] } }));
    expect(error.message).toBe(
      'checkpoint does not match the expected layout (2 problems): tensor "embed_in.weight" has dtype F64, expected F32; ' +
        'tensor "final_layer_norm.weight" has dtype I32, expected F32 or F16 or BF16',
    );
  });

  it('missing and unexpected names, all listed at once', () => {
    const bytes = file({ 'gpt_neox.embed_in.weight': { shape: [8, C] }, 'final_layer_norm.weight': { shape: [C] }, 'final_layer_norm.bias': { shape: [C] } });
    const error = layoutError(bytes);
    expect(error.message).toBe(
      'checkpoint does not match the expected layout (2 problems): missing tensor "embed_in.weight" (expected F32 [8,4]); ' +
        'unexpected tensor "gpt_neox.embed_in.weight" (F32 [8,4])',
    );
  });

  it('allowUnexpected tolerates extra tensors but not missing ones', () => {
    const bytes = file({ 'embed_in.weight': { shape: [8, C] }, 'final_layer_norm.weight': { shape: [C] }, 'final_layer_norm.bias': { shape: [C] }, 'embed_out.weight': { shape: [8, C] } });
    expect(readSafetensors(bytes, { layout: expected, allowUnexpected: true }).tensors.has('embed_out.weight')).toBe(true);
    const header = parseSafetensorsHeader(file({ 'final_layer_norm.weight': { shape: [C] } }));
    expect(() => checkLayout(header, expected, { allowUnexpected: true })).toThrow(
      'missing tensor "embed_in.weight" (expected F32 [8,4]); missing tensor "final_layer_norm.bias" (expected [4])',
    );
  });

  it('accepts the layout as a Map', () => {
    const bytes = file({ a: { shape: [2] } });
    expect(() => checkLayout(parseSafetensorsHeader(bytes), new Map([['a', { shape: [3] }]]))).toThrow(
      'tensor "a" has shape [2], expected [3]',
    );
  });
});
