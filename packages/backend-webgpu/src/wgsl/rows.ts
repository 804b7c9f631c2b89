/**
 * Row kernels: one invocation per row of a tensor viewed as [outer, length, inner] around one axis
 * (softmax, logSoftmax) or as [rows, length] over the last axis (layerNorm). Each invocation makes its
 * passes over the row serially — three reads for softmax, three for layerNorm — so the results use
 * the same two-pass formulas as the reference (max-shifted exponentials; mean, then biased variance).
 *
 * Rows are read as f32 and accumulated in f32 (for f16 storage too); each result is stored once.
 *
 * Rows longer than ROW_DIRECT run one workgroup per row instead (rowsWgWgsl, at the end), reducing
 * across the workgroup with subgroup operations where the device has them (workgroup-reduce.ts).
 */
import { load, store } from './dtype.js';
import { linearEntry, storage, uniformBlock } from './indexing.js';
import { WG_REDUCE, rowEntry, workgroupReduceWgsl } from './workgroup-reduce.js';
import type { WgslDType } from './program.js';

export interface SoftmaxSpec {
  readonly kind: 'softmax';
  readonly dtype: WgslDType;
  readonly log: boolean;
}

export function softmaxWgsl(s: SoftmaxSpec): string {
  // slots: 0 rows (outer·inner), 1 length, 2 inner
  const x = (at: string) => load(s.dtype, `x[${at}]`);
  const write = s.log ? `out[at] = ${store(s.dtype, `${x('at')} - m - log(total)`)};` : `out[at] = ${store(s.dtype, `exp(${x('at')} - m) / total`)};`;
  return [
    uniformBlock(3),
    storage(1, 'out', s.dtype, 'read_write'),
    storage(2, 'x', s.dtype, 'read'),
    linearEntry(
      0,
      [
        '  let len = p(1u);',
        '  let inner = p(2u);',
        '  let base = (idx / inner) * len * inner + idx % inner;',
        `  var m = ${x('base')};`,
        `  for (var j = 1u; j < len; j = j + 1u) { m = max(m, ${x('base + j * inner')}); }`,
        '  var total = 0.0;',
        `  for (var j = 0u; j < len; j = j + 1u) { total = total + exp(${x('base + j * inner')} - m); }`,
        '  for (var j = 0u; j < len; j = j + 1u) {',
        '    let at = base + j * inner;',
        `    ${write}`,
        '  }',
      ].join('\n'),
    ),
  ].join('\n');
}

export interface LayerNormSpec {
  readonly kind: 'layer-norm';
  readonly dtype: WgslDType;
}

export function layerNormWgsl(s: LayerNormSpec): string {
  // slots: 0 rows, 1 length, 2 eps (f32 bits)
  const x = (at: string) => load(s.dtype, `x[${at}]`);
  return [
    uniformBlock(3),
    storage(1, 'out', s.dtype, 'read_write'),
    storage(2, 'x', s.dtype, 'read'),
    storage(3, 'weight', s.dtype, 'read'),
    storage(4, 'bias', s.dtype, 'read'),
    linearEntry(
      0,
      [
        '  let len = p(1u);',
        '  let base = idx * len;',
        '  var total = 0.0;',
        `  for (var j = 0u; j < len; j = j + 1u) { total = total + ${x('base + j')}; }`,
        '  let mean = total / f32(len);',
        '  var squares = 0.0;',
        `  for (var j = 0u; j < len; j = j + 1u) { let d = ${x('base + j')} - mean; squares = squares + d * d; }`,
        '  let inv = 1.0 / sqrt(squares / f32(len) + bitcast<f32>(p(2u)));',
        `  for (var j = 0u; j < len; j = j + 1u) { out[base + j] = ${store(s.dtype, `(${x('base + j')} - mean) * inv * ${load(s.dtype, 'weight[j]')} + ${load(s.dtype, 'bias[j]')}`)}; }`,
      ].join('\n'),
    ),
  ].join('\n');
}

export interface SoftmaxGradSpec {
  readonly kind: 'softmax-grad';
  readonly dtype: WgslDType;
  readonly log: boolean;
}

/**
 * The backward of softmax (dx = y·(dy − Σ y·dy)) and logSoftmax (dx = dy − exp(y)·Σ dy) along an axis,
 * from the forward's output y: one invocation per row, two reads of it.
 */
