/** The shared lowering of softmax, logSoftmax and their backward: the tensor seen as [outer, length, inner] around the axis. */
import type { TensorType } from '@repurpose/core/engine';
import { wgslDType } from '../wgsl/dtype.js';
import { type Pass, linearDispatch, program, uniforms } from '../wgsl/program.js';
import { ROW_DIRECT, type RowsWgSpec, type SoftmaxGradSpec, type SoftmaxSpec, rowsWgWgsl, softmaxGradWgsl, softmaxWgsl } from '../wgsl/rows.js';
import { rowDispatch } from '../wgsl/workgroup-reduce.js';
import { type KernelContext, PLAIN } from './kernel.js';

export function softmaxPass(type: TensorType, axis: number, log: boolean, ctx: KernelContext = PLAIN): Pass {
  const dtype = wgslDType(type.dtype, log ? 'logSoftmax dtype' : 'softmax dtype');
  if (dtype === 'i32') throw new Error('softmax needs a float tensor (the graph checker should have caught this)');
  const shape = type.shape;
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const rows = len === 0 ? 0 : shape.reduce((n, d) => n * d, 1) / len;
  if (len > ROW_DIRECT) {
    return {
      program: program({ kind: 'softmax-wg', dtype, log, subgroups: ctx.subgroups } satisfies RowsWgSpec, rowsWgWgsl),
      uniforms: uniforms([rows, len, Math.max(inner, 1), 0xff800000]),
      bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }],
      dispatch: rowDispatch(rows),
    };
  }
  return {
    program: program({ kind: 'softmax', dtype, log } satisfies SoftmaxSpec, softmaxWgsl),
    uniforms: uniforms([rows, len, Math.max(inner, 1)]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }],
    dispatch: linearDispatch(rows),
  };
}

export function softmaxGradPass(type: TensorType, axis: number, log: boolean, ctx: KernelContext = PLAIN): Pass {
  const dtype = wgslDType(type.dtype, log ? 'logSoftmaxGrad dtype' : 'softmaxGrad dtype');
  const shape = type.shape;
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const rows = len === 0 ? 0 : shape.reduce((n, d) => n * d, 1) / len;
  if (len > ROW_DIRECT) {
    return {
      program: program({ kind: 'softmax-grad-wg', dtype, log, subgroups: ctx.subgroups } satisfies RowsWgSpec, rowsWgWgsl),
      uniforms: uniforms([rows, len, Math.max(inner, 1)]),
      bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }],
      dispatch: rowDispatch(rows),
    };
  }
  return {
    program: program({ kind: 'softmax-grad', dtype, log } satisfies SoftmaxGradSpec, softmaxGradWgsl),
    uniforms: uniforms([rows, len, Math.max(inner, 1)]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }],
    dispatch: linearDispatch(rows),
  };
}
