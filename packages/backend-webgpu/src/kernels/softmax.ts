/** softmax fused: max-shifted exponentials normalised along the axis, one invocation per row. */
import { dispatch, type WebGpuKernel } from './kernel.js';
import { softmaxPass } from './softmax-along.js';

export const softmaxKernel: WebGpuKernel<'softmax'> = (node, _, ctx) => dispatch(softmaxPass(node.type, node.attrs.axis, false, ctx));
