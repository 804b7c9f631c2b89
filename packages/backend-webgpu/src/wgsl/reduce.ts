/**
 * Reductions over any set of axes: one invocation per output element walks the reduced elements in
 * row-major order, accumulating in the compute type (f32 for f32 and f16, i32 for i32; the reference
 * accumulates in doubles, hence the f32 tolerance of the conformance tests). Kept and reduced axes each have their own shape and
 * input strides in uniforms; only their ranks are in the program.
 *
 * Float reductions over more than WG_REDUCE elements run one workgroup per output instead
 * (reduce-wg): each invocation accumulates every 64th reduced element, and the partials are combined
 * across the workgroup with subgroup operations where the device has them, else a workgroup-memory
 * tree (workgroup-reduce.ts). i32 reductions stay serial.
 */
import type { Shape } from '@repurpose/core/engine';
import { computeType, load, store } from './dtype.js';
import { decompose, linearEntry, storage, uniformBlock } from './indexing.js';
import { WG_REDUCE, rowDispatch, rowEntry, workgroupReduceWgsl } from './workgroup-reduce.js';
import { contiguous } from './map.js';
import { type Pass, type WgslDType, linearDispatch, program, uniforms } from './program.js';

export type ReduceOp = 'sum' | 'max' | 'mean';

export interface ReduceSpec {
  readonly kind: 'reduce' | 'reduce-wg';
  readonly op: ReduceOp;
  readonly dtype: WgslDType;
  readonly keptRank: number;
  readonly reducedRank: number;
  /** reduce-wg only: combine the partials with subgroup operations. */
  readonly subgroups?: boolean;
}

export function reduceWgsl(s: ReduceSpec): string {
  // slots: 0 outputs, 1 reduced count, kept shape, kept strides, reduced shape, reduced strides
  const keptShape = 2;
  const keptStrides = keptShape + s.keptRank;
  const redShape = keptStrides + s.keptRank;
  const redStrides = redShape + s.reducedRank;
  const total = redStrides + s.reducedRank; // + 1 slot: the lowest value, for max
  const sumOf = (rank: number, strideSlot: number, prefix: string) =>
    ['0u', ...Array.from({ length: rank }, (_, d) => `${prefix}${d} * p(${strideSlot + d}u)`)].join(' + ');
  // max starts from −∞ read at run time (slot 2 + …): a constant −∞ would be a WGSL creation error.
  const C = computeType(s.dtype);
  const init = s.op === 'max' ? `bitcast<${C}>(p(${total}u))` : `${C}(0)`;
  const step = s.op === 'max' ? 'acc = max(acc, v);' : 'acc = acc + v;';
  const finish = s.op === 'mean' ? `acc / ${C}(p(1u))` : 'acc';
  if (s.kind === 'reduce-wg') {
    const wgBody = [
      decompose('row', s.keptRank, keptShape, 'k'),
      `  let base = ${sumOf(s.keptRank, keptStrides, 'k')};`,
      `  var acc = ${init};`,
      `  for (var j = li; j < p(1u); j = j + ${WG_REDUCE}u) {`,
      decompose('j', s.reducedRank, redShape, 'r', '    '),
      `    let v = ${load(s.dtype, `x[base + ${sumOf(s.reducedRank, redStrides, 'r')}]`)};`,
      `    ${step}`,
      '  }',
      `  let acc_all = ${s.op === 'max' ? 'wg_max' : 'wg_add'}(acc, ids);`,
      `  if (li == 0u) { out[row] = ${store(s.dtype, s.op === 'mean' ? `acc_all / ${C}(p(1u))` : 'acc_all')}; }`,
    ].filter((l) => l !== '');
    return [uniformBlock(total + 1), storage(1, 'out', s.dtype, 'read_write'), storage(2, 'x', s.dtype, 'read'), workgroupReduceWgsl(s.subgroups === true), rowEntry(0, s.subgroups === true, wgBody.join('\n'))].join('\n');
  }
  const body = [
    decompose('idx', s.keptRank, keptShape, 'k'),
    `  let base = ${sumOf(s.keptRank, keptStrides, 'k')};`,
    `  var acc = ${init};`,
    '  for (var j = 0u; j < p(1u); j = j + 1u) {',
    decompose('j', s.reducedRank, redShape, 'r', '    '),
    `    let v = ${load(s.dtype, `x[base + ${sumOf(s.reducedRank, redStrides, 'r')}]`)};`,
    `    ${step}`,
    '  }',
    `  out[idx] = ${store(s.dtype, finish)};`,
  ].filter((l) => l !== '');
  return [uniformBlock(total + 1), storage(1, 'out', s.dtype, 'read_write'), storage(2, 'x', s.dtype, 'read'), linearEntry(0, body.join('\n'))].join('\n');
}

export function reducePass(op: ReduceOp, dtype: WgslDType, shape: Shape, axes: readonly number[], subgroups = false): Pass {
  const strides = contiguous(shape).strides;
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const reduced = [...axes].sort((a, b) => a - b);
  const outputs = kept.reduce((n, d) => n * shape[d]!, 1);
  const count = reduced.reduce((n, d) => n * shape[d]!, 1);
  const wide = dtype !== 'i32' && count > WG_REDUCE;
  const spec: ReduceSpec = wide
    ? { kind: 'reduce-wg', op, dtype, keptRank: kept.length, reducedRank: reduced.length, subgroups }
    : { kind: 'reduce', op, dtype, keptRank: kept.length, reducedRank: reduced.length };
  return {
    program: program(spec, reduceWgsl),
    uniforms: uniforms([outputs, count, ...kept.map((d) => shape[d]!), ...kept.map((d) => strides[d]!), ...reduced.map((d) => shape[d]!), ...reduced.map((d) => strides[d]!), op !== 'max' ? 0 : dtype === 'i32' ? 0x80000000 : 0xff800000]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }],
    dispatch: wide ? rowDispatch(outputs) : linearDispatch(outputs),
  };
}
