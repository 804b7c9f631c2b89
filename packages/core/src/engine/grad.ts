/**
 * Autodiff as a graph transform: `grad(graph, { loss, wrt })` returns a new graph that computes the
 * original outputs plus one output per `wrt` value, named `gradOutputName(id)` (`grad:<id>`).
 *
 * How: composites whose rule is 'decompose' (today only the backward composites, i.e. a gradient of
 * a gradient graph) and that lie on a loss→wrt path are expanded first; then
 * nodes are walked in reverse and each node on a path gets its GRAD_RULES rule, told which inputs
 * are on a path (`wants`). Nodes off every loss→wrt path get no gradient nodes at all — that is what
 * makes freezing and bias-only cheaper, and what the tests assert. Contributions to a value used
 * several times are summed as they arrive. New nodes carry the forward node's scope + `.grad`.
 * A wrt the loss does not depend on gets an explicit zero gradient. The forward composites' rules emit
 * backward composites (rules/index.ts), so a backend can run both fused. `lossScale` seeds the loss
 * gradient with S and unscales each result (mixed precision, model/training-graph.ts).
 *
 * Not a tape or an eager autograd: nothing runs here. Higher-order gradients work (the result is an
 * ordinary graph); the backward composites' own gradients, through their decompositions, are the
 * ones finite-difference checked (rules/rules.test.ts).
 */
import { GraphBuilder, type Tensor } from './builder.js';
import { isFloat } from './dtype.js';
import { GraphError } from './errors.js';
import { type Graph, type GraphNode, type ValueId, gradScope, outputValue, valueTypes } from './graph.js';
import { decomposeWhere } from './passes/decompose.js';
import { eliminateDeadCode } from './passes/dce.js';
import type { OpKind } from './ops.js';
import { GRAD_RULES, type GradRule } from './rules/index.js';
import { sameShape, sizeOf } from './shape.js';

export interface GradOptions {
  /** Output name of the loss (or a value id); must be a float tensor with one element. */
  readonly loss: string;
  /** Input ids to differentiate with respect to — usually trainable param names. */
  readonly wrt: readonly ValueId[];
  /**
   * Static loss scale S for low-precision backward passes: the loss gradient is seeded with S
   * instead of 1, so every intermediate gradient is S times larger (f16 keeps small ones from
   * flushing to zero), and each `grad:<id>` is multiplied by 1/S in the wrt input's own dtype (f32
   * master weights). Default 1, which adds no nodes. A power of two keeps the scaling exact.
   */
  readonly lossScale?: number;
}

export function gradOutputName(id: ValueId): string {
  return `grad:${id}`;
}

