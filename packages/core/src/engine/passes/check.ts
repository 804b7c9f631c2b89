/**
 * `checkGraph`: verifies a graph that arrived from elsewhere (a file, another tool, a hand-edited
 * pass): unique ids, topological order, known kinds, arities and re-inferred types equal to the
 * recorded ones, outputs naming existing values, and every `updates` link naming an input of the
 * output's type that no other output updates. Throws a GraphError on the first problem.
 * Graphs made by GraphBuilder are correct by construction; backends may call this at compile time.
 */
import { checkUpdate } from '../builder.js';
import { GraphError } from '../errors.js';
import type { Graph, TensorType, ValueId } from '../graph.js';
import { inferType } from '../infer.js';
import { OPS, type OpKind } from '../ops.js';
import { sameShape } from '../shape.js';

export function checkGraph(graph: Graph): void {
  const types = new Map<ValueId, TensorType>();
  for (const input of graph.inputs) {
    if (types.has(input.id)) throw new GraphError('input id', input.id, 'a unique id');
    types.set(input.id, input.type);
  }
  for (const node of graph.nodes) {
    if (types.has(node.id)) throw new GraphError('node id', node.id, 'a unique id');
    const spec = OPS[node.kind as OpKind];
    if (!spec) throw new GraphError(`node ${node.id} kind`, node.kind, 'a kind of the op table');
    const n = node.inputs.length;
    const arity = spec.arity;
    const ok = arity === 'variadic' ? n >= 1 : typeof arity === 'number' ? n === arity : n >= arity[0] && n <= arity[1];
    if (!ok) throw new GraphError(`node ${node.id} (${node.kind}) input count`, n, `arity ${JSON.stringify(arity)}`);
    const inputTypes = node.inputs.map((id) => {
      const t = types.get(id);
      if (!t) throw new GraphError(`node ${node.id} input`, id, 'a value defined earlier (topological order)');
      return t;
    });
    const t = inferType(node.kind, inputTypes, node.attrs as never, `node ${node.id} (${node.kind})`);
    if (t.dtype !== node.type.dtype || !sameShape(t.shape, node.type.shape)) {
      throw new GraphError(`node ${node.id} type`, node.type, `${t.dtype}[${t.shape}] as inferred`);
    }
    types.set(node.id, node.type);
  }
  const names = new Set<string>();
  for (const output of graph.outputs) {
    if (names.has(output.name)) throw new GraphError('output name', output.name, 'a unique name');
    names.add(output.name);
    const type = types.get(output.value);
    if (!type) throw new GraphError(`output ${output.name}`, output.value, 'an existing value id');
    if (output.updates !== undefined) checkUpdate(output.name, type, output.updates, graph.inputs, graph.outputs.slice(0, graph.outputs.indexOf(output)));
  }
}
