/**
 * attention fused (forward): softmax(scale·q·kᵀ, disallowed keys at the lowest finite f32)·v, one
 * workgroup of 64 invocations per (batch element, query row). The row's scores live in workgroup
 * memory; max and sum are reduced across the workgroup (with subgroup operations where the device
 * has them, else a workgroup-memory tree: wgsl/workgroup-reduce.ts); each invocation then writes output
 * columns c ≡ its index (mod 64). Disallowed: causal j > i + S − T, or a mask element equal to 0 —
 * the reference kernel's rule, so a fully masked row comes out uniform, as there.
 *
 * Up to DIRECT_KEYS keys a direct program runs instead: one invocation per (batch element, query
 * row), the row's scores in a private array of DIRECT_KEYS f32 (one pass over the keys for the
 * scores and their max, one for the exponentials and their sum, then each output column accumulated
 * in a register and stored once), no workgroup memory and no barriers — software adapters run barriers as coroutine switches
 * (SwiftShader, see matmul.ts), and short rows leave most of a 64-wide workgroup idle anyway.
 *
 * q, k and v of f16 are widened to f32 as they are read; scores, sums and the weighted values are
 * f32 and each output element is rounded to f16 once, at the store.
 *
 * Limits: S ≤ 2048 keys (8 KiB of workgroup memory; GPT-NeoX's context is 2048), checked at compile
 * time with a clear error. Not flash attention: the [T, S] scores are not tiled over S, and backward
 * runs through the composite's decomposition (core's gradient rule), not a fused kernel.
 */
import { lowestFinite } from '@repurpose/core/engine';
import { BackendError } from '../device/errors.js';
import { load, store, wgslDType } from '../wgsl/dtype.js';
import { decompose, linearEntry, storage, uniformBlock } from '../wgsl/indexing.js';
import { WG_REDUCE, workgroupReduceWgsl } from '../wgsl/workgroup-reduce.js';
import { broadcastView } from '../wgsl/map.js';
import { type Binding, type WgslDType, f32Bits, linearDispatch, program, uniforms } from '../wgsl/program.js';
import { dispatch, input, PLAIN, type WebGpuKernel } from './kernel.js';

export const MAX_ATTENTION_KEYS = 2048;
/** Rows of at most this many keys run the direct program. */
export const DIRECT_KEYS = 64;
const WG = WG_REDUCE;

export interface AttentionSpec {
  readonly kind: 'attention' | 'attention-direct';
  readonly dtype: WgslDType;
  readonly causal: boolean;
  readonly mask: WgslDType | null;
  readonly batchRank: number;
  /** The workgroup program only: reduce with subgroup operations. */
  readonly subgroups?: boolean;
}

