/** reshape: the same row-major elements (copied, so outputs never alias inputs). */
import { type Kernel, arg } from '../kernel.js';

export const reshapeKernel: Kernel<'reshape'> = (inputs) => arg(inputs, 0).data.slice();
