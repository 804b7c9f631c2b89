/**
 * matmul: [..., M, K] × [..., K, N] with broadcast batch axes and optional transposes of either
 * operand's last two axes. A 16×16 output tile per workgroup; both operands stream through
 * workgroup memory in 16-wide K steps, so each global element is read once per tile instead of once
 * per output. Transposes are part of the program (they change the address arithmetic); M, N, K and
 * the batch strides are uniforms. Batches run on the z dimension of the dispatch.
 *
 * Not yet register-tiled or vectorised: this is the correct baseline the performance issue tunes.
 */
import { wgslDType } from '../wgsl/dtype.js';
import { decompose, storage, uniformBlock } from '../wgsl/indexing.js';
import { contiguous } from '../wgsl/map.js';
import { type Pass, type WgslDType, program, uniforms } from '../wgsl/program.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

const TILE = 16;

export interface MatmulSpec {
  readonly kind: 'matmul';
  readonly dtype: WgslDType;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly batchRank: number;
}

export function matmulWgsl(s: MatmulSpec): string {
  // slots: 0 M, 1 N, 2 K, batch shape, a batch strides, b batch strides
  const shape = 3;
  const aStrides = shape + s.batchRank;
  const bStrides = aStrides + s.batchRank;
  const total = bStrides + s.batchRank;
  const dot = (slot: number) => ['0u', ...Array.from({ length: s.batchRank }, (_, d) => `b${d} * p(${slot + d}u)`)].join(' + ');
  // A[row, k] and B[k, col] of the logical (untransposed) product.
  const aAt = s.transposeA ? 'a[aBase + k * M + row]' : 'a[aBase + row * K + k]';
  const bAt = s.transposeB ? 'b[bBase + col * K + k]' : 'b[bBase + k * N + col]';
  return `${uniformBlock(total)}
${storage(1, 'out', s.dtype, 'read_write')}
${storage(2, 'a', s.dtype, 'read')}
${storage(3, 'b', s.dtype, 'read')}
var<workgroup> tileA: array<array<${s.dtype}, ${TILE}>, ${TILE}>;
var<workgroup> tileB: array<array<${s.dtype}, ${TILE}>, ${TILE}>;
fn loadA(aBase: u32, row: u32, k: u32, M: u32, K: u32) -> ${s.dtype} {
  if (row >= M || k >= K) { return ${s.dtype}(0); }
  return ${aAt};
}
fn loadB(bBase: u32, k: u32, col: u32, N: u32, K: u32) -> ${s.dtype} {
  if (col >= N || k >= K) { return ${s.dtype}(0); }
  return ${bAt};
}
@compute @workgroup_size(${TILE}, ${TILE}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p(0u);
  let N = p(1u);
  let K = p(2u);
  let row = wg.y * ${TILE}u + lid.y;
  let col = wg.x * ${TILE}u + lid.x;
  let batch = wg.z;
${decompose('batch', s.batchRank, shape, 'b')}
  let aBase = ${dot(aStrides)};
  let bBase = ${dot(bStrides)};
  var acc = ${s.dtype}(0);
  for (var t = 0u; t < K; t = t + ${TILE}u) {
    tileA[lid.y][lid.x] = loadA(aBase, row, t + lid.x, M, K);
    tileB[lid.y][lid.x] = loadB(bBase, t + lid.y, col, N, K);
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k = k + 1u) {
      acc = acc + tileA[lid.y][k] * tileB[k][lid.x];
    }
    workgroupBarrier();
  }
  if (row < M && col < N) {
    out[(batch * M + row) * N + col] = acc;
  }
}`;
}

/** Batch strides of an operand's leading axes broadcast (right-aligned) to the output's batch shape. */
function batchStrides(shape: readonly number[], batch: readonly number[]): number[] {
  const own = contiguous(shape).strides;
  const lead = shape.length - 2;
  const offset = batch.length - lead;
  return batch.map((_, d) => (d < offset || shape[d - offset] === 1 ? 0 : own[d - offset]!));
}

export const matmulKernel: WebGpuKernel<'matmul'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'matmul dtype');
  const a = input(inputs, 0, 'matmul').shape;
  const b = input(inputs, 1, 'matmul').shape;
  const out = node.type.shape;
  const M = out[out.length - 2]!;
  const N = out[out.length - 1]!;
  const K = node.attrs.transposeA ? a[a.length - 2]! : a[a.length - 1]!;
  const batch = out.slice(0, -2);
  const batches = batch.reduce((n, d) => n * d, 1);
  const spec: MatmulSpec = { kind: 'matmul', dtype, transposeA: node.attrs.transposeA, transposeB: node.attrs.transposeB, batchRank: batch.length };
  const pass: Pass = {
    program: program(spec, matmulWgsl),
    uniforms: uniforms([M, N, K, ...batch, ...batchStrides(a, batch), ...batchStrides(b, batch)]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }],
    dispatch: [Math.ceil(N / TILE), Math.ceil(M / TILE), batches],
  };
  return dispatch(pass);
};
