/**
 * Decomposition of composites into primitives: for a backend (every composite it does not claim in
 * `support.composites`) and for autodiff (composites whose gradient goes through their
 * decomposition). Decompositions may emit other composites (attention emits softmax); the pass
 * repeats until none that should go is left. Decomposed nodes keep the composite's scope.
 */
import { DECOMPOSITIONS } from '../decompositions/index.js';
import type { Decomposition } from '../decompositions/index.js';
import type { Graph, GraphNode } from '../graph.js';
import { type CompositeKind, isComposite } from '../ops.js';
import { rewriteGraph } from './rewrite.js';

/** Decomposes every composite node for which `select` says yes, repeatedly. */
export function decomposeWhere(graph: Graph, select: (node: GraphNode, graph: Graph) => boolean): Graph {
  let current = graph;
  for (let round = 0; round < 8; round++) {
    const snapshot = current;
    const chosen = new Set(snapshot.nodes.filter((n) => isComposite(n.kind) && select(n, snapshot)).map((n) => n.id));
    if (chosen.size === 0) return current;
    current = rewriteGraph(snapshot, (node, inputs, b) => {
      if (!chosen.has(node.id)) return undefined;
      const decompose = DECOMPOSITIONS[node.kind as CompositeKind] as Decomposition<CompositeKind>;
      return decompose(b, inputs, node.attrs as never);
    });
  }
  throw new Error('decomposeWhere: composites still left after 8 rounds (a decomposition emits itself)');
}

/** Decomposes every composite a backend does not claim; `claimed = []` leaves only primitives. */
export function decomposeUnclaimed(graph: Graph, claimed: readonly CompositeKind[]): Graph {
  return decomposeWhere(graph, (node) => !claimed.includes(node.kind as CompositeKind));
}
