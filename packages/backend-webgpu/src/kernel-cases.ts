/**
 * Kernel cases the shared tables of `@repurpose/core/testing` do not reach, keyed by op kind: their
 * literals and gradient cases are a few elements, so they never reach the tiled matmul program, the
 * workgroup attention program (S > 64), a fully masked attention row, the series branch of erf, or
 * the one-workgroup-per-row programs of long rows and long reductions (over 64 elements), whose
 * subgroup and workgroup-memory paths kernel-cases.test.ts runs both.
 * Each case builds a small f32 graph from seeded random inputs; kernel-cases.test.ts runs it here and
 * on the reference backend, forward and (for float inputs) gradients. Not the conformance suite:
 * every op's forward and gradients are checked there (shared-conformance.test.ts, grad-rules.test.ts).
 */
import type { DType, GraphBuilder, OpKind, Shape, Tensor } from '@repurpose/core/engine';

export interface CaseInput {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Uniform range of float values; for i32, values are integers in [lo, hi). */
  readonly lo?: number;
  readonly hi?: number;
}

export interface KernelCase {
  readonly name: string;
  readonly inputs: readonly CaseInput[];
  readonly build: (b: GraphBuilder, x: readonly Tensor[]) => Tensor;
  /** Skip the gradient comparison (forward-only: the fused kernel runs only where grad does not decompose it). */
  readonly noGrad?: boolean;
}

const f = (...shape: number[]): CaseInput => ({ shape, dtype: 'f32' });
const c = (name: string, inputs: CaseInput[], build: KernelCase['build'], noGrad = false): KernelCase => ({ name, inputs, build, noGrad });