export function attentionWgsl(s: AttentionSpec): string {
  // slots: 0 T, 1 S, 2 HS, 3 HV, 4 scale bits, 5 lowest bits, batch shape, q/k/v batch strides,
  // mask strides over [batch…, T, S]
  const shape = 6;
  const qS = shape + s.batchRank;
  const kS = qS + s.batchRank;
  const vS = kS + s.batchRank;
  const mS = vS + s.batchRank;
  const total = mS + (s.mask === null ? 0 : s.batchRank + 2);
  const dot = (slot: number) => ['0u', ...Array.from({ length: s.batchRank }, (_, d) => `b${d} * p(${slot + d}u)`)].join(' + ');
  const maskAt = s.mask === null ? '' : `${dot(mS)} + i * p(${mS + s.batchRank}u) + j * p(${mS + s.batchRank + 1}u)`;
  const allowed = [s.causal ? 'j + T <= i + S' : '', s.mask === null ? '' : `mask[${maskAt}] != ${s.mask === 'i32' ? '0i' : '0.0'}`].filter((c) => c !== '');
  const T = s.dtype;
  return `${uniformBlock(total)}
${storage(1, 'out', T, 'read_write')}
${storage(2, 'q', T, 'read')}
${storage(3, 'k', T, 'read')}
${storage(4, 'v', T, 'read')}
${s.mask === null ? '' : storage(5, 'mask', s.mask, 'read')}
var<workgroup> scores: array<f32, ${MAX_ATTENTION_KEYS}>;
${workgroupReduceWgsl(s.subgroups === true)}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32${s.subgroups === true ? ', @builtin(subgroup_id) sg: u32, @builtin(subgroup_invocation_id) lane: u32, @builtin(num_subgroups) nsg: u32' : ''}) {
  let ids = ${s.subgroups === true ? 'vec4<u32>(li, sg, lane, nsg)' : 'vec4<u32>(li, 0u, 0u, 0u)'};
  let T = p(0u);
  let S = p(1u);
  let HS = p(2u);
  let HV = p(3u);
  let scale = bitcast<f32>(p(4u));
  let lowest = bitcast<f32>(p(5u));
  let i = wg.x;
  let batch = wg.y;
${decompose('batch', s.batchRank, shape, 'b')}
  let qRow = ${dot(qS)} + i * HS;
  let kBase = ${dot(kS)};
  let vBase = ${dot(vS)};
  var localMax = lowest;
  for (var j = li; j < S; j = j + ${WG}u) {
    var score = lowest;
    if (${allowed.length === 0 ? 'true' : allowed.join(' && ')}) {
      var acc = 0.0;
      for (var c = 0u; c < HS; c = c + 1u) { acc = acc + ${load(T, 'q[qRow + c]')} * ${load(T, 'k[kBase + j * HS + c]')}; }
      score = acc * scale;
    }
    scores[j] = score;
    localMax = max(localMax, score);
  }
  let m = wg_max(localMax, ids);
  var localSum = 0.0;
  for (var j = li; j < S; j = j + ${WG}u) {
    let e = exp(scores[j] - m);
    scores[j] = e;
    localSum = localSum + e;
  }
  // wg_add's barrier also orders every invocation's scores[j] writes before the reads below.
  let total = wg_add(localSum, ids);
  for (var c = li; c < HV; c = c + ${WG}u) {
    var acc = 0.0;
    for (var j = 0u; j < S; j = j + 1u) { acc = acc + scores[j] * ${load(T, 'v[vBase + j * HV + c]')}; }
    out[(batch * T + i) * HV + c] = ${store(T, 'acc / total')};
  }
}`;
}

/** The direct program (uniform slots as attentionWgsl's, then the row count): invocation idx is (batch, row i). */
export function attentionDirectWgsl(s: AttentionSpec): string {
  const shape = 6;
  const qS = shape + s.batchRank;
  const kS = qS + s.batchRank;
  const vS = kS + s.batchRank;
  const mS = vS + s.batchRank;
  const countSlot = mS + (s.mask === null ? 0 : s.batchRank + 2);
  const dot = (slot: number) => ['0u', ...Array.from({ length: s.batchRank }, (_, d) => `b${d} * p(${slot + d}u)`)].join(' + ');
  const maskAt = s.mask === null ? '' : `${dot(mS)} + i * p(${mS + s.batchRank}u) + j * p(${mS + s.batchRank + 1}u)`;
  const allowed = [s.causal ? 'j + T <= i + S' : '', s.mask === null ? '' : `mask[${maskAt}] != ${s.mask === 'i32' ? '0i' : '0.0'}`].filter((c) => c !== '');
  const T = s.dtype;
  const body = `  let T = p(0u);
  let S = p(1u);
  let HS = p(2u);
  let HV = p(3u);
  let scale = bitcast<f32>(p(4u));
  let lowest = bitcast<f32>(p(5u));
  let i = idx % T;
  let batch = idx / T;
${decompose('batch', s.batchRank, shape, 'b')}
  let qRow = ${dot(qS)} + i * HS;
  let kBase = ${dot(kS)};
  let vBase = ${dot(vS)};
  let oRow = idx * HV;
  // The scores as in the tiled program (the same products in the same order), kept in registers.
  var scores: array<f32, ${DIRECT_KEYS}>;
  var m = lowest;
  for (var j = 0u; j < S; j = j + 1u) {
    var score = lowest;
    if (${allowed.length === 0 ? 'true' : allowed.join(' && ')}) {
      var acc = 0.0;
      for (var c = 0u; c < HS; c = c + 1u) { acc = acc + ${load(T, 'q[qRow + c]')} * ${load(T, 'k[kBase + j * HS + c]')}; }
      score = acc * scale;
    }
    scores[j] = score;
    m = max(m, score);
  }
  var total = 0.0;
  for (var j = 0u; j < S; j = j + 1u) {
    let e = exp(scores[j] - m);
    scores[j] = e;
    total = total + e;
  }
  for (var c = 0u; c < HV; c = c + 1u) {
    var acc = 0.0;
    for (var j = 0u; j < S; j = j + 1u) { acc = acc + scores[j] * ${load(T, 'v[vBase + j * HV + c]')}; }
    out[oRow + c] = ${store(T, 'acc / total')};
  }`;
  return [
    uniformBlock(countSlot + 1),
    storage(1, 'out', s.dtype, 'read_write'),
    storage(2, 'q', s.dtype, 'read'),
    storage(3, 'k', s.dtype, 'read'),
    storage(4, 'v', s.dtype, 'read'),
    s.mask === null ? '' : storage(5, 'mask', s.mask, 'read'),
    linearEntry(countSlot, body),
  ].join('\n');
}

