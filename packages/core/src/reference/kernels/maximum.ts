/** maximum: max(a, b) elementwise, broadcasting; NaN propagates (as torch.maximum). */
import { mapBinary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const maximumKernel: Kernel<'maximum'> = (inputs, _attrs, out) =>
  mapBinary(arg(inputs, 0), arg(inputs, 1), out, (x, y) => (Number.isNaN(x) || x >= y ? x : y));
