/** adamMoment and adamwParam (fused): the AdamW update of one element, in doubles, rounded once. */
import { allocateArray } from '../../engine/dtype.js';
import { mapBinary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const adamMomentKernel: Kernel<'adamMoment'> = (inputs, { beta, squared }, out) =>
  mapBinary(arg(inputs, 0), arg(inputs, 1), out, squared ? (v, g) => beta * v + (1 - beta) * g * g : (m, g) => beta * m + (1 - beta) * g);

export const adamwParamKernel: Kernel<'adamwParam'> = (inputs, { eps }, out) => {
  const [p, m, v] = [arg(inputs, 0).data, arg(inputs, 1).data, arg(inputs, 2).data];
  const [decay, stepSize, bc2Sqrt] = [3, 4, 5].map((i) => arg(inputs, i).data[0]!) as [number, number, number];
  const result = allocateArray(out.dtype, p.length);
  for (let i = 0; i < p.length; i++) result[i] = p[i]! * decay - (m[i]! / (Math.sqrt(v[i]!) / bc2Sqrt + eps)) * stepSize;
  return result;
};
