/** logSoftmaxGrad fused: dy − exp(y)·Σ dy along the axis, from the forward's output (wgsl/rows.ts). */
import { dispatch, type WebGpuKernel } from './kernel.js';
import { softmaxGradPass } from './softmax-along.js';

export const logSoftmaxGradKernel: WebGpuKernel<'logSoftmaxGrad'> = (node, _, ctx) => dispatch(softmaxGradPass(node.type, node.attrs.axis, true, ctx));
