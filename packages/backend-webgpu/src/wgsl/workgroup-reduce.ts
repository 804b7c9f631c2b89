/**
 * Reductions across one workgroup of WG_REDUCE invocations, as WGSL helpers `wg_add(v, ids)` and
 * `wg_max(v, ids)` (f32; every invocation gets the result), and the entry point of a kernel that runs
 * one workgroup per row (`ids` = local index, subgroup id, lane, number of subgroups).
 *
 * Two paths, chosen when the program is built (the spec's `subgroups`):
 * - plain: each invocation's value into workgroup memory, then a tree (log₂ 64 = 6 barriered steps);
 * - subgroups (the `subgroups` feature and the `subgroup_id` builtin): subgroupAdd / subgroupMax
 *   within each subgroup, lane 0 of each writes its subgroup's result to workgroup memory, one
 *   barrier, then every invocation combines the ≤ 16 results (subgroup size ≥ 4) in subgroup order.
 * Both are deterministic for a given device: the combination order is fixed (the order inside a
 * subgroup operation is the driver's, but it does not change between runs). Each helper ends with a
 * barrier, so the next reduction may reuse the workgroup array.
 *
 * Not a general reduction library: f32 only (i32 reductions stay serial, reduce.ts), one size.
 */
import { uniformBlock } from './indexing.js';

export const WG_REDUCE = 64;

export function workgroupReduceWgsl(subgroups: boolean): string {
  const helper = (name: string, op: (a: string, b: string) => string, sub: string) =>
    subgroups
      ? `fn ${name}(v: f32, ids: vec4<u32>) -> f32 {
  let s = ${sub}(v);
  if (ids.z == 0u) { wg_partial[ids.y] = s; }
  workgroupBarrier();
  var r = wg_partial[0];
  for (var k = 1u; k < ids.w; k = k + 1u) { r = ${op('r', 'wg_partial[k]')}; }
  workgroupBarrier();
  return r;
}`
      : `fn ${name}(v: f32, ids: vec4<u32>) -> f32 {
  wg_partial[ids.x] = v;
  workgroupBarrier();
  for (var half = ${WG_REDUCE / 2}u; half > 0u; half = half / 2u) {
    if (ids.x < half) { wg_partial[ids.x] = ${op('wg_partial[ids.x]', 'wg_partial[ids.x + half]')}; }
    workgroupBarrier();
  }
  let r = wg_partial[0];
  workgroupBarrier();
  return r;
}`;
  return [
    `var<workgroup> wg_partial: array<f32, ${WG_REDUCE}>;`,
    helper('wg_add', (a, b) => `${a} + ${b}`, 'subgroupAdd'),
    helper('wg_max', (a, b) => `max(${a}, ${b})`, 'subgroupMax'),
  ].join('\n');
}

/**
 * The entry point of a one-workgroup-per-row kernel: `row` is the workgroup's flat index (2-D
 * dispatches folded as in linearDispatch), checked against p(countSlot) — a workgroup-uniform exit,
 * so the barriers and subgroup operations after it stay in uniform control flow; `li` and `ids` as
 * the helpers above take them.
 */
export function rowEntry(countSlot: number, subgroups: boolean, body: string): string {
  const builtins = [
    '@builtin(workgroup_id) wg: vec3<u32>',
    '@builtin(num_workgroups) nwg: vec3<u32>',
    '@builtin(local_invocation_index) li: u32',
    ...(subgroups ? ['@builtin(subgroup_id) sg: u32', '@builtin(subgroup_invocation_id) lane: u32', '@builtin(num_subgroups) nsg: u32'] : []),
  ];
  return [
    `@compute @workgroup_size(${WG_REDUCE})`,
    `fn main(${builtins.join(', ')}) {`,
    '  let row = wg.x + wg.y * nwg.x;',
    `  if (row >= p(${countSlot}u)) { return; }`,
    `  let ids = ${subgroups ? 'vec4<u32>(li, sg, lane, nsg)' : 'vec4<u32>(li, 0u, 0u, 0u)'};`,
    body,
    '}',
  ].join('\n');
}

/** Workgroups for one workgroup per row, folded into y past the per-dimension limit. */
export function rowDispatch(rows: number): [number, number, number] {
  const x = Math.max(1, Math.min(rows, 65535));
  return [x, Math.ceil(Math.max(rows, 1) / x), 1];
}

