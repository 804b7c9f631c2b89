/**
 * What a lowering is: a function from one graph node (its kind, attributes and type) and the ONNX
 * names of its inputs to the ONNX name of its output, emitting nodes on the way. Each op kind has
 * exactly one (lower/index.ts is a Record over OpKind). Not a pattern matcher across nodes: fusions
 * that span several graph nodes are a separate pass.
 */
import type { GraphNodeOf, OpKind, TensorType } from '@repurpose/core/engine';
import type { Emitter } from './emitter.js';

export interface LowerContext {
  readonly emit: Emitter;
  /** The type of any graph value by its id (inputs of the node being lowered). */
  readonly typeOf: (valueId: string) => TensorType;
}

export type Lowering<K extends OpKind> = (ctx: LowerContext, node: GraphNodeOf<K>, inputs: readonly string[]) => string;

export function arg(inputs: readonly string[], i: number): string {
  const name = inputs[i];
  if (name === undefined) throw new Error(`lowering: input ${i} missing`);
  return name;
}