export const KERNEL_CASES: { readonly [K in OpKind]?: readonly KernelCase[] } = {
  erf: [
    c('[8] in ±4 (the rational approximation)', [{ shape: [8], dtype: 'f32', lo: -4, hi: 4 }], (b, [x]) => b.erf(x!)),
    c('[4] near 0 (the series: small values keep their relative precision)', [{ shape: [4], dtype: 'f32', lo: -0.01, hi: 0.01 }], (b, [x]) => b.erf(x!)),
  ],
  matmul: [
    // Direct program (M·N·K ≤ DIRECT_MACS):
    c('direct: batch [2,1] × shared, K = 37, N = 18', [f(2, 1, 3, 37), f(37, 18)], (b, [x, y]) => b.matmul(x!, y!)),
    c('direct: Aᵀ·Bᵀ, M = 20, K = 17', [f(17, 20), f(4, 17)], (b, [x, y]) => b.matmul(x!, y!, { transposeA: true, transposeB: true })),
    // Tiled program: several 32-wide output tiles with ragged edges, several 16-wide K steps.
    c('tiled: [70,65]·[65,66] (ragged tiles)', [f(70, 65), f(65, 66)], (b, [x, y]) => b.matmul(x!, y!)),
    c('tiled: batch [2] Aᵀ·Bᵀ, M = 40, K = 72, N = 100', [f(2, 72, 40), f(100, 72)], (b, [x, y]) => b.matmul(x!, y!, { transposeA: true, transposeB: true })),
  ],
  attention: [
    // Forward only (grad decomposes attention, so these are the cases that run the fused kernel):
    c('fused, direct (S ≤ 64): causal, T 3 < S 5, heads [2,2] broadcast k/v [2,1]', [f(2, 2, 3, 4), f(2, 1, 5, 4), f(2, 1, 5, 3)], (b, [q, k, v]) => b.attention(q!, k!, v!, { causal: true, scale: 0.7 }), true),
    c('fused, direct: random 0/1 mask [2,1,4,4], a row may be fully masked', [f(2, 2, 4, 3), f(2, 2, 4, 3), f(2, 2, 4, 3), { shape: [2, 1, 4, 4], dtype: 'i32', lo: 0, hi: 2 }], (b, [q, k, v, m]) => b.attention(q!, k!, v!, { causal: false, scale: 1, mask: m! }), true),
    c('fused, workgroup (S > 64): S 70 and HV 70', [f(1, 2, 8), f(1, 70, 8), f(1, 70, 70), { shape: [1, 1, 70], dtype: 'i32', lo: 0, hi: 2 }], (b, [q, k, v, m]) => b.attention(q!, k!, v!, { causal: false, scale: 0.3, mask: m! }), true),
    c('fused, workgroup: causal, T 3 < S 67, heads [2,2] broadcast k/v [2,1]', [f(2, 2, 3, 4), f(2, 1, 67, 4), f(2, 1, 67, 3)], (b, [q, k, v]) => b.attention(q!, k!, v!, { causal: true, scale: 0.7 }), true),
    c('fused, workgroup: S 66, every key masked (rows come out uniform)', [f(1, 2, 3), f(1, 66, 3), f(1, 66, 2), { shape: [1, 66], dtype: 'i32', lo: 0, hi: 1 }], (b, [q, k, v, m]) => b.attention(q!, k!, v!, { causal: false, scale: 1, mask: m! }), true),
  ],
  // The AdamW composites (forward only: optimiser ops), on tensors larger than the shared literals.
  adamMoment: [
    c('m: [5,7], β 0.9', [f(5, 7), f(5, 7)], (b, [m, g]) => b.node('adamMoment', [m!, g!], { beta: 0.9, squared: false }), true),
    c('v (squared): [37], β 0.999', [{ shape: [37], dtype: 'f32', lo: 0, hi: 1 }, f(37)], (b, [v, g]) => b.node('adamMoment', [v!, g!], { beta: 0.999, squared: true }), true),
  ],
  adamwParam: [
    c(
      '[5,7] with scalar decay, step size and √bc2',
      [f(5, 7), f(5, 7), { shape: [5, 7], dtype: 'f32', lo: 0, hi: 1 }, { shape: [], dtype: 'f32', lo: 0.99, hi: 1 }, { shape: [], dtype: 'f32', lo: 1e-3, hi: 2e-3 }, { shape: [], dtype: 'f32', lo: 0.1, hi: 1 }],
      (b, [p, m, v, d, st, bc]) => b.node('adamwParam', [p!, m!, v!, d!, st!, bc!], { eps: 1e-8 }),
      true,
    ),
  ],
  scatterAdd: [c('40 ids into 5 rows of width 20 (long chains)', [{ shape: [40], dtype: 'i32', lo: 0, hi: 5 }, f(40, 20)], (b, [i, u]) => b.scatterAdd(i!, u!, 5))],
  softmax: [
    c('axis 0 of [70,3] (a long strided row)', [f(70, 3)], (b, [x]) => b.softmax(x!, 0)),
    c('[2,200] (long rows, forward only: the fused kernel)', [{ shape: [2, 200], dtype: 'f32', lo: -4, hi: 4 }], (b, [x]) => b.softmax(x!, 1), true),
  ],
  logSoftmax: [c('[3,130] (long rows)', [{ shape: [3, 130], dtype: 'f32', lo: -4, hi: 4 }], (b, [x]) => b.logSoftmax(x!, 1))],
  layerNorm: [c('[3,100] (a long row)', [f(3, 100), f(100), f(100)], (b, [x, w, bias]) => b.layerNorm(x!, w!, bias!))],
  sum: [
    c('[3,300] over axis 1 (a workgroup per output)', [f(3, 300)], (b, [x]) => b.sum(x!, [1])),
    c('[130] over everything', [f(130)], (b, [x]) => b.sum(x!)),
  ],
  max: [c('[5,70,2] over axis 1', [f(5, 70, 2)], (b, [x]) => b.max(x!, [1]))],
  mean: [c('[2,3,50] over axes 1 and 2', [f(2, 3, 50)], (b, [x]) => b.mean(x!, [1, 2]))],
};
