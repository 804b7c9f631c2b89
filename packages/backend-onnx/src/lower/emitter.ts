/**
 * The emitter: collects ONNX nodes and initializers while lowering, hands out fresh value names, and
 * caches small constants (scalars, int64 shape vectors) so a graph of thousands of nodes does not carry
 * thousands of copies of `[0]` or `1.0`. Not the lowering rules themselves (lower/*.ts) and not the
 * model encoder (onnx/proto.ts).
 */
import type { NodeProto, TensorProto } from 'onnx-buf';
import type { DType } from '@repurpose/core/engine';
import { type AttrValue, nodeProto, type OnnxElem, type TensorData, tensorProto } from '../onnx/proto.js';
import { MS_DOMAIN } from '../onnx/version.js';

export interface EmitOptions {
  readonly domain?: 'ai.onnx' | 'com.microsoft';
  /** Number of outputs (default 1); the first is returned by `op`, all by `ops`. */
  readonly outputs?: number;
}

export function typedArrayFor(dtype: DType, values: ArrayLike<number>): Float32Array | Float64Array | Int32Array {
  switch (dtype) {
    case 'f32':
      return Float32Array.from(values);
    case 'f64':
      return Float64Array.from(values);
    case 'i32':
      return Int32Array.from(values);
  }
}

export class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;
  private readonly cache = new Map<string, string>();

  constructor(private readonly prefix = 't') {}

  fresh(hint = ''): string {
    return `${this.prefix}${this.counter++}${hint ? `_${hint}` : ''}`;
  }

  /** Emits one node; returns its (first) output name. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, options: EmitOptions = {}): string {
    return this.ops(opType, inputs, attrs, options)[0]!;
  }

  ops(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, options: EmitOptions = {}): string[] {
    const outputs = Array.from({ length: options.outputs ?? 1 }, () => this.fresh(opType));
    const domain = options.domain === 'com.microsoft' ? MS_DOMAIN : '';
    this.nodes.push(nodeProto(opType, inputs, outputs, attrs, `n${this.nodes.length}_${opType}`, domain));
    return outputs;
  }

  /** Emits a node writing to a given output name (graph outputs). */
  opInto(opType: string, inputs: readonly string[], output: string, attrs: Readonly<Record<string, AttrValue>> = {}): void {
    this.nodes.push(nodeProto(opType, inputs, [output], attrs, `n${this.nodes.length}_${opType}`));
  }

  /** An initializer holding `data`; never cached (large literals are used once). */
  tensor(elem: OnnxElem, dims: readonly number[], data: TensorData): string {
    const name = this.fresh('const');
    this.initializers.push(tensorProto(name, elem, dims, data));
    return name;
  }

  /** A cached small constant of our dtypes (shape [] for a scalar). */
  constant(dtype: DType, dims: readonly number[], values: readonly number[]): string {
    return this.cached(`${dtype}[${dims}]:${values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`, () => this.tensor(dtype, dims, typedArrayFor(dtype, values)));
  }

  scalar(dtype: DType, value: number): string {
    return this.constant(dtype, [], [value]);
  }

  /** A cached int64 vector (shapes, axes, pads, slice bounds). */
  int64s(values: readonly number[]): string {
    return this.cached(`i64:${values.join(',')}`, () => this.tensor('i64', [values.length], BigInt64Array.from(values.map(BigInt))));
  }

  private cached(key: string, make: () => string): string {
    let name = this.cache.get(key);
    if (name === undefined) {
      name = make();
      this.cache.set(key, name);
    }
    return name;
  }
}
