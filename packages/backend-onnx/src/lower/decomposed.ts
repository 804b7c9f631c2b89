/**
 * Lowering of a composite through the engine's own decomposition: the node alone becomes a one-node
 * graph, `decomposeUnclaimed` expands it to primitives, and those are lowered in its place. Used for
 * the backward composites (geluGrad, softmaxGrad, logSoftmaxGrad, layerNormGrad, attentionGrad), which
 * ONNX has no single op for — the backend does not claim them by default, so the engine decomposes them
 * before compile (and shares the forward's attention probabilities by CSE); this entry exists so the
 * table is total and a caller who claims them still gets a correct model.
 */
import { decomposeUnclaimed, type Graph, type GraphNode, type OpKind } from '@repurpose/core/engine';
import { LOWERINGS } from './index.js';
import type { Lowering, LowerContext } from './lowering.js';

export function lowerNodes(ctx: LowerContext, nodes: readonly GraphNode[], names: Map<string, string>): void {
  for (const node of nodes) {
    const lowering = LOWERINGS[node.kind] as Lowering<OpKind>;
    names.set(node.id, lowering(ctx, node as never, node.inputs.map((id) => names.get(id)!)));
  }
}

export const lowerViaDecomposition = <K extends OpKind>(ctx: LowerContext, node: GraphNode & { kind: K }, inputs: readonly string[]): string => {
  // The one-node graph's inputs get names of their own: the node's inputs are usually node values
  // ('%12'), which a graph input may not be named, and the expansion numbers its new nodes from %0.
  const distinct = [...new Set(node.inputs)];
  const local = new Map(distinct.map((id, i) => [id, `x${i}`]));
  const mini: Graph = {
    inputs: distinct.map((id) => ({ id: local.get(id)!, role: 'data' as const, type: ctx.typeOf(id) })),
    nodes: [{ ...node, inputs: node.inputs.map((id) => local.get(id)!) }],
    outputs: [{ name: 'y', value: node.id }],
  };
  const expanded = decomposeUnclaimed(mini, []);
  const names = new Map<string, string>();
  node.inputs.forEach((id, i) => names.set(local.get(id)!, inputs[i]!));
  const types = new Map<string, ReturnType<LowerContext['typeOf']>>();
  for (const input of mini.inputs) types.set(input.id, input.type);
  for (const n of expanded.nodes) types.set(n.id, n.type);
  const inner: LowerContext = { emit: ctx.emit, typeOf: (id) => types.get(id)! };
  lowerNodes(inner, expanded.nodes, names);
  return names.get(expanded.outputs[0]!.value)!;
};
