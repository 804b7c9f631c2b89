/**
 * The strided map: one invocation per element of an iteration shape; each input is read through a
 * strided view (base + Σ coordᵢ·strideᵢ, stride 0 on broadcast axes) and the result is written
 * through a strided view of the output. Elementwise ops with numpy broadcasting, casts, `where`,
 * transpose, slice, broadcast, reshape, iota, fill, and the pieces of pad and concat are all this one
 * shader with a different expression, so they share one tested indexing path.
 *
 * Expressions name inputs a0, a1, a2, coordinates c0 … c{rank-1} and extra scalar uniforms e0, e1
 * (raw u32; floats via bitcast<f32>). Float inputs are read as f32 and the result is stored in the
 * output's type (f16 rounds once, at the store: wgsl/dtype.ts), so expressions are written for f32
 * and i32 only. Not a fusion engine: one node, one pass.
 */
import type { Shape } from '@repurpose/core/engine';
import { load, store } from './dtype.js';
import { decompose, linearEntry, offset, storage, uniformBlock } from './indexing.js';
import { type Binding, type Pass, type WgslDType, linearDispatch, program, uniforms } from './program.js';

export interface MapSpec {
  readonly kind: 'map';
  readonly rank: number;
  readonly out: WgslDType;
  readonly inputs: readonly WgslDType[];
  readonly extras: number;
  readonly expr: string;
  /** Helper functions the expression calls (by name), e.g. erf. */
  readonly prelude: string;
}

/** Uniform slots: count, shape[rank], out view, each input's view, extras. A view is base + strides[rank]. */
function layout(spec: Pick<MapSpec, 'rank' | 'inputs'>) {
  const shape = 1;
  const outView = shape + spec.rank;
  const inputView = (i: number) => outView + (spec.rank + 1) * (i + 1);
  const extras = inputView(spec.inputs.length);
  return { shape, outView, inputView, extras };
}

export function mapWgsl(spec: MapSpec): string {
  const slots = layout(spec);
  const total = slots.extras + spec.extras;
  const lines = [decompose('idx', spec.rank, slots.shape, 'c')];
  spec.inputs.forEach((d, i) => lines.push(`  let a${i} = ${load(d, `in${i}[${offset(spec.rank, slots.inputView(i), 'c')}]`)};`));
  for (let e = 0; e < spec.extras; e++) lines.push(`  let e${e} = p(${slots.extras + e}u);`);
  lines.push(`  out[${offset(spec.rank, slots.outView, 'c')}] = ${store(spec.out, spec.expr)};`);
  return [
    uniformBlock(total),
    storage(1, 'out', spec.out, 'read_write'),
    ...spec.inputs.map((d, i) => storage(2 + i, `in${i}`, d, 'read')),
    spec.prelude,
    linearEntry(0, lines.filter((l) => l !== '').join('\n')),
  ].join('\n');
}

export interface View {
  readonly base: number;
  readonly strides: readonly number[];
}

export interface MapPassOptions {
  readonly shape: Shape;
  readonly out: { readonly dtype: WgslDType; readonly view: View; readonly binding?: Binding };
  readonly inputs: readonly { readonly dtype: WgslDType; readonly view: View; readonly binding?: Binding }[];
  readonly expr: string;
  readonly extras?: readonly number[];
  readonly prelude?: string;
}

/**
 * Drops axes of size 1 and merges neighbouring axes that every view walks contiguously (stride of the
 * outer = extent × stride of the inner), so a same-shape elementwise op over [B, T, C] runs as rank 1.
 * Fewer distinct ranks means fewer programs to compile, and cheaper index arithmetic per element.
 */
export function simplifyViews(shape: Shape, views: readonly View[]): { shape: number[]; views: View[] } {
  const keep = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const dims: number[] = [];
  const strides: number[][] = views.map(() => []);
  for (const d of keep) {
    const last = dims.length - 1;
    const mergeable = last >= 0 && views.every((v, i) => strides[i]![last] === v.strides[d]! * shape[d]!);
    if (mergeable) {
      dims[last] = dims[last]! * shape[d]!;
      views.forEach((v, i) => (strides[i]![last] = v.strides[d]!));
    } else {
      dims.push(shape[d]!);
      views.forEach((v, i) => strides[i]!.push(v.strides[d]!));
    }
  }
  // Rank ≥ 1 always: a scalar runs as [1], so no program needs a rank-0 variant.
  if (dims.length === 0) {
    dims.push(1);
    strides.forEach((s) => s.push(0));
  }
  return { shape: dims, views: views.map((v, i) => ({ base: v.base, strides: strides[i]! })) };
}

export function mapPass(options: MapPassOptions): Pass {
  const simple = simplifyViews(options.shape, [options.out.view, ...options.inputs.map((i) => i.view)]);
  const o: MapPassOptions = {
    ...options,
    shape: simple.shape,
    out: { ...options.out, view: simple.views[0]! },
    inputs: options.inputs.map((input, i) => ({ ...input, view: simple.views[i + 1]! })),
  };
  const spec: MapSpec = {
    kind: 'map',
    rank: o.shape.length,
    out: o.out.dtype,
    inputs: o.inputs.map((i) => i.dtype),
    extras: o.extras?.length ?? 0,
    expr: o.expr,
    prelude: o.prelude ?? '',
  };
  const count = o.shape.reduce((a, b) => a * b, 1);
  const values = [count, ...o.shape, o.out.view.base, ...o.out.view.strides];
  for (const input of o.inputs) values.push(input.view.base, ...input.view.strides);
  values.push(...(o.extras ?? []));
  return {
    program: program(spec, mapWgsl),
    uniforms: uniforms(values),
    bindings: [o.out.binding ?? { kind: 'output' }, ...o.inputs.map((input, i) => input.binding ?? { kind: 'input' as const, index: i })],
    dispatch: linearDispatch(count),
  };
}

/** Row-major strides of a contiguous tensor. */
export function contiguous(shape: Shape): View {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return { base: 0, strides };
}

/** The view of a contiguous tensor of shape `from` broadcast (numpy rules, right-aligned) to `to`. */
export function broadcastView(from: Shape, to: Shape): View {
  const own = contiguous(from).strides;
  const lead = to.length - from.length;
  return { base: 0, strides: to.map((_, d) => (d < lead || from[d - lead] === 1 ? 0 : own[d - lead]!)) };
}
