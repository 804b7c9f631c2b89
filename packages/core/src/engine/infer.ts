/**
 * Shape and dtype inference: one function per op, in a table the type system makes exhaustive. It
 * takes normalised attributes (the builder resolves `-1` dims and negative axes before calling) and
 * throws a GraphError naming the op's argument when the inputs do not fit. The builder runs it on every
 * node it creates and `checkGraph` reruns it on graphs that arrive from elsewhere.
 *
 * Not where attributes are normalised (builder.ts) and not where ops are described (ops.ts).
 */
import { type DType, DTYPES, isFloat } from './dtype.js';
import { GraphError } from './errors.js';
import type { TensorType } from './graph.js';
import { packedLength } from './decompositions/packing.js';
import type { OpAttrs, OpKind, PackedGrads } from './ops.js';
import { broadcastShapes, broadcastsTo, isShape, reducedShape, sameShape, sizeOf } from './shape.js';

type Infer<K extends OpKind> = (inputs: readonly TensorType[], attrs: OpAttrs[K], op: string) => TensorType;

function arg(inputs: readonly TensorType[], i: number, op: string): TensorType {
  const t = inputs[i];
  if (!t) throw new GraphError(`${op} input ${i}`, undefined, 'a tensor');
  return t;
}

function checkDType(dtype: unknown, field: string): DType {
  if (!DTYPES.includes(dtype as DType)) throw new GraphError(field, dtype, `one of ${DTYPES.join(', ')}`);
  return dtype as DType;
}

function checkShape(shape: unknown, field: string): readonly number[] {
  if (!isShape(shape)) throw new GraphError(field, shape, 'an array of non-negative integers');
  return shape;
}

function requireFloat(t: TensorType, field: string): void {
  if (!isFloat(t.dtype)) throw new GraphError(`${field} dtype`, t.dtype, 'f32 or f64');
}

function sameDType(a: TensorType, b: TensorType, op: string): DType {
  if (a.dtype !== b.dtype) throw new GraphError(`${op} operand dtypes`, [a.dtype, b.dtype], 'equal dtypes');
  return a.dtype;
}

const source =
  <K extends 'fill' | 'iota' | 'constant'>(): Infer<K> =>
  (_inputs, attrs, op) => ({
    dtype: checkDType(attrs.dtype, `${op} dtype`),
    shape: checkShape(attrs.shape, `${op} shape`),
  });

const binary = (inputs: readonly TensorType[], _attrs: unknown, op: string): TensorType => {
  const a = arg(inputs, 0, op);
  const b = arg(inputs, 1, op);
  return { dtype: sameDType(a, b, op), shape: broadcastShapes(`${op} operand shapes`, a.shape, b.shape) };
};

const unaryFloat = (inputs: readonly TensorType[], _attrs: unknown, op: string): TensorType => {
  const x = arg(inputs, 0, op);
  requireFloat(x, `${op} input`);
  return x;
};

const reduce = (inputs: readonly TensorType[], attrs: OpAttrs['sum'], op: string): TensorType => {
  const x = arg(inputs, 0, op);
  const rank = x.shape.length;
  let last = -1;
  for (const a of attrs.axes) {
    if (!Number.isInteger(a) || a <= last || a >= rank) {
      throw new GraphError(`${op} axes`, attrs.axes, `sorted distinct axes in [0, ${rank - 1}]`);
    }
    last = a;
  }
  return { dtype: x.dtype, shape: reducedShape(x.shape, attrs.axes, attrs.keepDims) };
};

function matmulShape(a: TensorType, b: TensorType, attrs: OpAttrs['matmul'], op: string): number[] {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new GraphError(`${op} operand ranks`, [a.shape.length, b.shape.length], 'both ≥ 2');
  }
  const [m, ka] = lastTwo(a.shape, attrs.transposeA);
  const [kb, n] = lastTwo(b.shape, attrs.transposeB);
  if (ka !== kb) throw new GraphError(`${op} contraction dims`, [[...a.shape], [...b.shape]], `equal K (got ${ka} and ${kb})`);
  const batch = broadcastShapes(`${op} batch dims`, a.shape.slice(0, -2), b.shape.slice(0, -2));
  return [...batch, m, n];
}

function lastTwo(shape: readonly number[], transposed: boolean): [number, number] {
  const r = shape[shape.length - 2]!;
  const c = shape[shape.length - 1]!;
  return transposed ? [c, r] : [r, c];
}

