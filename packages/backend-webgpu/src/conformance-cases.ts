/**
 * Conformance cases for the WebGPU backend, keyed by op kind so an op without a case is a compile
 * error. Each case builds a small f32 graph from seeded random inputs; the suite runs it here and on
 * the reference backend and compares, forward and (for float inputs) gradients. Shapes are tiny on
 * purpose: lavapipe emulates the GPU on the CPU. Interim: once core's shared conformance suite
 * (`@repurpose/core/testing`) lands, the backend runs that too.
 */
import type { DType, GraphBuilder, OpKind, Shape, Tensor } from '@repurpose/core/engine';

export interface CaseInput {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Uniform range of float values; for i32, values are integers in [lo, hi). */
  readonly lo?: number;
  readonly hi?: number;
}

export interface ConformanceCase {
  readonly name: string;
  readonly inputs: readonly CaseInput[];
  readonly build: (b: GraphBuilder, x: readonly Tensor[]) => Tensor;
  /** Skip the gradient comparison (ops whose gradient is zero almost everywhere, or integer outputs). */
  readonly noGrad?: boolean;
}

const f = (...shape: number[]): CaseInput => ({ shape, dtype: 'f32' });
const pos = (...shape: number[]): CaseInput => ({ shape, dtype: 'f32', lo: 0.5, hi: 2 });
const ids = (rows: number, ...shape: number[]): CaseInput => ({ shape, dtype: 'i32', lo: 0, hi: rows });
const c = (name: string, inputs: CaseInput[], build: ConformanceCase['build'], noGrad = false): ConformanceCase => ({ name, inputs, build, noGrad });

