/** fill: every element equals the value, which travels as a uniform (so all fills share a pipeline). */
import { computeType, wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { type WgslDType, f32Bits } from '../wgsl/program.js';
import { dispatch, type WebGpuKernel } from './kernel.js';

export const fillKernel: WebGpuKernel<'fill'> = (node) => dispatch(fillPass(node.type.shape, wgslDType(node.type.dtype, 'fill dtype'), node.attrs.value));

export function fillPass(shape: readonly number[], dtype: WgslDType, value: number, view = contiguous(shape)) {
  const float = computeType(dtype) === 'f32';
  return mapPass({
    shape,
    out: { dtype, view },
    inputs: [],
    expr: float ? 'bitcast<f32>(e0)' : 'bitcast<i32>(e0)',
    extras: [float ? f32Bits(value) : value | 0],
  });
}
