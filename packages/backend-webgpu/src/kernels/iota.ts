/**
 * iota: each element equals its coordinate along the axis, computed from the flat index as
 * (i / inner) % extent with both numbers as uniforms — so every iota shares one program.
 */
import { computeType, wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { dispatch, type WebGpuKernel } from './kernel.js';

export const iotaKernel: WebGpuKernel<'iota'> = (node) => {
  const dtype = wgslDType(node.type.dtype, 'iota dtype');
  const shape = node.type.shape;
  const flat = [shape.reduce((a, d) => a * d, 1)];
  const inner = shape.slice(node.attrs.axis + 1).reduce((a, d) => a * d, 1);
  return dispatch(
    mapPass({ shape: flat, out: { dtype, view: contiguous(flat) }, inputs: [], expr: `${computeType(dtype)}((c0 / e0) % e1)`, extras: [Math.max(inner, 1), Math.max(shape[node.attrs.axis]!, 1)] }),
  );
};
