/**
 * The closed op table: every op a graph may contain, its attributes and whether it is a primitive
 * (every backend implements it) or a composite (has a decomposition into primitives in
 * `decompositions/`, so a backend may claim it fused or leave it to the decompose pass).
 *
 * This is the backend contract. Adding an op means adding it here, and the type system then demands
 * its shape inference (infer.ts), gradient rule (rules/), FLOP count (flops.ts) and reference kernel.
 * It is deliberately not extensible at run time: there is no registry.
 *
 * Conventions every op follows:
 * - binary elementwise ops and `where` broadcast with numpy rules; both float operands share a dtype;
 * - `compare` yields i32 0/1; `where` treats any nonzero condition as true;
 * - reductions take normalised, sorted axes and a keepDims flag;
 * - `gather` indexes axis 0 of its table with i32 ids (embedding lookup); `scatterAdd` is its adjoint;
 * - `matmul` is [..., M, K] × [..., K, N] with broadcast batch dims and optional transposes of the
 *   last two axes of either operand; both operands have rank ≥ 2.
 */
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';

export type Comparison = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

type NoAttrs = Readonly<Record<never, never>>;
interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

/** Attributes of each op, already normalised (non-negative axes, resolved shapes). */
export interface OpAttrs {
  // sources
  constant: { readonly values: readonly number[]; readonly shape: Shape; readonly dtype: DType };
  fill: { readonly value: number; readonly shape: Shape; readonly dtype: DType };
  iota: { readonly shape: Shape; readonly axis: number; readonly dtype: DType };
  // binary elementwise (broadcasting)
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  maximum: NoAttrs;
  compare: { readonly cmp: Comparison };
  // unary elementwise
  neg: NoAttrs;
  exp: NoAttrs;
  log: NoAttrs;
  sqrt: NoAttrs;
  rsqrt: NoAttrs;
  tanh: NoAttrs;
  erf: NoAttrs;
  cast: { readonly dtype: DType };
  // selection
  where: NoAttrs;
  // contraction
  matmul: { readonly transposeA: boolean; readonly transposeB: boolean };
  // reductions
  sum: ReduceAttrs;
  max: ReduceAttrs;
  mean: ReduceAttrs;
  // layout
  reshape: { readonly shape: Shape };
  transpose: { readonly perm: readonly number[] };
  broadcast: { readonly shape: Shape };
  slice: { readonly starts: readonly number[]; readonly ends: readonly number[] };
  pad: { readonly before: readonly number[]; readonly after: readonly number[]; readonly value: number };
  concat: { readonly axis: number };
  // indexing
  gather: NoAttrs;
  scatterAdd: { readonly rows: number };
  // composites
  softmax: { readonly axis: number };
  logSoftmax: { readonly axis: number };
  layerNorm: { readonly eps: number };
  gelu: NoAttrs;
  attention: { readonly causal: boolean; readonly scale: number };
}

export type OpKind = keyof OpAttrs;

export interface OpSpec {
  readonly category: 'primitive' | 'composite';
  /** Number of tensor inputs; 'variadic' for concat (≥ 1); a [min, max] range for optional inputs. */
  readonly arity: number | 'variadic' | readonly [number, number];
  /** One line for docs and error messages. */
  readonly summary: string;
}

/** The op table. `satisfies` makes it exhaustive: a kind missing here is a compile error. */
export const OPS = {
  constant: { category: 'primitive', arity: 0, summary: 'a literal tensor (row-major values)' },
  fill: { category: 'primitive', arity: 0, summary: 'a tensor with every element equal to value' },
  iota: { category: 'primitive', arity: 0, summary: 'each element equals its index along axis' },
  add: { category: 'primitive', arity: 2, summary: 'a + b (broadcasting)' },
  sub: { category: 'primitive', arity: 2, summary: 'a - b (broadcasting)' },
  mul: { category: 'primitive', arity: 2, summary: 'a * b (broadcasting)' },
  div: { category: 'primitive', arity: 2, summary: 'a / b (broadcasting; i32 truncates toward zero)' },
  maximum: { category: 'primitive', arity: 2, summary: 'max(a, b) elementwise (broadcasting)' },
  compare: { category: 'primitive', arity: 2, summary: 'a <cmp> b as i32 0/1 (broadcasting)' },
  neg: { category: 'primitive', arity: 1, summary: '-x' },
  exp: { category: 'primitive', arity: 1, summary: 'e^x' },
  log: { category: 'primitive', arity: 1, summary: 'natural logarithm' },
  sqrt: { category: 'primitive', arity: 1, summary: 'square root' },
  rsqrt: { category: 'primitive', arity: 1, summary: '1 / sqrt(x)' },
  tanh: { category: 'primitive', arity: 1, summary: 'hyperbolic tangent' },
  erf: { category: 'primitive', arity: 1, summary: 'the error function (exact GELU needs it)' },
  cast: { category: 'primitive', arity: 1, summary: 'convert to dtype (float→i32 truncates toward zero)' },
  where: { category: 'primitive', arity: 3, summary: 'cond ? a : b elementwise (broadcasting)' },
  matmul: { category: 'primitive', arity: 2, summary: 'batched matrix product with optional transposes' },
  sum: { category: 'primitive', arity: 1, summary: 'sum over axes' },
  max: { category: 'primitive', arity: 1, summary: 'maximum over axes' },
  mean: { category: 'primitive', arity: 1, summary: 'arithmetic mean over axes' },
  reshape: { category: 'primitive', arity: 1, summary: 'same elements, new shape (row-major)' },
  transpose: { category: 'primitive', arity: 1, summary: 'permute axes: out.shape[i] = x.shape[perm[i]]' },
  broadcast: { category: 'primitive', arity: 1, summary: 'expand to shape by numpy broadcasting' },
  slice: { category: 'primitive', arity: 1, summary: 'x[starts:ends] on every axis, step 1' },
  pad: { category: 'primitive', arity: 1, summary: 'surround with value: before/after counts per axis' },
  concat: { category: 'primitive', arity: 'variadic', summary: 'join along axis' },
  gather: { category: 'primitive', arity: 2, summary: 'table[ids] along axis 0 (embedding lookup)' },
  scatterAdd: { category: 'primitive', arity: 2, summary: 'zeros[rows, ...] with updates added at ids (gather adjoint)' },
  softmax: { category: 'composite', arity: 1, summary: 'softmax along axis' },
  logSoftmax: { category: 'composite', arity: 1, summary: 'log of softmax along axis' },
  layerNorm: { category: 'composite', arity: 3, summary: 'normalise the last axis (biased variance), then γ·x̂ + β' },
  gelu: { category: 'composite', arity: 1, summary: 'exact GELU: x·Φ(x) = x/2·(1 + erf(x/√2))' },
  attention: {
    category: 'composite',
    arity: [3, 4],
    summary: 'softmax(scale·q·kᵀ masked)·v; optional 4th input: a mask broadcastable to [..., T, S], nonzero = may attend',
  },
} as const satisfies { readonly [K in OpKind]: OpSpec };

export type PrimitiveKind = { [K in OpKind]: (typeof OPS)[K]['category'] extends 'primitive' ? K : never }[OpKind];
export type CompositeKind = Exclude<OpKind, PrimitiveKind>;

export const OP_KINDS = Object.keys(OPS) as OpKind[];
export const COMPOSITE_KINDS = OP_KINDS.filter((k) => OPS[k].category === 'composite') as CompositeKind[];

export function isComposite(kind: OpKind): kind is CompositeKind {
  return OPS[kind].category === 'composite';
}
