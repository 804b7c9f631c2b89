/**
 * The dtypes WebGPU computes in. WGSL has no f64, so f64 graphs are rejected at compile time with a
 * clear error (gradient checks in f64 run on the reference backend). f16 storage arrives with the
 * backend contract's f16 dtype. Not a conversion library.
 */
import { type DType, GraphError } from '@repurpose/core/engine';
import type { WgslDType } from './program.js';

export const WEBGPU_DTYPES = ['f32', 'i32'] as const satisfies readonly DType[];

export function wgslDType(dtype: DType, field: string): WgslDType {
  if (dtype === 'f32' || dtype === 'i32') return dtype;
  throw new GraphError(field, dtype, 'f32 or i32 (WGSL has no f64; run f64 graphs on the reference backend)');
}
