/**
 * Typed indexing helpers for generated WGSL: the uniform block and its accessor `p(i)`, storage
 * bindings, the flat-index prologue that folds 2-D dispatches, and coordinate decomposition of a flat
 * index over a shape held in uniforms. Shapes and strides are never baked into the text (see
 * program.ts); only ranks are, so loops unroll and the cache key stays size-free.
 *
 * Not a WGSL parser or a general template engine: string builders with one job each.
 */
import { LINEAR_WORKGROUP, type WgslDType } from './program.js';

/** The uniform block holding `slots` u32 values, and the accessor every kernel reads them through. */
export function uniformBlock(slots: number): string {
  const vec4s = Math.max(1, Math.ceil(slots / 4));
  return [
    `struct Params { v: array<vec4<u32>, ${vec4s}> }`,
    '@group(0) @binding(0) var<uniform> params: Params;',
    'fn p(i: u32) -> u32 { return params.v[i >> 2u][i & 3u]; }',
  ].join('\n');
}

export function storage(binding: number, name: string, dtype: WgslDType | 'atomic-i32', access: 'read' | 'read_write'): string {
  const element = dtype === 'atomic-i32' ? 'atomic<i32>' : dtype;
  return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${element}>;`;
}

/** The entry point of a 1-D kernel; `idx` is the flat invocation index, checked against p(countSlot). */
export function linearEntry(countSlot: number, body: string): string {
  return [
    `@compute @workgroup_size(${LINEAR_WORKGROUP})`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    `  let idx = gid.x + gid.y * nwg.x * ${LINEAR_WORKGROUP}u;`,
    `  if (idx >= p(${countSlot}u)) { return; }`,
    body,
    '}',
  ].join('\n');
}

/**
 * WGSL lines that split `flat` into coordinates `${prefix}0 … ${prefix}{rank-1}` over the shape in
 * uniform slots shapeSlot … shapeSlot+rank-1 (row-major: the last axis varies fastest).
 */
export function decompose(flat: string, rank: number, shapeSlot: number, prefix: string, indent = '  '): string {
  if (rank === 0) return '';
  const lines = [`${indent}var ${prefix}_rest = ${flat};`];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`${indent}let ${prefix}${d} = ${prefix}_rest % p(${shapeSlot + d}u);`);
    if (d > 0) lines.push(`${indent}${prefix}_rest = ${prefix}_rest / p(${shapeSlot + d}u);`);
  }
  return lines.join('\n');
}

/** A WGSL expression: p(baseSlot) + Σ coord_d · p(baseSlot+1+d), the element offset of a strided view. */
export function offset(rank: number, baseSlot: number, prefix: string): string {
  const terms = [`p(${baseSlot}u)`];
  for (let d = 0; d < rank; d++) terms.push(`${prefix}${d} * p(${baseSlot + 1 + d}u)`);
  return terms.join(' + ');
}