/** Batch strides of an operand's leading axes broadcast (right-aligned) to the batch shape, in elements. */
function batchStrides(shape: readonly number[], batch: readonly number[]): number[] {
  return broadcastView(shape.slice(0, -2), batch).strides.map((st) => st * shape[shape.length - 2]! * shape[shape.length - 1]!);
}

export const attentionKernel: WebGpuKernel<'attention'> = (node, inputs, ctx = PLAIN) => {
  const dtype = wgslDType(node.type.dtype, 'attention dtype');
  const q = input(inputs, 0, 'attention').shape;
  const k = input(inputs, 1, 'attention').shape;
  const v = input(inputs, 2, 'attention').shape;
  const maskType = inputs[3];
  const out = node.type.shape;
  const t = q[q.length - 2]!;
  const s = k[k.length - 2]!;
  if (s > MAX_ATTENTION_KEYS) throw new BackendError('webgpu', `fused attention over ${s} keys (node ${node.id}): at most ${MAX_ATTENTION_KEYS} are supported`);
  const batch = out.slice(0, -2);
  const scoreShape = [...batch, t, s];
  const spec: AttentionSpec = {
    kind: 'attention',
    dtype,
    causal: node.attrs.causal,
    mask: maskType === undefined ? null : wgslDType(maskType.dtype, 'attention mask dtype'),
    batchRank: batch.length,
  };
  const values = [t, s, q[q.length - 1]!, v[v.length - 1]!, f32Bits(node.attrs.scale), f32Bits(lowestFinite('f32')), ...batch];
  values.push(...batchStrides(q, batch), ...batchStrides(k, batch), ...batchStrides(v, batch));
  if (maskType !== undefined) values.push(...broadcastView(maskType.shape, scoreShape).strides);
  const bindings: Binding[] = [{ kind: 'output' }, { kind: 'input', index: 0 }, { kind: 'input', index: 1 }, { kind: 'input', index: 2 }];
  if (maskType !== undefined) bindings.push({ kind: 'input', index: 3 });
  const batches = batch.reduce((n, d) => n * d, 1);
  if (s <= DIRECT_KEYS) {
    return dispatch({
      program: program({ ...spec, kind: 'attention-direct' }, attentionDirectWgsl),
      uniforms: uniforms([...values, batches * t]),
      bindings,
      dispatch: linearDispatch(batches * t),
    });
  }
  return dispatch({
    program: program({ ...spec, subgroups: ctx.subgroups }, attentionWgsl),
    uniforms: uniforms(values),
    bindings,
    dispatch: [t, batches, 1],
  });
};
