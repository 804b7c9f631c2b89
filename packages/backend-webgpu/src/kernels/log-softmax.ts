/** logSoftmax fused: x − max − log Σ exp(x − max), which stays finite where log(softmax) would not. */
import { dispatch, type WebGpuKernel } from './kernel.js';
import { softmaxPass } from './softmax-along.js';

export const logSoftmaxKernel: WebGpuKernel<'logSoftmax'> = (node, _, ctx) => dispatch(softmaxPass(node.type, node.attrs.axis, true, ctx));
