/**
 * The dtypes WebGPU computes in, and how generated WGSL reads and writes them. WGSL has no f64, so
 * f64 graphs are rejected at compile time with a clear error (gradient checks in f64 run on the
 * reference backend). f16 needs the device's `shader-f16` feature; the backend declares f16 only on
 * such a device (backend.ts) and refuses f16 graphs elsewhere, naming the feature.
 *
 * f16 is a storage type here: values are stored and read as f16, and each kernel computes in f32
 * (`computeType`) and rounds its result to f16 once, at the store — so every op's result is rounded
 * to half, the rule the reference backend emulates (core's reference/kernels/half-emulation.ts), and
 * accumulators (matmul, reductions, softmax, layerNorm, attention) are f32, as on tensor cores.
 * Not a conversion library: the host side of f16 is core's half.ts.
 */
import { type DType, GraphError } from '@repurpose/core/engine';
import type { WgslDType } from './program.js';

/** What the backend computes in on a device without `shader-f16`; f16 joins where the device has it. */
export const WEBGPU_DTYPES = ['f32', 'i32'] as const satisfies readonly DType[];
export const WEBGPU_DTYPES_F16 = ['f32', 'i32', 'f16'] as const satisfies readonly DType[];

export function wgslDType(dtype: DType, field: string): WgslDType {
  if (dtype === 'f32' || dtype === 'i32' || dtype === 'f16') return dtype;
  throw new GraphError(field, dtype, 'f32, i32 or f16 (WGSL has no f64; run f64 graphs on the reference backend)');
}

/** The type a kernel computes in for values stored as `t`: f32 for every float, i32 for i32. */
export function computeType(t: WgslDType): 'f32' | 'i32' {
  return t === 'i32' ? 'i32' : 'f32';
}

/** A WGSL expression reading a stored element as its compute type (f16 widened to f32; others as they are). */
export function load(t: WgslDType, element: string): string {
  return t === 'f16' ? `f32(${element})` : element;
}

/** A WGSL expression converting a computed value to the stored type (f32 rounded to f16; others as they are). */
export function store(t: WgslDType, value: string): string {
  return t === 'f16' ? `f16(${value})` : value;
}

/** Bytes per element of a dtype the backend stores. */
export function elementBytes(dtype: DType): number {
  return dtype === 'f16' ? 2 : 4;
}
