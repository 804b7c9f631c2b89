/** softmaxGrad fused: y·(dy − Σ y·dy) along the axis, from the forward's output (wgsl/rows.ts). */
import { dispatch, type WebGpuKernel } from './kernel.js';
import { softmaxGradPass } from './softmax-along.js';

export const softmaxGradKernel: WebGpuKernel<'softmaxGrad'> = (node, _, ctx) => dispatch(softmaxGradPass(node.type, node.attrs.axis, false, ctx));
