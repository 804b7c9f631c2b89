/**
 * Master weights for mixed precision: every `param` input of the compute dtype (f16) becomes an
 * input of the master dtype (f32) under the same id, cast to the compute dtype where the graph
 * starts, so the forward and backward run in f16 while what is fed, trained and stored stays f32.
 * `grad` then differentiates through the cast, whose rule casts each gradient back to f32.
 * Not loss scaling (model/training-graph.ts) and not a general dtype rewrite: data and state inputs,
 * and params of other dtypes, pass unchanged.
 */
import { GraphBuilder, type Tensor } from '../builder.js';
import type { FloatDType } from '../dtype.js';
import type { Graph, ValueId } from '../graph.js';

/** Scope of the inserted casts, so FLOP and node reports can tell them apart (they cost 0 FLOPs). */
export const MASTER_WEIGHTS_SCOPE = 'master_weights';

export function withMasterWeights(graph: Graph, compute: FloatDType, master: FloatDType): Graph {
  const b = new GraphBuilder({ dtype: master });
  const map = new Map<ValueId, Tensor>();
  for (const input of graph.inputs) {
    const promote = input.role === 'param' && input.type.dtype === compute;
    const t = b.input(input.id, input.role, input.type.shape, promote ? master : input.type.dtype);
    map.set(input.id, promote ? b.scope(MASTER_WEIGHTS_SCOPE, () => b.cast(t, compute)) : t);
  }
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((id) => map.get(id)!);
    map.set(node.id, b.inScope(node.scope, () => b.node(node.kind, inputs, node.attrs)));
  }
  for (const output of graph.outputs) b.output(output.name, map.get(output.value)!);
  return b.build();
}