export function grad(graph: Graph, options: GradOptions): Graph {
  const lossId = outputValue(graph, options.loss) ?? options.loss;
  const types = valueTypes(graph);
  const lossType = types.get(lossId);
  if (!lossType) throw new GraphError('grad loss', options.loss, 'an output name or value id of the graph');
  if (!isFloat(lossType.dtype) || sizeOf(lossType.shape) !== 1) {
    throw new GraphError('grad loss type', `${lossType.dtype}[${lossType.shape}]`, 'a float tensor with one element');
  }
  const scale = options.lossScale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0)) throw new GraphError('grad lossScale', scale, 'a positive finite number');
  const wrt = [...new Set(options.wrt)];
  for (const id of wrt) {
    const t = types.get(id);
    if (!t || !graph.inputs.some((i) => i.id === id)) throw new GraphError('grad wrt', id, 'the id of a graph input');
    if (!isFloat(t.dtype)) throw new GraphError(`grad wrt ${id} dtype`, t.dtype, 'f32 or f64');
    if (graph.outputs.some((o) => o.name === gradOutputName(id))) {
      throw new GraphError('grad wrt', id, `a value whose gradient output name ${gradOutputName(id)} is free`);
    }
  }

  // Expand composites that differentiate through their decomposition, where they matter. Expansion
  // renumbers nodes, so the loss is tracked through a temporary output.
  const withLoss: Graph = { ...graph, outputs: [...graph.outputs, { name: LOSS_OUTPUT, value: lossId }] };
  const lossOf = (g: Graph) => outputValue(g, LOSS_OUTPUT)!;
  const pathCache = new WeakMap<Graph, Set<ValueId>>();
  const pathOf = (g: Graph) => pathCache.get(g) ?? pathCache.set(g, onPath(g, lossOf(g), wrt)).get(g)!;
  const expanded = decomposeWhere(withLoss, (node, g) => GRAD_RULES[node.kind] === 'decompose' && pathOf(g).has(node.id));
  const loss = lossOf(expanded);
  const tracked = pathOf(expanded);

  const b = GraphBuilder.from(expanded);
  const grads = new Map<ValueId, Tensor>();
  const accumulate = (id: ValueId, g: Tensor) => {
    const prior = grads.get(id);
    grads.set(id, prior ? b.add(prior, g) : g);
  };
  const lossValue = b.value(loss);
  const lossNode = expanded.nodes.find((n) => n.id === loss);
  b.inScope(gradScope(lossNode?.scope ?? ''), () => accumulate(loss, b.fill(scale, lossValue.shape, lossValue.dtype)));

  for (let i = expanded.nodes.length - 1; i >= 0; i--) {
    const node = expanded.nodes[i]!;
    const dy = grads.get(node.id);
    if (!dy || !tracked.has(node.id)) continue;
    const wants = node.inputs.map((id) => tracked.has(id));
    if (!wants.some(Boolean)) continue;
    const rule = GRAD_RULES[node.kind];
    if (rule === 'decompose') throw new Error(`grad: composite ${node.kind} ${node.id} was not decomposed`);
    const inputs = node.inputs.map((id) => b.value(id));
    b.inScope(gradScope(node.scope), () => {
      const results = (rule as GradRule<OpKind>)({ b, node: node as never, inputs, output: b.value(node.id), dy, wants });
      node.inputs.forEach((id, j) => {
        const g = results[j];
        if (!wants[j] || !g) return;
        checkGradient(node, j, inputs[j]!, g);
        accumulate(id, g);
      });
    });
  }

  for (const id of wrt) {
    const x = b.value(id);
    const g = grads.get(id) ?? b.inScope(gradScope(''), () => b.zeros(x.shape, x.dtype));
    b.output(gradOutputName(id), scale === 1 ? g : b.inScope(gradScope('loss_scale'), () => b.mul(g, 1 / scale)));
  }
  const built = b.build();
  return eliminateDeadCode({ ...built, outputs: built.outputs.filter((o) => o.name !== LOSS_OUTPUT) });
}

/** A name no user output can have (outputs come from strings users choose, but not with NUL). */
const LOSS_OUTPUT = '\u0000grad-loss';

/**
 * Values on some loss→wrt path: float values that depend on a wrt value and that the loss depends
 * on. i32 values never are (comparisons, ids), which is what stops gradients at masks.
 */
export function onPath(graph: Graph, loss: ValueId, wrt: readonly ValueId[]): Set<ValueId> {
  const fromWrt = new Set<ValueId>(wrt);
  for (const node of graph.nodes) {
    if (isFloat(node.type.dtype) && node.inputs.some((id) => fromWrt.has(id))) fromWrt.add(node.id);
  }
  const toLoss = new Set<ValueId>([loss]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (toLoss.has(node.id)) for (const id of node.inputs) toLoss.add(id);
  }
  return new Set([...fromWrt].filter((id) => toLoss.has(id)));
}

function checkGradient(node: GraphNode, j: number, input: Tensor, g: Tensor): void {
  if (g.dtype !== input.dtype || !sameShape(g.shape, input.shape)) {
    throw new Error(
      `grad rule for ${node.kind} (${node.id}) returned ${g.dtype}[${g.shape}] for input ${j} of type ${input.dtype}[${input.shape}]`,
    );
  }
}
