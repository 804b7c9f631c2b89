/** iota: each element equals its coordinate along the axis (the axis is part of the program). */
import { wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { dispatch, type WebGpuKernel } from './kernel.js';

export const iotaKernel: WebGpuKernel<'iota'> = (node) => {
  const dtype = wgslDType(node.type.dtype, 'iota dtype');
  return dispatch(mapPass({ shape: node.type.shape, out: { dtype, view: contiguous(node.type.shape) }, inputs: [], expr: `${dtype}(c${node.attrs.axis})` }));
};
