/**
 * The one graph-rewriting loop the passes share: walk nodes in order, let a callback replace a node
 * with whatever it builds (or keep a copy), remap inputs and outputs. Inputs pass through unchanged.
 * Not a pattern matcher; passes decide per node.
 */
import { GraphBuilder, type Tensor } from '../builder.js';
import type { Graph, GraphNode, ValueId } from '../graph.js';

/** Return a tensor to replace the node, or undefined to copy it as is. */
export type NodeRewrite = (node: GraphNode, inputs: readonly Tensor[], b: GraphBuilder) => Tensor | undefined;

export function rewriteGraph(graph: Graph, rewrite: NodeRewrite): Graph {
  const b = new GraphBuilder({ dtype: floatOf(graph) });
  const map = new Map<ValueId, Tensor>();
  for (const input of graph.inputs) map.set(input.id, b.input(input.id, input.role, input.type.shape, input.type.dtype));
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((id) => map.get(id)!);
    const out = b.inScope(node.scope, () => rewrite(node, inputs, b) ?? b.node(node.kind, inputs, node.attrs));
    map.set(node.id, out);
  }
  for (const output of graph.outputs) b.output(output.name, map.get(output.value)!, { updates: output.updates });
  return b.build();
}

function floatOf(graph: Graph) {
  const t = graph.inputs.find((i) => i.type.dtype !== 'i32')?.type.dtype;
  return t === 'f64' ? 'f64' : 'f32';
}
