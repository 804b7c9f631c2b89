/**
 * gather: out[i, …] = table[ids[i], …]; one invocation per output element. A shader cannot throw, so
 * an id outside [0, rows) reads as zeros; ids fed from the host are range-checked before the run
 * (executable.ts), where the reference backend's error can be matched.
 */
import { wgslDType } from '../wgsl/dtype.js';
import { linearEntry, storage, uniformBlock } from '../wgsl/indexing.js';
import { type WgslDType, linearDispatch, program, uniforms } from '../wgsl/program.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

export interface GatherSpec {
  readonly kind: 'gather';
  readonly dtype: WgslDType;
}

export function gatherWgsl(s: GatherSpec): string {
  // slots: 0 outputs, 1 row width, 2 rows
  return [
    uniformBlock(3),
    storage(1, 'out', s.dtype, 'read_write'),
    storage(2, 'table', s.dtype, 'read'),
    storage(3, 'ids', 'i32', 'read'),
    linearEntry(
      0,
      [
        '  let width = p(1u);',
        '  let id = ids[idx / width];',
        `  if (id < 0i || u32(id) >= p(2u)) { out[idx] = ${s.dtype}(0); return; }`,
        '  out[idx] = table[u32(id) * width + idx % width];',
      ].join('\n'),
    ),
  ].join('\n');
}

export const gatherKernel: WebGpuKernel<'gather'> = (node, inputs) => {
  const table = input(inputs, 0, 'gather').shape;
  const count = node.type.shape.reduce((n, d) => n * d, 1);
  const width = table.slice(1).reduce((n, d) => n * d, 1);
  return dispatch({
    program: program({ kind: 'gather', dtype: wgslDType(node.type.dtype, 'gather dtype') } satisfies GatherSpec, gatherWgsl),
    uniforms: uniforms([count, Math.max(width, 1), table[0]!]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }],
    dispatch: linearDispatch(count),
  });
};
