/**
 * `countGraphFlops`: the FLOPs a graph really performs, by scope, so analytic accounting (flops/)
 * can be checked against what runs; `countNodeFlops`: one node's FLOPs, composites included.
 *
 * Conventions, by op group (ops.ts), per node:
 * - contraction (matmul): 2·M·N·K per batch element (a multiply and an add per term);
 * - elementwise: 1 FLOP per output element — transcendental functions are not weighted higher —
 *   except `cast`, 0 (a conversion is not arithmetic);
 * - reduction: 1 FLOP per input element;
 * - indexing: gather 0 (a copy), scatterAdd 1 per update element (it adds);
 * - source and movement: 0;
 * - composite: what its decomposition costs (counted the same way, recursively). For attentionGrad
 *   that includes recomputing the probabilities (scores matmul and softmax), as a fused kernel does.
 * A graph is counted as lowered to primitives with common subexpressions shared (passes/cse.ts), so
 * it costs the same whether a backend runs its composites fused or not, and a decomposed backward
 * that recomputes what the forward computed is charged once — the FLOPs of the mathematics, which is
 * what the analytic accounting models. A backend running attentionGrad fused does more: the node's
 * own count minus what it shares (see docs/architecture.md).
 * The paper's accounting counts matmuls only, which is why `matmul` is reported on its own.
 * Not a timing model: memory traffic is not counted.
 */
import { GraphBuilder } from './builder.js';
import { eliminateCommonSubexpressions } from './passes/cse.js';
import { decomposeUnclaimed } from './passes/decompose.js';
import type { Graph, GraphNode, TensorType } from './graph.js';
import { isGradScope, valueTypes } from './graph.js';
import { OPS, type OpGroup, type PrimitiveKind } from './ops.js';
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

const perOutput: Counter = (node) => sizeOf(node.type.shape);
const perInput: Counter = (_node, inputs) => sizeOf(inputs[0]!.shape);
const free: Counter = () => 0;

const matmul: Counter = (node, inputs) => {
  if (node.kind !== 'matmul') return 0;
  const a = inputs[0]!.shape;
  const k = node.attrs.transposeA ? a[a.length - 2]! : a[a.length - 1]!;
  return 2 * sizeOf(node.type.shape) * k; // output elements = batch·M·N
};

const indexing: Counter = (node, inputs) => (node.kind === 'scatterAdd' ? sizeOf(inputs[1]!.shape) : 0);

/** Counters of the primitive groups; the composite group is counted through decompositions. */
const GROUP_FLOPS: { readonly [G in Exclude<OpGroup, 'composite'>]: Counter } = {
  source: free,
  elementwise: (node, inputs) => (node.kind === 'cast' ? 0 : perOutput(node, inputs)),
  reduction: perInput,
  movement: free,
  contraction: matmul,
  indexing,
};

function primitiveFlops(node: GraphNode, inputs: readonly TensorType[]): number {
  const group = OPS[node.kind as PrimitiveKind].group as Exclude<OpGroup, 'composite'>;
  return GROUP_FLOPS[group](node, inputs);
}

/** The FLOPs of one node given its input types; a composite costs its whole decomposition. */
export function countNodeFlops(node: GraphNode, inputs: readonly TensorType[]): { total: number; matmul: number } {
  if (OPS[node.kind].group !== 'composite') {
    const flops = primitiveFlops(node, inputs);
    return { total: flops, matmul: node.kind === 'matmul' ? flops : 0 };
  }
  const b = new GraphBuilder();
  const ins = inputs.map((t, i) => b.input(`in${i}`, 'data', t.shape, t.dtype));
  b.output('out', b.node(node.kind, ins, node.attrs));
  const lowered = decomposeUnclaimed(b.build(), []);
  const types = valueTypes(lowered);
  const acc = { total: 0, matmul: 0 };
  for (const n of lowered.nodes) {
    const f = primitiveFlops(n, n.inputs.map((id) => types.get(id)!));
    acc.total += f;
    if (n.kind === 'matmul') acc.matmul += f;
  }
  return acc;
}

export function countGraphFlops(graph: Graph): GraphFlops {
  const primitive = eliminateCommonSubexpressions(decomposeUnclaimed(graph, []));
  const types = valueTypes(primitive);
  const byScope: Record<string, { total: number; matmul: number }> = {};
  const forward = { total: 0, matmul: 0 };
  const backward = { total: 0, matmul: 0 };
  for (const node of primitive.nodes) {
    const flops = primitiveFlops(node, node.inputs.map((id) => types.get(id)!));
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
