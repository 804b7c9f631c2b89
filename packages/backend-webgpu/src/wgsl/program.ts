/**
 * Program descriptors: what a kernel asks the executable to run. A `Program` is WGSL text generated
 * from a `spec` that holds only what is fixed when the shader is built (op, dtypes, ranks, transposes,
 * the expression); its cache key is that spec, so two nodes that differ only in sizes share one
 * pipeline. Sizes, strides, offsets and scalar attributes travel per pass as a u32 uniform array.
 *
 * Not an executor: nothing here touches a GPU. Generation is pure, so every shader is unit-tested as
 * text and validated by Dawn's null adapter without a driver.
 */
export type WgslDType = 'f32' | 'i32' | 'f16';

export interface Program {
  /** The spec serialised: everything the WGSL depends on, and nothing else. */
  readonly key: string;
  readonly wgsl: string;
}

/** Whether any value of the spec (nested arrays and objects included) is exactly `value`. */
function holds(spec: unknown, value: string): boolean {
  if (spec === value) return true;
  if (Array.isArray(spec)) return spec.some((v) => holds(v, value));
  if (typeof spec === 'object' && spec !== null) return Object.values(spec).some((v) => holds(v, value));
  return false;
}

/**
 * The WGSL `enable` directives a spec needs: `f16` when any of its dtypes is f16, `subgroups` when it
 * says `subgroups: true`. Derived from the spec alone, so a program without them is text a device
 * lacking the features accepts, and the key still determines the text.
 */
export function enables(spec: { readonly kind: string; readonly [field: string]: unknown }): string {
  const directives = [holds(spec, 'f16') ? 'enable f16;' : '', spec.subgroups === true ? 'enable subgroups;' : ''].filter((d) => d !== '');
  return directives.length === 0 ? '' : `${directives.join('\n')}\n`;
}

/** Builds a program from a spec: the generator sees only the spec, so the key is complete by construction. */
export function program<S extends { readonly kind: string }>(spec: S, generate: (spec: S) => string): Program {
  return { key: JSON.stringify(spec), wgsl: enables(spec) + generate(spec) };
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
