/** concat: one copy pass per input into its slab of the output (a view offset along the axis). */
import { wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import type { Pass } from '../wgsl/program.js';
import { dispatch, type WebGpuKernel } from './kernel.js';

export const concatKernel: WebGpuKernel<'concat'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'concat dtype');
  const out = contiguous(node.type.shape).strides;
  const passes: Pass[] = [];
  let start = 0;
  inputs.forEach((x, i) => {
    if (x.shape.every((d) => d > 0)) {
      passes.push(
        mapPass({
          shape: x.shape,
          out: { dtype, view: { base: start * out[node.attrs.axis]!, strides: out } },
          inputs: [{ dtype, view: contiguous(x.shape), binding: { kind: 'input', index: i } }],
          expr: 'a0',
        }),
      );
    }
    start += x.shape[node.attrs.axis]!;
  });
  return dispatch(...passes);
};
