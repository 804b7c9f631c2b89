/** constant: uploaded once when the executable is built; it costs no pass at run time. */
import type { WebGpuKernel } from './kernel.js';

export const constantKernel: WebGpuKernel<'constant'> = (node) => ({ kind: 'constant', values: node.attrs.values });
