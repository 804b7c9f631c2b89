/**
 * `countGraphFlops`: the FLOPs a graph really performs, by scope, so analytic accounting (flops/)
 * can be checked against what runs. Composites are counted through their decomposition, so a graph
 * costs the same whether a backend runs them fused or not.
 *
 * Conventions (per node, on the primitive graph):
 * - matmul: 2·M·N·K per batch element (a multiply and an add per term), batch = broadcast batch size;
 * - elementwise ops (add, sub, mul, div, maximum, compare, neg, exp, log, sqrt, rsqrt, tanh, erf,
 *   where): 1 FLOP per output element — transcendental functions are not weighted higher;
 * - reductions (sum, max, mean): 1 FLOP per input element; scatterAdd: 1 per update element;
 * - data movement and sources (reshape, transpose, broadcast, slice, pad, concat, gather, cast,
 *   constant, fill, iota): 0.
 * The paper's accounting counts matmuls only, which is why `matmul` is reported on its own.
 * Not a timing model: memory traffic is not counted.
 */
import { decomposeUnclaimed } from './passes/decompose.js';
import type { Graph, GraphNode, TensorType } from './graph.js';
import { isGradScope, valueTypes } from './graph.js';
import type { PrimitiveKind } from './ops.js';
import { sizeOf } from './shape.js';

export interface FlopCount {
  /** All counted FLOPs. */
  readonly total: number;
  /** The matmul share of `total`. */
  readonly matmul: number;
}

export interface GraphFlops extends FlopCount {
  /** Keyed by the exact node scope ('' for the root); backward nodes have scopes ending in `.grad`. */
  readonly byScope: Readonly<Record<string, FlopCount>>;
  /** Forward (and optimiser) nodes vs nodes made by `grad`. */
  readonly forward: FlopCount;
  readonly backward: FlopCount;
}

type Counter = (node: GraphNode, inputs: readonly TensorType[]) => number;

const elementwise: Counter = (node) => sizeOf(node.type.shape);
const perInput: Counter = (_node, inputs) => sizeOf(inputs[0]!.shape);
const free: Counter = () => 0;

const matmul: Counter = (node, inputs) => {
  if (node.kind !== 'matmul') return 0;
  const a = inputs[0]!.shape;
  const k = node.attrs.transposeA ? a[a.length - 2]! : a[a.length - 1]!;
  return 2 * sizeOf(node.type.shape) * k; // output elements = batch·M·N
};

const PRIMITIVE_FLOPS: { readonly [K in PrimitiveKind]: Counter } = {
  constant: free,
  fill: free,
  iota: free,
  add: elementwise,
  sub: elementwise,
  mul: elementwise,
  div: elementwise,
  maximum: elementwise,
  compare: elementwise,
  neg: elementwise,
  exp: elementwise,
  log: elementwise,
  sqrt: elementwise,
  rsqrt: elementwise,
  tanh: elementwise,
  erf: elementwise,
  cast: free,
  where: elementwise,
  matmul,
  sum: perInput,
  max: perInput,
  mean: perInput,
  reshape: free,
  transpose: free,
  broadcast: free,
  slice: free,
  pad: free,
  concat: free,
  gather: free,
  scatterAdd: (_node, inputs) => sizeOf(inputs[1]!.shape),
};

export function countGraphFlops(graph: Graph): GraphFlops {
  const primitive = decomposeUnclaimed(graph, []);
  const types = valueTypes(primitive);
  const byScope: Record<string, { total: number; matmul: number }> = {};
  const forward = { total: 0, matmul: 0 };
  const backward = { total: 0, matmul: 0 };
  for (const node of primitive.nodes) {
    const count = PRIMITIVE_FLOPS[node.kind as PrimitiveKind];
    const flops = count(node, node.inputs.map((id) => types.get(id)!));
    if (flops === 0) continue;
    const isMatmul = node.kind === 'matmul';
    const entry = (byScope[node.scope] ??= { total: 0, matmul: 0 });
    for (const acc of [entry, isGradScope(node.scope) ? backward : forward]) {
      acc.total += flops;
      if (isMatmul) acc.matmul += flops;
    }
  }
  return {
    total: forward.total + backward.total,
    matmul: forward.matmul + backward.matmul,
    byScope,
    forward,
    backward,
  };
}
