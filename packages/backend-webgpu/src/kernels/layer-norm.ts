/** layerNorm fused over the last axis: mean, biased variance, then γ·x̂ + β (wgsl/rows.ts); rows over ROW_DIRECT take a workgroup each. */
import { wgslDType } from '../wgsl/dtype.js';
import { f32Bits, linearDispatch, program, uniforms } from '../wgsl/program.js';
import { type LayerNormSpec, ROW_DIRECT, type RowsWgSpec, layerNormWgsl, rowsWgWgsl } from '../wgsl/rows.js';
import { rowDispatch } from '../wgsl/workgroup-reduce.js';
import { dispatch, PLAIN, type WebGpuKernel } from './kernel.js';

export const layerNormKernel: WebGpuKernel<'layerNorm'> = (node, _, ctx = PLAIN) => {
  const dtype = wgslDType(node.type.dtype, 'layerNorm dtype');
  const shape = node.type.shape;
  const len = shape[shape.length - 1]!;
  const rows = len === 0 ? 0 : shape.reduce((n, d) => n * d, 1) / len;
  if (len > ROW_DIRECT) {
    return dispatch({
      program: program({ kind: 'layer-norm-wg', dtype, log: false, subgroups: ctx.subgroups } satisfies RowsWgSpec, rowsWgWgsl),
      uniforms: uniforms([rows, len, f32Bits(node.attrs.eps)]),
      bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }, { kind: 'input', index: 2 }],
      dispatch: rowDispatch(rows),
    });
  }
  return dispatch({
    program: program({ kind: 'layer-norm', dtype } satisfies LayerNormSpec, layerNormWgsl),
    uniforms: uniforms([rows, len, f32Bits(node.attrs.eps)]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }, { kind: 'input', index: 2 }],
    dispatch: linearDispatch(rows),
  });
};
