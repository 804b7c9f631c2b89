/** fill: every element equals the value, which travels as a uniform (so all fills share a pipeline). */
import { wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { f32Bits } from '../wgsl/program.js';
import { dispatch, type WebGpuKernel } from './kernel.js';

export const fillKernel: WebGpuKernel<'fill'> = (node) => dispatch(fillPass(node.type.shape, wgslDType(node.type.dtype, 'fill dtype'), node.attrs.value));

export function fillPass(shape: readonly number[], dtype: 'f32' | 'i32', value: number, view = contiguous(shape)) {
  return mapPass({
    shape,
    out: { dtype, view },
    inputs: [],
    expr: dtype === 'f32' ? 'bitcast<f32>(e0)' : 'bitcast<i32>(e0)',
    extras: [dtype === 'f32' ? f32Bits(value) : value | 0],
  });
}