export const INFER: { readonly [K in OpKind]: Infer<K> } = {
  constant: (inputs, attrs, op) => {
    const t = source<'constant'>()(inputs, attrs, op);
    if (attrs.values.length !== sizeOf(t.shape)) {
      throw new GraphError(`${op} values`, `${attrs.values.length} values`, `${sizeOf(t.shape)} values for shape [${t.shape}]`);
    }
    return t;
  },
  fill: source<'fill'>(),
  iota: (inputs, attrs, op) => {
    const t = source<'iota'>()(inputs, attrs, op);
    if (!Number.isInteger(attrs.axis) || attrs.axis < 0 || attrs.axis >= t.shape.length) {
      throw new GraphError(`${op} axis`, attrs.axis, `an axis in [0, ${t.shape.length - 1}]`);
    }
    return t;
  },
  add: binary,
  sub: binary,
  mul: binary,
  div: binary,
  maximum: binary,
  compare: (inputs, attrs, op) => ({ ...binary(inputs, {}, op), dtype: 'i32' }),
  neg: (inputs, _attrs, op) => arg(inputs, 0, op),
  exp: unaryFloat,
  log: unaryFloat,
  sqrt: unaryFloat,
  rsqrt: unaryFloat,
  tanh: unaryFloat,
  erf: unaryFloat,
  cast: (inputs, attrs, op) => ({ dtype: checkDType(attrs.dtype, `${op} dtype`), shape: arg(inputs, 0, op).shape }),
  where: (inputs, _attrs, op) => {
    const cond = arg(inputs, 0, op);
    const a = arg(inputs, 1, op);
    const b = arg(inputs, 2, op);
    if (cond.dtype !== 'i32') throw new GraphError(`${op} condition dtype`, cond.dtype, 'i32 (a compare result)');
    return { dtype: sameDType(a, b, op), shape: broadcastShapes(`${op} operand shapes`, cond.shape, a.shape, b.shape) };
  },
  matmul: (inputs, attrs, op) => {
    const a = arg(inputs, 0, op);
    const b = arg(inputs, 1, op);
    return { dtype: sameDType(a, b, op), shape: matmulShape(a, b, attrs, op) };
  },
  sum: reduce,
  max: reduce,
  mean: (inputs, attrs, op) => {
    const t = reduce(inputs, attrs, op);
    requireFloat(t, `${op} input`);
    return t;
  },
  reshape: (inputs, attrs, op) => {
    const x = arg(inputs, 0, op);
    const shape = checkShape(attrs.shape, `${op} shape`);
    if (sizeOf(shape) !== sizeOf(x.shape)) {
      throw new GraphError(`${op} shape`, [...shape], `${sizeOf(x.shape)} elements like [${x.shape}]`);
    }
    return { dtype: x.dtype, shape };
  },
  transpose: (inputs, attrs, op) => {
    const x = arg(inputs, 0, op);
    const rank = x.shape.length;
    const perm = attrs.perm;
    const isPerm = perm.length === rank && [...perm].sort((p, q) => p - q).every((p, i) => p === i);
    if (!isPerm) throw new GraphError(`${op} perm`, perm, `a permutation of 0..${rank - 1}`);
    return { dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) };
  },
  broadcast: (inputs, attrs, op) => {
    const x = arg(inputs, 0, op);
    const shape = checkShape(attrs.shape, `${op} shape`);
    if (!broadcastsTo(x.shape, shape)) throw new GraphError(`${op} shape`, [...shape], `a shape [${x.shape}] broadcasts to`);
    return { dtype: x.dtype, shape };
  },
  slice: (inputs, attrs, op) => {
    const x = arg(inputs, 0, op);
    const { starts, ends } = attrs;
    if (starts.length !== x.shape.length || ends.length !== x.shape.length) {
      throw new GraphError(`${op} starts/ends`, [starts, ends], `one start and end per axis (rank ${x.shape.length})`);
    }
    const shape = x.shape.map((d, i) => {
      const s = starts[i]!;
      const e = ends[i]!;
      if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e < s || e > d) {
        throw new GraphError(`${op} axis ${i} range`, [s, e], `0 ≤ start ≤ end ≤ ${d}`);
      }
      return e - s;
    });
    return { dtype: x.dtype, shape };
  },
  pad: (inputs, attrs, op) => {
    const x = arg(inputs, 0, op);
    const { before, after } = attrs;
    const ok = (p: readonly number[]) => p.length === x.shape.length && p.every((n) => Number.isInteger(n) && n >= 0);
    if (!ok(before) || !ok(after)) {
      throw new GraphError(`${op} before/after`, [before, after], `non-negative counts, one per axis (rank ${x.shape.length})`);
    }
    return { dtype: x.dtype, shape: x.shape.map((d, i) => d + before[i]! + after[i]!) };
  },
  concat: (inputs, attrs, op) => {
    const first = arg(inputs, 0, op);
    const rank = first.shape.length;
    const axis = attrs.axis;
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new GraphError(`${op} axis`, axis, `an axis in [0, ${rank - 1}]`);
    let total = 0;
    inputs.forEach((t, i) => {
      sameDType(first, t, op);
      const fits = t.shape.length === rank && t.shape.every((d, j) => j === axis || d === first.shape[j]);
      if (!fits) throw new GraphError(`${op} input ${i} shape`, [...t.shape], `[${first.shape}] except on axis ${axis}`);
      total += t.shape[axis]!;
    });
    return { dtype: first.dtype, shape: first.shape.map((d, j) => (j === axis ? total : d)) };
  },
  gather: (inputs, _attrs, op) => {
    const table = arg(inputs, 0, op);
    const ids = arg(inputs, 1, op);
    if (ids.dtype !== 'i32') throw new GraphError(`${op} ids dtype`, ids.dtype, 'i32');
    if (table.shape.length < 1) throw new GraphError(`${op} table rank`, 0, 'rank ≥ 1');
    return { dtype: table.dtype, shape: [...ids.shape, ...table.shape.slice(1)] };
  },
  scatterAdd: (inputs, attrs, op) => {
    const ids = arg(inputs, 0, op);
    const updates = arg(inputs, 1, op);
    if (ids.dtype !== 'i32') throw new GraphError(`${op} ids dtype`, ids.dtype, 'i32');
    if (!Number.isInteger(attrs.rows) || attrs.rows < 0) throw new GraphError(`${op} rows`, attrs.rows, 'a non-negative integer');
    if (!sameShape(updates.shape.slice(0, ids.shape.length), ids.shape)) {
      throw new GraphError(`${op} updates shape`, [...updates.shape], `[${ids.shape}, ...] (ids shape first)`);
    }
    return { dtype: updates.dtype, shape: [attrs.rows, ...updates.shape.slice(ids.shape.length)] };
  },
  softmax: (inputs, attrs, op) => {
    const x = unaryFloat(inputs, {}, op);
    checkAxis(attrs.axis, x, op);
    return x;
  },
  logSoftmax: (inputs, attrs, op) => {
    const x = unaryFloat(inputs, {}, op);
    checkAxis(attrs.axis, x, op);
    return x;
  },
  layerNorm: (inputs, attrs, op) => {
    const x = unaryFloat(inputs, {}, op);
    const c = x.shape[x.shape.length - 1];
    if (c === undefined) throw new GraphError(`${op} input rank`, 0, 'rank ≥ 1');
    for (const [i, name] of [[1, 'weight'], [2, 'bias']] as const) {
      const p = arg(inputs, i, op);
      sameDType(x, p, op);
      if (!sameShape(p.shape, [c])) throw new GraphError(`${op} ${name} shape`, [...p.shape], `[${c}]`);
    }
    if (!(attrs.eps >= 0)) throw new GraphError(`${op} eps`, attrs.eps, 'a non-negative number');
    return x;
  },
  gelu: unaryFloat,
  attention: (inputs, attrs, op) => attentionType(inputs, inputs[3], attrs, op),
  geluGrad: (inputs, _attrs, op) => {
    const x = unaryFloat(inputs, {}, op);
    sameType(x, arg(inputs, 1, op), `${op} dy`);
    return x;
  },
  softmaxGrad: (inputs, attrs, op) => {
    const y = unaryFloat(inputs, {}, op);
    checkAxis(attrs.axis, y, op);
    sameType(y, arg(inputs, 1, op), `${op} dy`);
    return y;
  },
  logSoftmaxGrad: (inputs, attrs, op) => {
    const y = unaryFloat(inputs, {}, op);
    checkAxis(attrs.axis, y, op);
    sameType(y, arg(inputs, 1, op), `${op} dy`);
    return y;
  },
  adamMoment: (inputs, attrs, op) => {
    const moment = unaryFloat(inputs, {}, op);
    sameType(moment, arg(inputs, 1, op), `${op} g`);
    if (!(attrs.beta >= 0 && attrs.beta < 1)) throw new GraphError(`${op} beta`, attrs.beta, 'a number in [0, 1)');
    return moment;
  },
  adamwParam: (inputs, attrs, op) => {
    const p = unaryFloat(inputs, {}, op);
    sameType(p, arg(inputs, 1, op), `${op} m`);
    sameType(p, arg(inputs, 2, op), `${op} v`);
    ['decay', 'stepSize', 'bc2Sqrt'].forEach((name, i) => sameType({ dtype: p.dtype, shape: [] }, arg(inputs, 3 + i, op), `${op} ${name}`));
    if (!(attrs.eps > 0 && Number.isFinite(attrs.eps))) throw new GraphError(`${op} eps`, attrs.eps, 'a positive finite number');
    return p;
  },
  layerNormGrad: (inputs, attrs, op) => {
    const x = arg(inputs, 0, op);
    const weight = arg(inputs, 1, op);
    INFER.layerNorm([x, weight, weight], { eps: attrs.eps }, op);
    sameType(x, arg(inputs, 2, op), `${op} dy`);
    checkGrads(attrs.grads, op);
    return { dtype: x.dtype, shape: [packedLength([x.shape, weight.shape, weight.shape], attrs.grads)] };
  },
  attentionGrad: (inputs, attrs, op) => {
    const [q, k, v] = [arg(inputs, 0, op), arg(inputs, 1, op), arg(inputs, 2, op)];
    const out = attentionType([q, k, v], inputs[4], attrs, op);
    sameType(out, arg(inputs, 3, op), `${op} dy`);
    checkGrads(attrs.grads, op);
    return { dtype: q.dtype, shape: [packedLength([q.shape, k.shape, v.shape], attrs.grads)] };
  },
};