export function softmaxGradWgsl(s: SoftmaxGradSpec): string {
  // slots: 0 rows (outer·inner), 1 length, 2 inner
  const y = load(s.dtype, 'y[at]');
  const dy = load(s.dtype, 'dy[at]');
  const term = s.log ? dy : `${dy} * ${y}`;
  const write = `out[at] = ${store(s.dtype, s.log ? `${dy} - exp(${y}) * total` : `${y} * (${dy} - total)`)};`;
  return [
    uniformBlock(3),
    storage(1, 'out', s.dtype, 'read_write'),
    storage(2, 'y', s.dtype, 'read'),
    storage(3, 'dy', s.dtype, 'read'),
    linearEntry(
      0,
      [
        '  let len = p(1u);',
        '  let inner = p(2u);',
        '  let base = (idx / inner) * len * inner + idx % inner;',
        '  var total = 0.0;',
        `  for (var j = 0u; j < len; j = j + 1u) { let at = base + j * inner; total = total + ${term}; }`,
        `  for (var j = 0u; j < len; j = j + 1u) { let at = base + j * inner; ${write} }`,
      ].join('\n'),
    ),
  ].join('\n');
}

/** Rows longer than this run one workgroup per row (the *-wg programs below) instead of one invocation per row. */
export const ROW_DIRECT = 64;

export interface RowsWgSpec {
  readonly kind: 'softmax-wg' | 'softmax-grad-wg' | 'layer-norm-wg';
  readonly dtype: WgslDType;
  /** softmax and softmax-grad: the log variant. */
  readonly log: boolean;
  /** Reduce with subgroup operations (workgroup-reduce.ts) rather than a workgroup-memory tree. */
  readonly subgroups: boolean;
}

/**
 * Long rows, one workgroup of WG_REDUCE invocations per row: each invocation walks every 64th element
 * of the row, the partial maxima and sums are combined by wg_max / wg_add, and each invocation writes
 * its elements. The formulas are the one-invocation programs' above (max-shifted exponentials; mean,
 * then biased variance); only the order of the sums differs. Slots as theirs, plus, for softmax,
 * slot 3: −∞ (f32 bits), where the max starts (a constant −∞ is a WGSL creation error).
 */
export function rowsWgWgsl(s: RowsWgSpec): string {
  const x = (at: string) => load(s.dtype, `x[${at}]`);
  const each = (body: string) => `  for (var j = li; j < len; j = j + ${WG_REDUCE}u) { ${body} }`;
  let body: string[];
  let bindings: string[];
  if (s.kind === 'layer-norm-wg') {
    bindings = [storage(2, 'x', s.dtype, 'read'), storage(3, 'weight', s.dtype, 'read'), storage(4, 'bias', s.dtype, 'read')];
    body = [
      '  let len = p(1u);',
      '  let base = row * len;',
      '  var part = 0.0;',
      each(`part = part + ${x('base + j')};`),
      '  let mean = wg_add(part, ids) / f32(len);',
      '  var squares = 0.0;',
      each(`let d = ${x('base + j')} - mean; squares = squares + d * d;`),
      '  let inv = 1.0 / sqrt(wg_add(squares, ids) / f32(len) + bitcast<f32>(p(2u)));',
      each(`out[base + j] = ${store(s.dtype, `(${x('base + j')} - mean) * inv * ${load(s.dtype, 'weight[j]')} + ${load(s.dtype, 'bias[j]')}`)};`),
    ];
  } else if (s.kind === 'softmax-wg') {
    bindings = [storage(2, 'x', s.dtype, 'read')];
    const write = s.log ? store(s.dtype, `${x('at')} - m - log(total)`) : store(s.dtype, `exp(${x('at')} - m) / total`);
    body = [
      '  let len = p(1u);',
      '  let inner = p(2u);',
      '  let base = (row / inner) * len * inner + row % inner;',
      '  var part = bitcast<f32>(p(3u));',
      each(`part = max(part, ${x('base + j * inner')});`),
      '  let m = wg_max(part, ids);',
      '  var sum = 0.0;',
      each(`sum = sum + exp(${x('base + j * inner')} - m);`),
      '  let total = wg_add(sum, ids);',
      each(`let at = base + j * inner; out[at] = ${write};`),
    ];
  } else {
    bindings = [storage(2, 'y', s.dtype, 'read'), storage(3, 'dy', s.dtype, 'read')];
    const y = load(s.dtype, 'y[at]');
    const dy = load(s.dtype, 'dy[at]');
    const term = s.log ? dy : `${dy} * ${y}`;
    const write = store(s.dtype, s.log ? `${dy} - exp(${y}) * total` : `${y} * (${dy} - total)`);
    body = [
      '  let len = p(1u);',
      '  let inner = p(2u);',
      '  let base = (row / inner) * len * inner + row % inner;',
      '  var sum = 0.0;',
      each(`let at = base + j * inner; sum = sum + ${term};`),
      '  let total = wg_add(sum, ids);',
      each(`let at = base + j * inner; out[at] = ${write};`),
    ];
  }
  return [uniformBlock(4), storage(1, 'out', s.dtype, 'read_write'), ...bindings, workgroupReduceWgsl(s.subgroups), rowEntry(0, s.subgroups, body.join('\n'))].join('\n');
}