export const CASES: { readonly [K in OpKind]: readonly ConformanceCase[] } = {
  constant: [c('literal added to x', [f(2, 2)], (b, [x]) => b.add(x!, b.constant([1, -2, 3.5, 4], [2, 2])))],
  fill: [c('x · fill(2.5)', [f(3)], (b, [x]) => b.mul(x!, b.fill(2.5, [3])))],
  iota: [
    c('axis 1 of [2,3] (i32)', [], (b) => b.iota([2, 3], 1), true),
    c('axis 0 of [3,2] (f32) + x', [f(3, 2)], (b, [x]) => b.add(x!, b.iota([3, 2], 0, 'f32'))),
  ],
  add: [c('[2,3] + [3]', [f(2, 3), f(3)], (b, [x, y]) => b.add(x!, y!)), c('i32 [4] + [1]', [ids(9, 4), ids(9, 1)], (b, [x, y]) => b.add(x!, y!), true)],
  sub: [c('[1] − [2,1]', [f(1), f(2, 1)], (b, [x, y]) => b.sub(x!, y!))],
  mul: [c('[2,2,3] · [2,1,3]', [f(2, 2, 3), f(2, 1, 3)], (b, [x, y]) => b.mul(x!, y!))],
  div: [c('[2,3] / [2,1]', [f(2, 3), pos(2, 1)], (b, [x, y]) => b.div(x!, y!)), c('i32 truncates', [ids(20, 5), { shape: [5], dtype: 'i32', lo: 1, hi: 4 }], (b, [x, y]) => b.div(b.sub(x!, 10), y!), true)],
  maximum: [c('[4] vs [1]', [f(4), f(1)], (b, [x, y]) => b.maximum(x!, y!))],
  compare: (['lt', 'le', 'eq', 'ne', 'ge', 'gt'] as const).map((cmp) => c(`ids ${cmp} 2`, [ids(4, 6)], (b, [x]) => b.compare(x!, 2, cmp), true)),
  neg: [c('[5]', [f(5)], (b, [x]) => b.neg(x!))],
  exp: [c('[5]', [f(5)], (b, [x]) => b.exp(x!))],
  log: [c('[5] positive', [pos(5)], (b, [x]) => b.log(x!))],
  sqrt: [c('[5] positive', [pos(5)], (b, [x]) => b.sqrt(x!))],
  rsqrt: [c('[5] positive', [pos(5)], (b, [x]) => b.rsqrt(x!))],
  tanh: [c('[5] in ±3', [{ shape: [5], dtype: 'f32', lo: -3, hi: 3 }], (b, [x]) => b.tanh(x!))],
  erf: [c('[8] in ±4', [{ shape: [8], dtype: 'f32', lo: -4, hi: 4 }], (b, [x]) => b.erf(x!)), c('[4] near 0', [{ shape: [4], dtype: 'f32', lo: -0.01, hi: 0.01 }], (b, [x]) => b.erf(x!))],
  cast: [c('f32 → i32 truncates', [{ shape: [6], dtype: 'f32', lo: -5, hi: 5 }], (b, [x]) => b.cast(x!, 'i32'), true), c('i32 → f32', [ids(7, 4)], (b, [x]) => b.cast(x!, 'f32'), true)],
  where: [c('cond [2,1], a [3], b [2,3]', [ids(2, 2, 1), f(3), f(2, 3)], (b, [m, x, y]) => b.where(m!, x!, y!))],
  matmul: [
    c('[3,5]·[5,4]', [f(3, 5), f(5, 4)], (b, [x, y]) => b.matmul(x!, y!)),
    c('Aᵀ·B', [f(5, 3), f(5, 4)], (b, [x, y]) => b.matmul(x!, y!, { transposeA: true })),
    c('A·Bᵀ', [f(3, 5), f(4, 5)], (b, [x, y]) => b.matmul(x!, y!, { transposeB: true })),
    c('Aᵀ·Bᵀ', [f(5, 3), f(4, 5)], (b, [x, y]) => b.matmul(x!, y!, { transposeA: true, transposeB: true })),
    c('batch [2,1] × shared, K = 37 (three tiles)', [f(2, 1, 3, 37), f(37, 18)], (b, [x, y]) => b.matmul(x!, y!)),
    c('batch broadcast [2,1] × [3]', [f(2, 1, 2, 3), f(3, 3, 2)], (b, [x, y]) => b.matmul(x!, y!)),
  ],
  sum: [c('axis 0', [f(2, 3)], (b, [x]) => b.sum(x!, 0)), c('axes 0,2 kept', [f(2, 3, 4)], (b, [x]) => b.sum(x!, [0, 2], { keepDims: true })), c('all', [f(2, 3)], (b, [x]) => b.sum(x!))],
  max: [c('axis 1', [f(3, 4)], (b, [x]) => b.max(x!, 1)), c('all', [f(2, 3)], (b, [x]) => b.max(x!))],
  mean: [c('last axis', [f(2, 3)], (b, [x]) => b.mean(x!, -1))],
  reshape: [c('[2,3] → [3,2]', [f(2, 3)], (b, [x]) => b.reshape(x!, [3, 2]))],
  transpose: [c('[2,3]ᵀ', [f(2, 3)], (b, [x]) => b.transpose(x!, [1, 0])), c('[2,1,3] perm [2,0,1]', [f(2, 1, 3)], (b, [x]) => b.transpose(x!, [2, 0, 1]))],
  broadcast: [c('[2,1] → [3,2,4]', [f(2, 1)], (b, [x]) => b.broadcast(x!, [3, 2, 4]))],
  slice: [c('[0:2, 1:3] of [3,4]', [f(3, 4)], (b, [x]) => b.slice(x!, [0, 1], [2, 3]))],
  pad: [c('[2,2] before [1,0] after [0,2] with 9', [f(2, 2)], (b, [x]) => b.pad(x!, [1, 0], [0, 2], 9))],
  concat: [c('axis 1 of [2,1], [2,2], [2,3]', [f(2, 1), f(2, 2), f(2, 3)], (b, [x, y, z]) => b.concat([x!, y!, z!], 1)), c('axis 0', [f(1, 3), f(2, 3)], (b, [x, y]) => b.concat([x!, y!], 0))],
  gather: [c('5 ids of a [4,3] table', [f(4, 3), ids(4, 5)], (b, [t, i]) => b.gather(t!, i!)), c('[2,3] ids', [f(6, 2), ids(6, 2, 3)], (b, [t, i]) => b.gather(t!, i!))],
  scatterAdd: [c('7 ids into 4 rows (repeats accumulate)', [ids(4, 7), f(7, 3)], (b, [i, u]) => b.scatterAdd(i!, u!, 4))],
  softmax: [c('last axis', [f(3, 5)], (b, [x]) => b.softmax(x!)), c('axis 0 of [3,2,2]', [f(3, 2, 2)], (b, [x]) => b.softmax(x!, 0))],
  logSoftmax: [c('last axis', [f(2, 6)], (b, [x]) => b.logSoftmax(x!))],
  layerNorm: [c('[3,8]', [f(3, 8), f(8), f(8)], (b, [x, w, bias]) => b.layerNorm(x!, w!, bias!))],
  gelu: [c('[8] in ±4', [{ shape: [8], dtype: 'f32', lo: -4, hi: 4 }], (b, [x]) => b.gelu(x!))],
  attention: [
    c('causal [2,4,3]', [f(2, 4, 3), f(2, 4, 3), f(2, 4, 3)], (b, [q, k, v]) => b.attention(q!, k!, v!, { causal: true, scale: 0.5 })),
    c('padding mask', [f(1, 3, 2), f(1, 3, 2), f(1, 3, 2), { shape: [1, 3], dtype: 'i32', lo: 1, hi: 2 }], (b, [q, k, v, m]) => b.attention(q!, k!, v!, { causal: false, scale: 1, mask: m! })),
    // Forward only (grad decomposes attention, so these are the cases that run the fused kernel):
    c('fused: causal, T 3 < S 5, heads [2,2] broadcast k/v [2,1]', [f(2, 2, 3, 4), f(2, 1, 5, 4), f(2, 1, 5, 3)], (b, [q, k, v]) => b.attention(q!, k!, v!, { causal: true, scale: 0.7 }), true),
    c('fused: random 0/1 mask [2,1,4,4], a row may be fully masked', [f(2, 2, 4, 3), f(2, 2, 4, 3), f(2, 2, 4, 3), { shape: [2, 1, 4, 4], dtype: 'i32', lo: 0, hi: 2 }], (b, [q, k, v, m]) => b.attention(q!, k!, v!, { causal: false, scale: 1, mask: m! }), true),
    c('fused: S 70 and HV 70 (past one workgroup of 64)', [f(1, 2, 8), f(1, 70, 8), f(1, 70, 70), { shape: [1, 1, 70], dtype: 'i32', lo: 0, hi: 2 }], (b, [q, k, v, m]) => b.attention(q!, k!, v!, { causal: false, scale: 0.3, mask: m! }), true),
  ],
  // Backward composites, built directly (grad emits them from the forward composites' rules).
  geluGrad: [c('x, dy [6]', [{ shape: [6], dtype: 'f32', lo: -3, hi: 3 }, f(6)], (b, [x, dy]) => b.node('geluGrad', [x!, dy!], {}), true)],
  softmaxGrad: [c('axis 1 of [3,4]', [f(3, 4), f(3, 4)], (b, [x, dy]) => b.node('softmaxGrad', [b.softmax(x!, 1), dy!], { axis: 1 }), true)],
  logSoftmaxGrad: [c('axis 0 of [3,2]', [f(3, 2), f(3, 2)], (b, [x, dy]) => b.node('logSoftmaxGrad', [b.logSoftmax(x!, 0), dy!], { axis: 0 }), true)],
  layerNormGrad: [
    c('dx, dweight, dbias packed, [3,5]', [f(3, 5), f(5), f(3, 5)], (b, [x, w, dy]) => b.node('layerNormGrad', [x!, w!, dy!], { eps: 1e-5, grads: [true, true, true] }), true),
  ],
  attentionGrad: [
    c('causal, dq dk dv packed', [f(2, 3, 2), f(2, 3, 2), f(2, 3, 2), f(2, 3, 2)], (b, [q, k, v, dy]) =>
      b.node('attentionGrad', [q!, k!, v!, dy!], { causal: true, scale: 0.5, grads: [true, true, true] }), true),
  ],
};
