/**
 * Dead-code elimination: drops every node no output depends on. Inputs are kept even when unused,
 * because they are the graph's feed contract (a caller feeding a frozen weight must not break).
 * Ids and order are preserved. Not common-subexpression elimination.
 */
import type { Graph, ValueId } from '../graph.js';

export function eliminateDeadCode(graph: Graph): Graph {
  const live = new Set<ValueId>(graph.outputs.map((o) => o.value));
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (live.has(node.id)) for (const id of node.inputs) live.add(id);
  }
  const nodes = graph.nodes.filter((n) => live.has(n.id));
  if (nodes.length === graph.nodes.length) return graph;
  return Object.freeze({ inputs: graph.inputs, nodes: Object.freeze(nodes), outputs: graph.outputs });
}
