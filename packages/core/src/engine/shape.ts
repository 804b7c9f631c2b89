/**
 * Shape arithmetic shared by shape inference, passes, gradient rules and kernels: sizes, strides,
 * numpy broadcasting, axis normalisation. Pure functions on plain number arrays; not a tensor type.
 */
import { GraphError } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function isShape(value: unknown): value is Shape {
  return Array.isArray(value) && value.every((d) => Number.isInteger(d) && d >= 0);
}

/** numpy broadcasting: align from the right; each pair of dims must be equal or one of them 1. */
export function broadcastShapes(field: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    const offset = rank - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i]!;
      const o = out[offset + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[offset + i] = d;
      else throw new GraphError(field, shapes.map((s) => [...s]), 'shapes that broadcast (numpy rules)');
    }
  }
  return out;
}

/** Whether `from` broadcasts to exactly `to` (used by the broadcast op and unbroadcasting). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[offset + i]);
}

/** Turns a possibly negative axis into 0..rank-1, or throws naming the field. */
export function normalizeAxis(field: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new GraphError(field, axis, `an integer axis in [${-rank}, ${rank - 1}]`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalised, sorted, de-duplicated axes. */
export function normalizeAxes(field: string, axes: number | readonly number[], rank: number): number[] {
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(field, a, rank)))].sort((a, b) => a - b);
  if (out.length !== list.length) throw new GraphError(field, list, 'distinct axes');
  return out;
}

/** The shape after reducing `axes`, with or without the reduced dims kept as 1. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}
