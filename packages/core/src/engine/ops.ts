/**
 * The closed op table: every op a graph may contain, its attributes, whether it is a primitive
 * (every backend implements it) or a composite (has a decomposition into primitives in
 * `decompositions/`, so a backend may claim it fused or leave it to the decompose pass), and its
 * `group` — what kind of kernel it is, for the FLOP counter and for a backend's fuser:
 * - source: no tensor inputs (constant, fill, iota);
 * - elementwise: each output element depends only on the same (broadcast) element of each input.
 *   `cast` is here (a per-element conversion that fuses like any unary op; it counts 0 FLOPs because
 *   it is not arithmetic), and so are `where` (a per-element select over three broadcast operands)
 *   and `compare` (per element, it only yields i32);
 * - reduction: folds axes (sum, max, mean);
 * - movement: moves or replicates elements by static index arithmetic, no arithmetic on values —
 *   reshape, transpose, broadcast, slice, `pad` (copies, plus a constant border) and `concat`
 *   (copies each operand to its offset); a fuser can fold these into an indexing expression;
 * - contraction: matmul;
 * - indexing: addresses depend on i32 data at run time (gather, and `scatterAdd`, which is the
 *   adjoint of gather and accumulates: it cannot be a movement because two ids may hit one row);
 * - composite: has a decomposition (every composite, forward or backward).
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
  // backward composites (emitted by the forward composites' gradient rules; see below)
  geluGrad: NoAttrs;
  softmaxGrad: { readonly axis: number };
  logSoftmaxGrad: { readonly axis: number };
  layerNormGrad: { readonly eps: number; readonly grads: PackedGrads };
  attentionGrad: { readonly causal: boolean; readonly scale: number; readonly grads: PackedGrads };
  // optimiser composites (train/adamw.ts builds the AdamW update from them; see below)
  adamMoment: { readonly beta: number; readonly squared: boolean };
  adamwParam: { readonly eps: number };
}

/**
 * Which of a multi-input composite's three differentiable inputs (layerNorm: x, weight, bias;
 * attention: q, k, v) its backward composite computes. A node has one output, so the wanted gradients
 * are packed: each flattened row-major, concatenated in input order into one 1-D tensor (see
 * decompositions/packing.ts). Flags, not always all three, so a frozen weight costs nothing.
 */
export type PackedGrads = readonly [boolean, boolean, boolean];

export type OpKind = keyof OpAttrs;

export type OpGroup = 'source' | 'elementwise' | 'reduction' | 'movement' | 'contraction' | 'indexing' | 'composite';

export const OP_GROUPS: readonly OpGroup[] = ['source', 'elementwise', 'reduction', 'movement', 'contraction', 'indexing', 'composite'];

export interface OpSpec {
  readonly category: 'primitive' | 'composite';
  /** The kind of kernel (file header); 'composite' exactly when category is. */
  readonly group: OpGroup;
  /** Number of tensor inputs; 'variadic' for concat (≥ 1); a [min, max] range for optional inputs. */
  readonly arity: number | 'variadic' | readonly [number, number];
  /** One line for docs and error messages. */
  readonly summary: string;
}

