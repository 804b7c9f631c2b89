/**
 * The graph IR: immutable plain data. Inputs (data | param | state), topologically ordered nodes,
 * named outputs. Every value has an id: an input's id is its name (HF parameter names for params);
 * a node's id is `%<n>`. Each node carries the `scope` it was built in
 * (`layers.3.attention.query_key_value`); nodes made by `grad` get the scope of the forward node they
 * differentiate with `.grad` appended, so FLOPs and node counts can be split by phase.
 *
 * Not a builder (builder.ts) and not an executor (backends). Nothing here mutates.
 */
import type { DType } from './dtype.js';
import type { OpAttrs, OpKind } from './ops.js';
import type { Shape } from './shape.js';

export type ValueId = string;

export interface TensorType {
  readonly dtype: DType;
  readonly shape: Shape;
}

/** data: fed every step (ids, masks); param: model weights; state: optimiser moments, step counters. */
export type InputRole = 'data' | 'param' | 'state';

export interface GraphInput {
  readonly id: ValueId;
  readonly role: InputRole;
  readonly type: TensorType;
}

export type GraphNodeOf<K extends OpKind> = {
  readonly id: ValueId;
  readonly kind: K;
  readonly inputs: readonly ValueId[];
  readonly attrs: OpAttrs[K];
  readonly type: TensorType;
  readonly scope: string;
};

/** A node, discriminated on `kind` so a switch narrows `attrs`. */
export type GraphNode = { [K in OpKind]: GraphNodeOf<K> }[OpKind];

export interface GraphOutput {
  readonly name: string;
  readonly value: ValueId;
  /**
   * The input this output is the next value of (XLA's input/output aliasing): after a run, a caller
   * that keeps state feeds this output where it fed that input. Same type as the input; at most one
   * output updates an input. A backend returning it resident may reuse the input's storage (see
   * `Executable.run`). AdamW's parameter and moment outputs declare it.
   */
  readonly updates?: ValueId;
}

export interface Graph {
  readonly inputs: readonly GraphInput[];
  readonly nodes: readonly GraphNode[];
  readonly outputs: readonly GraphOutput[];
}

/** The suffix `grad` appends to a forward scope (see file header). */
export const GRAD_SCOPE_SUFFIX = 'grad';

export function gradScope(scope: string): string {
  return scope === '' ? GRAD_SCOPE_SUFFIX : `${scope}.${GRAD_SCOPE_SUFFIX}`;
}

export function isGradScope(scope: string): boolean {
  return scope === GRAD_SCOPE_SUFFIX || scope.endsWith(`.${GRAD_SCOPE_SUFFIX}`);
}

/** Types of every value (inputs and nodes) by id. */
export function valueTypes(graph: Graph): Map<ValueId, TensorType> {
  const types = new Map<ValueId, TensorType>();
  for (const input of graph.inputs) types.set(input.id, input.type);
  for (const node of graph.nodes) types.set(node.id, node.type);
  return types;
}

/** Input id → the name of the output that updates it (`GraphOutput.updates`). */
export function outputUpdates(graph: Graph): Map<ValueId, string> {
  const links = new Map<ValueId, string>();
  for (const o of graph.outputs) if (o.updates !== undefined) links.set(o.updates, o.name);
  return links;
}

/** The value an output name refers to, or undefined. */
export function outputValue(graph: Graph, name: string): ValueId | undefined {
  return graph.outputs.find((o) => o.name === name)?.value;
}
