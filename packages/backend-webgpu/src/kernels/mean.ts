/** mean over the given axes (wgsl/reduce.ts); keepDims changes the shape, not the layout. */
import { wgslDType } from '../wgsl/dtype.js';
import { reducePass } from '../wgsl/reduce.js';
import { dispatch, input, PLAIN, type WebGpuKernel } from './kernel.js';

export const meanKernel: WebGpuKernel<'mean'> = (node, inputs, ctx = PLAIN) =>
  dispatch(reducePass('mean', wgslDType(node.type.dtype, 'mean dtype'), input(inputs, 0, 'mean').shape, node.attrs.axes, ctx.subgroups));
