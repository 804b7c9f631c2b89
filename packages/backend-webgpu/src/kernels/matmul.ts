/**
 * matmul: [..., M, K] × [..., K, N] with broadcast batch axes and optional transposes of either
 * operand's last two axes. A 32×32 output tile per workgroup of 8×8 invocations, each accumulating a
 * 4×4 block in registers; both operands stream through workgroup memory in 16-wide K steps, so each
 * global element is read once per tile and each workgroup-memory word feeds 4 multiply-adds.
 * Transposes are part of the program (they change the address arithmetic); M, N, K and the batch
 * strides are uniforms. Batches run on the z dimension of the dispatch.
 *
 * Small products (M·N·K ≤ DIRECT_MACS) take a direct program instead: one invocation per output
 * element, the K loop reading storage, no workgroup memory and no barriers. Software adapters run
 * barriers as coroutine switches (SwiftShader: about 0.5 ms per 64-invocation workgroup with two
 * barriers, measured in Chromium 150), so the tiled kernel made the browser example's training step
 * take seconds; on real GPUs such products are latency-bound either way. Which program is chosen
 * depends on sizes, but each program's key still holds only build-time facts.
 *
 * f16 operands are widened to f32 as they are loaded (the tiles and accumulators are f32) and the
 * result is rounded to f16 once, at the store. Not yet vectorised (vec4 loads) nor using f16
 * arithmetic: the baseline the performance issue tunes on real GPUs.
 */
import { computeType, load, store, wgslDType } from '../wgsl/dtype.js';
import { decompose, linearEntry, storage, uniformBlock } from '../wgsl/indexing.js';
import { contiguous } from '../wgsl/map.js';
import { type Pass, type WgslDType, linearDispatch, program, uniforms } from '../wgsl/program.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

/** Output tile per workgroup (BM × BN), K step (BK), and the 8×8 invocations that each own 4×4 outputs. */
const BM = 32;
const BN = 32;
const BK = 16;
const WG = 8;
const PER = 4; // outputs per invocation along each axis: BM / WG

/** Products up to this many multiply-adds run the direct program. */
export const DIRECT_MACS = 2 ** 18;

export interface MatmulSpec {
  readonly kind: 'matmul' | 'matmul-direct';
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
  const aAt = load(s.dtype, s.transposeA ? 'a[aBase + k * M + row]' : 'a[aBase + row * K + k]');
  const bAt = load(s.dtype, s.transposeB ? 'b[bBase + col * K + k]' : 'b[bBase + k * N + col]');
  const T = computeType(s.dtype);
  const loads = WG * WG;
  return `${uniformBlock(total)}
${storage(1, 'out', s.dtype, 'read_write')}
${storage(2, 'a', s.dtype, 'read')}
${storage(3, 'b', s.dtype, 'read')}
var<workgroup> tileA: array<array<${T}, ${BK}>, ${BM}>;
var<workgroup> tileB: array<array<${T}, ${BN}>, ${BK}>;
fn loadA(aBase: u32, row: u32, k: u32, M: u32, K: u32) -> ${T} {
  if (row >= M || k >= K) { return ${T}(0); }
  return ${aAt};
}
fn loadB(bBase: u32, k: u32, col: u32, N: u32, K: u32) -> ${T} {
  if (col >= N || k >= K) { return ${T}(0); }
  return ${bAt};
}
@compute @workgroup_size(${WG}, ${WG}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let M = p(0u);
  let N = p(1u);
  let K = p(2u);
  let rowBase = wg.y * ${BM}u;
  let colBase = wg.x * ${BN}u;
  let batch = wg.z;
${decompose('batch', s.batchRank, shape, 'b')}
  let aBase = ${dot(aStrides)};
  let bBase = ${dot(bStrides)};
  // Invocation (x, y) owns rows y + ${WG}i and columns x + ${WG}j of the tile (strided, so neighbours
  // read neighbouring workgroup-memory words).
  var acc: array<${T}, ${PER * PER}>;
  for (var t = 0u; t < K; t = t + ${BK}u) {
    for (var e = li; e < ${BM * BK}u; e = e + ${loads}u) {
      tileA[e / ${BK}u][e % ${BK}u] = loadA(aBase, rowBase + e / ${BK}u, t + e % ${BK}u, M, K);
    }
    for (var e = li; e < ${BK * BN}u; e = e + ${loads}u) {
      tileB[e / ${BN}u][e % ${BN}u] = loadB(bBase, t + e / ${BN}u, colBase + e % ${BN}u, N, K);
    }
    workgroupBarrier();
    for (var k = 0u; k < ${BK}u; k = k + 1u) {
      var av: array<${T}, ${PER}>;
      var bv: array<${T}, ${PER}>;
      for (var i = 0u; i < ${PER}u; i = i + 1u) {
        av[i] = tileA[lid.y + ${WG}u * i][k];
        bv[i] = tileB[k][lid.x + ${WG}u * i];
      }
      for (var i = 0u; i < ${PER}u; i = i + 1u) {
        for (var j = 0u; j < ${PER}u; j = j + 1u) {
          acc[i * ${PER}u + j] = acc[i * ${PER}u + j] + av[i] * bv[j];
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${PER}u; i = i + 1u) {
    let row = rowBase + lid.y + ${WG}u * i;
    for (var j = 0u; j < ${PER}u; j = j + 1u) {
      let col = colBase + lid.x + ${WG}u * j;
      if (row < M && col < N) {
        out[(batch * M + row) * N + col] = ${store(s.dtype, `acc[i * ${PER}u + j]`)};
      }
    }
  }
}`;
}

