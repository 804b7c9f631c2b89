/** compare: 1 where a <cmp> b holds, else 0, as i32; broadcasting. NaN compares false except 'ne'. */
import type { Comparison } from '../../engine/ops.js';
import { mapBinary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

const TESTS: { readonly [C in Comparison]: (x: number, y: number) => number } = {
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
};

export const compareKernel: Kernel<'compare'> = (inputs, attrs, out) => mapBinary(arg(inputs, 0), arg(inputs, 1), out, TESTS[attrs.cmp]);