function sameType(expected: TensorType, t: TensorType, field: string): void {
  if (t.dtype !== expected.dtype || !sameShape(t.shape, expected.shape)) {
    throw new GraphError(field, `${t.dtype}[${t.shape}]`, `${expected.dtype}[${expected.shape}]`);
  }
}

function checkGrads(grads: PackedGrads, op: string): void {
  const ok = Array.isArray(grads) && grads.length === 3 && grads.every((g) => typeof g === 'boolean') && grads.some(Boolean);
  if (!ok) throw new GraphError(`${op} grads`, grads, 'three booleans, at least one true');
}

function attentionType(
  inputs: readonly TensorType[],
  mask: TensorType | undefined,
  attrs: { readonly causal: boolean; readonly scale: number },
  op: string,
): TensorType {
  const q = arg(inputs, 0, op);
  const k = arg(inputs, 1, op);
  const v = arg(inputs, 2, op);
  requireFloat(q, `${op} q`);
  sameDType(q, k, op);
  sameDType(q, v, op);
  const scores = matmulShape(q, k, { transposeA: false, transposeB: true }, `${op} q·kᵀ`);
  const out = matmulShape({ dtype: q.dtype, shape: scores }, v, { transposeA: false, transposeB: false }, `${op} p·v`);
  if (mask && !broadcastsTo(mask.shape, scores)) {
    throw new GraphError(`${op} mask shape`, [...mask.shape], `a shape that broadcasts to the scores [${scores}]`);
  }
  if (attrs.causal && scores[scores.length - 2]! > scores[scores.length - 1]!) {
    throw new GraphError(`${op} causal query length`, scores[scores.length - 2], `≤ key length ${scores[scores.length - 1]}`);
  }
  if (!Number.isFinite(attrs.scale)) throw new GraphError(`${op} scale`, attrs.scale, 'a finite number');
  return { dtype: q.dtype, shape: out };
}

function checkAxis(axis: number, x: TensorType, op: string): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
    throw new GraphError(`${op} axis`, axis, `an axis in [0, ${x.shape.length - 1}]`);
  }
}

/** Infers a node's type, dispatching on kind with the attrs type the kind implies. */
export function inferType<K extends OpKind>(kind: K, inputs: readonly TensorType[], attrs: OpAttrs[K], op: string = kind): TensorType {
  return (INFER[kind] as Infer<K>)(inputs, attrs, op);
}
