/**
 * Thin constructors for the ONNX protobuf messages we write, over `onnx-buf` (the ONNX 1.20 schema
 * compiled for `@bufbuild/protobuf`): tensors from typed arrays, attributes from plain values, value
 * infos from dtype and shape, and the model with its opset imports. Not a graph builder (the emitter
 * is) and not a reader.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  type AttributeProto,
  AttributeProtoSchema,
  type GraphProto,
  GraphProtoSchema,
  type ModelProto,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  type TensorProto,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import type { DType } from '@repurpose/core/engine';
import { MS_DOMAIN, MS_OPSET, ONNX_IR_VERSION, ONNX_OPSET } from './version.js';

/** The ONNX element types we write: our three dtypes plus int64 (shapes, indices) and bool (masks). */
export type OnnxElem = DType | 'i64' | 'bool';

export const ELEM_TYPE: Readonly<Record<OnnxElem, TensorProto_DataType>> = {
  f32: TensorProto_DataType.FLOAT,
  f64: TensorProto_DataType.DOUBLE,
  i32: TensorProto_DataType.INT32,
  i64: TensorProto_DataType.INT64,
  bool: TensorProto_DataType.BOOL,
};

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A tensor proto with its values as little-endian raw bytes (the typed array's own layout). */
export function tensorProto(name: string, elem: OnnxElem, dims: readonly number[], data: TensorData): TensorProto {
  const raw = new Uint8Array(data.byteLength);
  raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return create(TensorProtoSchema, { name, dataType: ELEM_TYPE[elem], dims: dims.map(BigInt), rawData: raw });
}

export type AttrValue = number | string | readonly number[] | { readonly float: number } | { readonly tensor: TensorProto };

/** Integers (and integer lists) become INT(S); `{ float }` forces FLOAT; strings become STRING. */
export function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value });
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) });
  }
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: (value as number[]).map(BigInt) });
  if ('float' in (value as object)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: (value as { float: number }).float });
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.TENSOR, t: (value as { tensor: TensorProto }).tensor });
}

export function nodeProto(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Readonly<Record<string, AttrValue>>, name: string, domain = ''): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    domain,
    name,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  });
}

export function valueInfo(name: string, elem: OnnxElem, dims: readonly (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }));
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: ELEM_TYPE[elem], shape: create(TensorShapeProtoSchema, { dim }) }) } }),
  });
}

export interface GraphParts {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly initializers: readonly TensorProto[];
}

export function graphProto(parts: GraphParts): GraphProto {
  return create(GraphProtoSchema, {
    name: parts.name,
    node: [...parts.nodes],
    input: [...parts.inputs],
    output: [...parts.outputs],
    initializer: [...parts.initializers],
  });
}

/** A model at our IR version and opset; imports com.microsoft only when a node uses it. */
export function modelProto(graph: GraphProto, docString = ''): ModelProto {
  const usesMs = graph.node.some((n) => n.domain === MS_DOMAIN);
  const opsetImport = [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(ONNX_OPSET) })];
  if (usesMs) opsetImport.push(create(OperatorSetIdProtoSchema, { domain: MS_DOMAIN, version: BigInt(MS_OPSET) }));
  return create(ModelProtoSchema, { irVersion: BigInt(ONNX_IR_VERSION), producerName: 'repurpose', producerVersion: '0.1.0', docString, graph, opsetImport });
}

export function encodeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}
