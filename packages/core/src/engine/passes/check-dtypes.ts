/**
 * The dtype gate of `prepareForBackend`: every graph input and node must be in a dtype the backend
 * declares in `support.dtypes`, or compilation fails with a GraphError naming the first offender —
 * an input by id and role, a node by id, kind and scope — and the dtype. Run on the graph as the
 * backend will receive it (after decomposition), so a decomposition's internal dtypes count too.
 * Not a converter: nothing is cast on the backend's behalf.
 */
import type { DType } from '../dtype.js';
import { GraphError } from '../errors.js';
import type { Graph } from '../graph.js';

export function checkDTypes(graph: Graph, dtypes: readonly DType[], backend = 'the backend'): void {
  const expected = `a dtype ${backend} declares (${dtypes.join(', ')})`;
  for (const input of graph.inputs) {
    if (!dtypes.includes(input.type.dtype)) throw new GraphError(`graph input ${input.id} (${input.role}) dtype`, input.type.dtype, expected);
  }
  for (const node of graph.nodes) {
    if (!dtypes.includes(node.type.dtype)) {
      const where = node.scope === '' ? 'the root scope' : `scope ${node.scope}`;
      throw new GraphError(`node ${node.id} (${node.kind}, ${where}) dtype`, node.type.dtype, expected);
    }
  }
}