/** The direct program: invocation idx computes out[batch, row, col] with a plain K loop. */
export function matmulDirectWgsl(s: MatmulSpec): string {
  // slots: 0 count, 1 M, 2 N, 3 K, batch shape, a batch strides, b batch strides
  const shape = 4;
  const aStrides = shape + s.batchRank;
  const bStrides = aStrides + s.batchRank;
  const total = bStrides + s.batchRank;
  const dot = (slot: number) => ['0u', ...Array.from({ length: s.batchRank }, (_, d) => `b${d} * p(${slot + d}u)`)].join(' + ');
  const aAt = load(s.dtype, s.transposeA ? 'a[aBase + k * M + row]' : 'a[aBase + row * K + k]');
  const bAt = load(s.dtype, s.transposeB ? 'b[bBase + col * K + k]' : 'b[bBase + k * N + col]');
  const body = `  let M = p(1u);
  let N = p(2u);
  let K = p(3u);
  let col = idx % N;
  let row = (idx / N) % M;
  let batch = idx / (M * N);
${decompose('batch', s.batchRank, shape, 'b')}
  let aBase = ${dot(aStrides)};
  let bBase = ${dot(bStrides)};
  var acc = ${computeType(s.dtype)}(0);
  for (var k = 0u; k < K; k = k + 1u) {
    acc = acc + ${aAt} * ${bAt};
  }
  out[idx] = ${store(s.dtype, 'acc')};`;
  return [uniformBlock(total), storage(1, 'out', s.dtype, 'read_write'), storage(2, 'a', s.dtype, 'read'), storage(3, 'b', s.dtype, 'read'), linearEntry(0, body)].join('\n');
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
  const flags = { dtype, transposeA: node.attrs.transposeA, transposeB: node.attrs.transposeB, batchRank: batch.length };
  const strides = [...batch, ...batchStrides(a, batch), ...batchStrides(b, batch)];
  if (M * N * K <= DIRECT_MACS) {
    const count = batches * M * N;
    return dispatch({
      program: program({ kind: 'matmul-direct', ...flags }, matmulDirectWgsl),
      uniforms: uniforms([count, M, N, K, ...strides]),
      bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }],
      dispatch: linearDispatch(count),
    });
  }
  const spec: MatmulSpec = { kind: 'matmul', ...flags };
  const pass: Pass = {
    program: program(spec, matmulWgsl),
    uniforms: uniforms([M, N, K, ...strides]),
    bindings: [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }],
    dispatch: [Math.ceil(N / BN), Math.ceil(M / BM), batches],
  };
  return dispatch(pass);
};
