/** layerNorm fused over the last axis: mean, biased variance, then γ·x̂ + β (wgsl/rows.ts). */
import { wgslDType } from '../wgsl/dtype.js';
import { f32Bits, linearDispatch, program, uniforms } from '../wgsl/program.js';
import { type LayerNormSpec, layerNormWgsl } from '../wgsl/rows.js';
import { dispatch, type WebGpuKernel } from './kernel.js';

export const layerNormKernel: WebGpuKernel<'layerNorm'> = (node) => {
  const dtype = wgslDType(node.type.dtype, 'layerNorm dtype');
  const shape = node.type.shape;
  const len = shape[shape.length - 1]!;
  const rows = len === 0 ? 0 : shape.reduce((n, d) => n * d, 1) / len;
  return dispatch({
    program: program({ kind: 'layer-norm', dtype } satisfies LayerNormSpec, layerNormWgsl),
    uniforms: uniforms([rows, len, f32Bits(node.attrs.eps)]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }, { kind: 'input', index: 2 }],
    dispatch: linearDispatch(rows),
  });
};
