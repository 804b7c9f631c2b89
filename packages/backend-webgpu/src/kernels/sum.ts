/** sum over the given axes (wgsl/reduce.ts); keepDims changes the shape, not the layout. */
import { wgslDType } from '../wgsl/dtype.js';
import { reducePass } from '../wgsl/reduce.js';
import { dispatch, input, PLAIN, type WebGpuKernel } from './kernel.js';

export const sumKernel: WebGpuKernel<'sum'> = (node, inputs, ctx = PLAIN) =>
  dispatch(reducePass('sum', wgslDType(node.type.dtype, 'sum dtype'), input(inputs, 0, 'sum').shape, node.attrs.axes, ctx.subgroups));