/** The op table. `satisfies` makes it exhaustive: a kind missing here is a compile error. */
export const OPS = {
  constant: { category: 'primitive', group: 'source', arity: 0, summary: 'a literal tensor (row-major values)' },
  fill: { category: 'primitive', group: 'source', arity: 0, summary: 'a tensor with every element equal to value' },
  iota: { category: 'primitive', group: 'source', arity: 0, summary: 'each element equals its index along axis' },
  add: { category: 'primitive', group: 'elementwise', arity: 2, summary: 'a + b (broadcasting)' },
  sub: { category: 'primitive', group: 'elementwise', arity: 2, summary: 'a - b (broadcasting)' },
  mul: { category: 'primitive', group: 'elementwise', arity: 2, summary: 'a * b (broadcasting)' },
  div: { category: 'primitive', group: 'elementwise', arity: 2, summary: 'a / b (broadcasting; i32 truncates toward zero)' },
  maximum: { category: 'primitive', group: 'elementwise', arity: 2, summary: 'max(a, b) elementwise (broadcasting)' },
  compare: { category: 'primitive', group: 'elementwise', arity: 2, summary: 'a <cmp> b as i32 0/1 (broadcasting)' },
  neg: { category: 'primitive', group: 'elementwise', arity: 1, summary: '-x' },
  exp: { category: 'primitive', group: 'elementwise', arity: 1, summary: 'e^x' },
  log: { category: 'primitive', group: 'elementwise', arity: 1, summary: 'natural logarithm' },
  sqrt: { category: 'primitive', group: 'elementwise', arity: 1, summary: 'square root' },
  rsqrt: { category: 'primitive', group: 'elementwise', arity: 1, summary: '1 / sqrt(x)' },
  tanh: { category: 'primitive', group: 'elementwise', arity: 1, summary: 'hyperbolic tangent' },
  erf: { category: 'primitive', group: 'elementwise', arity: 1, summary: 'the error function (exact GELU needs it)' },
  cast: { category: 'primitive', group: 'elementwise', arity: 1, summary: 'convert to dtype (float→i32 truncates toward zero)' },
  where: { category: 'primitive', group: 'elementwise', arity: 3, summary: 'cond ? a : b elementwise (broadcasting)' },
  matmul: { category: 'primitive', group: 'contraction', arity: 2, summary: 'batched matrix product with optional transposes' },
  sum: { category: 'primitive', group: 'reduction', arity: 1, summary: 'sum over axes' },
  max: { category: 'primitive', group: 'reduction', arity: 1, summary: 'maximum over axes' },
  mean: { category: 'primitive', group: 'reduction', arity: 1, summary: 'arithmetic mean over axes' },
  reshape: { category: 'primitive', group: 'movement', arity: 1, summary: 'same elements, new shape (row-major)' },
  transpose: { category: 'primitive', group: 'movement', arity: 1, summary: 'permute axes: out.shape[i] = x.shape[perm[i]]' },
  broadcast: { category: 'primitive', group: 'movement', arity: 1, summary: 'expand to shape by numpy broadcasting' },
  slice: { category: 'primitive', group: 'movement', arity: 1, summary: 'x[starts:ends] on every axis, step 1' },
  pad: { category: 'primitive', group: 'movement', arity: 1, summary: 'surround with value: before/after counts per axis' },
  concat: { category: 'primitive', group: 'movement', arity: 'variadic', summary: 'join along axis' },
  gather: { category: 'primitive', group: 'indexing', arity: 2, summary: 'table[ids] along axis 0 (embedding lookup)' },
  scatterAdd: { category: 'primitive', group: 'indexing', arity: 2, summary: 'zeros[rows, ...] with updates added at ids (gather adjoint)' },
  softmax: { category: 'composite', group: 'composite', arity: 1, summary: 'softmax along axis' },
  logSoftmax: { category: 'composite', group: 'composite', arity: 1, summary: 'log of softmax along axis' },
  layerNorm: { category: 'composite', group: 'composite', arity: 3, summary: 'normalise the last axis (biased variance), then γ·x̂ + β' },
  gelu: { category: 'composite', group: 'composite', arity: 1, summary: 'exact GELU: x·Φ(x) = x/2·(1 + erf(x/√2))' },
  attention: {
    category: 'composite',
    group: 'composite',
    arity: [3, 4],
    summary: 'softmax(scale·q·kᵀ masked)·v; optional 4th input: a mask broadcastable to [..., T, S], nonzero = may attend',
  },
  geluGrad: { category: 'composite', group: 'composite', arity: 2, summary: 'gelu backward: (x, dy) → dy·(Φ(x) + x·φ(x))' },
  softmaxGrad: { category: 'composite', group: 'composite', arity: 2, summary: 'softmax backward: (y, dy) → y·(dy − Σ dy·y) along axis, y the softmax output' },
  logSoftmaxGrad: { category: 'composite', group: 'composite', arity: 2, summary: 'logSoftmax backward: (y, dy) → dy − exp(y)·Σ dy along axis, y the logSoftmax output' },
  layerNormGrad: {
    category: 'composite',
    group: 'composite',
    arity: 3,
    summary: 'layerNorm backward: (x, weight, dy) → the wanted of dx, dweight, dbias, packed 1-D (PackedGrads)',
  },
  attentionGrad: {
    category: 'composite',
    group: 'composite',
    arity: [4, 5],
    summary: 'attention backward: (q, k, v, dy[, mask]) → the wanted of dq, dk, dv, packed 1-D (PackedGrads); recomputes the probabilities',
  },
  // The AdamW update of one tensor is adamMoment twice (m, then v with squared) and adamwParam: whole
  // per-element chains, so a backend can run the update as one pass over memory (WebGPU: a kernel;
  // ONNX Runtime: on the host, where it avoids copying every parameter and moment out of ORT).
  adamMoment: { category: 'composite', group: 'composite', arity: 2, summary: "(moment, g) → β·moment + (1 − β)·g, or (1 − β)·g² when squared (AdamW's m and v)" },
  adamwParam: {
    category: 'composite',
    group: 'composite',
    arity: 6,
    summary: 'AdamW parameter step: (p, m, v, decay, stepSize, √bc2) → p·decay − stepSize·m / (√v / √bc2 + eps); the last three are scalars',
  },
} as const satisfies { readonly [K in OpKind]: OpSpec };

export type PrimitiveKind = { [K in OpKind]: (typeof OPS)[K]['category'] extends 'primitive' ? K : never }[OpKind];
export type CompositeKind = Exclude<OpKind, PrimitiveKind>;

export const OP_KINDS = Object.keys(OPS) as OpKind[];
export const COMPOSITE_KINDS = OP_KINDS.filter((k) => OPS[k].category === 'composite') as CompositeKind[];

/** Every kind of a group, in table order (for a backend's fuser). */
export function opsInGroup(group: OpGroup): OpKind[] {
  return OP_KINDS.filter((k) => OPS[k].group === group);
}

export function isComposite(kind: OpKind): kind is CompositeKind {
  return OPS[kind].category === 'composite';
}
