/**
 * Program descriptors: what a kernel asks the executable to run. A `Program` is WGSL text generated
 * from a `spec` that holds only what is fixed when the shader is built (op, dtypes, ranks, transposes,
 * the expression); its cache key is that spec, so two nodes that differ only in sizes share one
 * pipeline. Sizes, strides, offsets and scalar attributes travel per pass as a u32 uniform array.
 *
 * Not an executor: nothing here touches a GPU. Generation is pure, so every shader is unit-tested as
 * text and validated by Dawn's null adapter without a driver.
 */
export type WgslDType = 'f32' | 'i32';

export interface Program {
  /** The spec serialised: everything the WGSL depends on, and nothing else. */
  readonly key: string;
  readonly wgsl: string;
}

/** Builds a program from a spec: the generator sees only the spec, so the key is complete by construction. */
export function program<S extends { readonly kind: string }>(spec: S, generate: (spec: S) => string): Program {
  return { key: JSON.stringify(spec), wgsl: generate(spec) };
}

/** Which buffer a pass binds at each storage slot (binding 1 onwards; binding 0 is the uniforms). */
export type Binding =
  | { readonly kind: 'output' }
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'scratch'; readonly index: number };

export interface Pass {
  readonly program: Program;
  /** The run-time parameters, read in WGSL through `p(i)`; floats are stored as their bit patterns. */
  readonly uniforms: Uint32Array;
  readonly bindings: readonly Binding[];
  /** Workgroup counts. */
  readonly dispatch: readonly [number, number, number];
}

/** What a kernel lowers one node to: passes over scratch buffers, or a constant uploaded once. */
export type KernelPlan =
  | { readonly kind: 'dispatch'; readonly passes: readonly Pass[]; readonly scratchBytes: readonly number[] }
  | { readonly kind: 'constant'; readonly values: ArrayLike<number> };

export const LINEAR_WORKGROUP = 64;
/** WebGPU's guaranteed minimum for maxComputeWorkgroupsPerDimension. */
export const MAX_WORKGROUPS_PER_DIM = 65535;

/** Workgroups for `threads` invocations of a 1-D kernel, folded into y past the per-dimension limit. */
export function linearDispatch(threads: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(threads / LINEAR_WORKGROUP));
  const x = Math.min(groups, MAX_WORKGROUPS_PER_DIM);
  return [x, Math.ceil(groups / x), 1];
}

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

/** The bit pattern of x as an f32, for a uniform slot read back with bitcast<f32>. */
export function f32Bits(x: number): number {
  F32[0] = x;
  return F32_BITS[0]!;
}

/** Packs uniforms; i32 values are stored as their two's-complement bits. */
export function uniforms(values: readonly number[]): Uint32Array {
  const out = new Uint32Array(Math.max(4, Math.ceil(values.length / 4) * 4));
  values.forEach((v, i) => (out[i] = v >>> 0));
  return out;
}
