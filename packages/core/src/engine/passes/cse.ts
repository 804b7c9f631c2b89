/**
 * Common-subexpression elimination: a node with the same kind, inputs and attributes as an earlier
 * node is dropped and its uses point at the earlier one (every op is pure, so they hold equal
 * values). It exists because attentionGrad recomputes attention's probabilities: when a backend
 * runs both decomposed, this merges the recomputation into the forward's nodes, so the decomposed
 * backward costs what differentiating the decomposition did. The kept node keeps its own scope.
 * Not a general optimiser: no algebraic rewriting, no commutativity (a·b and b·a stay two nodes).
 */
import type { Graph, GraphNode, ValueId } from '../graph.js';

export function eliminateCommonSubexpressions(graph: Graph): Graph {
  const replaced = new Map<ValueId, ValueId>();
  const seen = new Map<string, ValueId>();
  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((id) => replaced.get(id) ?? id);
    const key = `${node.kind}|${inputs.join(',')}|${JSON.stringify(node.attrs)}`;
    const prior = seen.get(key);
    if (prior !== undefined) {
      replaced.set(node.id, prior);
      continue;
    }
    seen.set(key, node.id);
    const changed = inputs.some((id, i) => id !== node.inputs[i]);
    nodes.push(changed ? (Object.freeze({ ...node, inputs: Object.freeze(inputs) }) as GraphNode) : node);
  }
  if (replaced.size === 0) return graph;
  const outputs = graph.outputs.map((o) => (replaced.has(o.value) ? Object.freeze({ ...o, value: replaced.get(o.value)! }) : o));
  return Object.freeze({ inputs: graph.inputs, nodes: Object.freeze(nodes), outputs: Object.freeze(outputs) });
}
