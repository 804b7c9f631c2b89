/** max over the given axes (wgsl/reduce.ts); keepDims changes the shape, not the layout. */
import { wgslDType } from '../wgsl/dtype.js';
import { reducePass } from '../wgsl/reduce.js';
import { dispatch, input, PLAIN, type WebGpuKernel } from './kernel.js';

export const maxKernel: WebGpuKernel<'max'> = (node, inputs, ctx = PLAIN) =>
  dispatch(reducePass('max', wgslDType(node.type.dtype, 'max dtype'), input(inputs, 0, 'max').shape, node.attrs.axes, ctx.subgroups));
