/**
 * Splits a prepared graph into what ONNX Runtime runs and the AdamW updates the host runs after it.
 *
 * Why: ORT has no in-place outputs. Every output of `session.run` is a fresh copy in JavaScript
 * memory, so a training step that returns each parameter and both moments copies three times the
 * model out of ORT per step (536 MB at pythia-70m's size) and runs the update as a dozen separate
 * elementwise ops over each tensor. Measured on pythia-70m full fine-tuning (2 threads): the step
 * takes 4.0–4.2 s with the update in ORT and 2.7–3.2 s without it (gradients returned instead).
 * On the host the update is one pass over p, m, v and g, in place in the arrays ORT reads its
 * inputs from without copying.
 *
 * What moves: each tensor's update as train/adamw.ts builds it — adamwParam(p, adamMoment(m, g),
 * adamMoment(v, g, squared), decay, stepSize, √bc2) — when p, m and v are graph inputs that the three
 * results are outputs of (`updates`), and the two moments feed nothing else. Everything else,
 * including an update of any other shape, stays in ORT (lowered through the decompositions).
 * Not a general host executor.
 */
import { decomposeWhere, type Graph, type GraphNode, type GraphNodeOf, type ValueId, eliminateDeadCode } from '@repurpose/core/engine';

/** One tensor's AdamW update, run on the host. Ids are graph input ids or device values. */
export interface HostUpdate {
  readonly param: ValueId;
  readonly m: ValueId;
  readonly v: ValueId;
  readonly grad: ValueId;
  readonly decay: ValueId;
  readonly stepSize: ValueId;
  readonly bc2Sqrt: ValueId;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /**
   * Where the gradient is a scatterAdd (an embedding table's) that feeds only this update: its ids
   * and rows, so the host never makes the dense gradient (adamw-sparse.ts). `grad` is then unused.
   */
  readonly sparse?: { readonly ids: ValueId; readonly updates: ValueId; readonly width: number };
  /** The graph's output names of the new parameter, m and v. */
  readonly outputs: { readonly param: string; readonly m: string; readonly v: string };
}

export interface SplitGraph {
  /** What ORT runs: the graph without the moved updates, its inputs those it still uses, plus an
   *  output per device value an update reads (named `host:<id>`). */
  readonly device: Graph;
  readonly updates: readonly HostUpdate[];
}

export const HOST_VALUE_PREFIX = 'host:';

export function splitHostUpdates(graph: Graph): SplitGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputIds = new Set(graph.inputs.map((i) => i.id));
  const consumers = new Map<ValueId, number>();
  for (const n of graph.nodes) for (const id of new Set(n.inputs)) consumers.set(id, (consumers.get(id) ?? 0) + 1);
  const outputsOf = new Map<ValueId, (typeof graph.outputs)[number][]>();
  for (const o of graph.outputs) outputsOf.set(o.value, [...(outputsOf.get(o.value) ?? []), o]);
  /** The single output of `value`, which must update `input`; undefined otherwise. */
  const updateOutput = (value: ValueId, input: ValueId) => {
    const outs = outputsOf.get(value) ?? [];
    return outs.length === 1 && outs[0]!.updates === input ? outs[0]! : undefined;
  };
  const moment = (id: ValueId | undefined, squared: boolean): GraphNodeOf<'adamMoment'> | undefined => {
    const n = id === undefined ? undefined : byId.get(id);
    return n?.kind === 'adamMoment' && n.attrs.squared === squared && consumers.get(n.id) === 1 ? n : undefined;
  };

  const updates: HostUpdate[] = [];
  const moved = new Set<ValueId>();
  for (const n of graph.nodes) {
    if (n.kind !== 'adamwParam' || (consumers.get(n.id) ?? 0) > 0) continue;
    if (n.type.dtype !== 'f32' && n.type.dtype !== 'f64') continue;
    const [param, mId, vId, decay, stepSize, bc2Sqrt] = n.inputs as [ValueId, ValueId, ValueId, ValueId, ValueId, ValueId];
    const m1 = moment(mId, false);
    const v1 = moment(vId, true);
    if (!m1 || !v1 || m1.inputs[1] !== v1.inputs[1]) continue;
    const [m, v] = [m1.inputs[0]!, v1.inputs[0]!];
    if (!inputIds.has(param) || !inputIds.has(m) || !inputIds.has(v) || new Set([param, m, v]).size !== 3) continue;
    const outP = updateOutput(n.id, param);
    const outM = updateOutput(m1.id, m);
    const outV = updateOutput(v1.id, v);
    if (!outP || !outM || !outV) continue;
    const grad = m1.inputs[1]!;
    const scatter = byId.get(grad);
    const sparse =
      scatter?.kind === 'scatterAdd' && consumers.get(grad) === 2 && !outputsOf.has(grad)
        ? { ids: scatter.inputs[0]!, updates: scatter.inputs[1]!, width: scatter.type.shape.slice(1).reduce((a, d) => a * d, 1) }
        : undefined;
    updates.push({
      param, m, v, grad, decay, stepSize, bc2Sqrt, ...(sparse ? { sparse } : {}),
      beta1: m1.attrs.beta, beta2: v1.attrs.beta, eps: n.attrs.eps,
      outputs: { param: outP.name, m: outM.name, v: outV.name },
    });
    for (const id of [n.id, m1.id, v1.id]) moved.add(id);
  }
  // Updates that cannot move (other shapes of use) run in ORT as their primitive chains.
  const rest = (g: Graph): Graph => decomposeWhere(g, (node) => node.kind === 'adamMoment' || node.kind === 'adamwParam');
  if (updates.length === 0) return { device: rest(graph), updates };

  const needed = new Set<ValueId>();
  for (const u of updates) for (const id of hostInputs(u)) if (!inputIds.has(id)) needed.add(id);
  const nodes: GraphNode[] = graph.nodes.filter((node) => !moved.has(node.id));
  const outputs = [
    ...graph.outputs.filter((o) => !moved.has(o.value)),
    ...[...needed].map((id) => ({ name: `${HOST_VALUE_PREFIX}${id}`, value: id })),
  ];
  const pruned = eliminateDeadCode({ inputs: graph.inputs, nodes, outputs });
  const used = new Set<ValueId>(pruned.outputs.map((o) => o.value));
  for (const node of pruned.nodes) for (const id of node.inputs) used.add(id);
  // The device graph is internal: its outputs drop `updates` (an updated input may have left it).
  const device = rest({ inputs: pruned.inputs.filter((i) => used.has(i.id)), nodes: pruned.nodes, outputs: pruned.outputs.map((o) => ({ name: o.name, value: o.value })) });
  return { device, updates };
}

/** The values an update reads besides p, m and v. */
export function hostInputs(u: HostUpdate): ValueId[] {
  return [...(u.sparse ? [u.sparse.ids, u.sparse.updates] : [u.grad]), u.decay, u.stepSize, u.bc2Sqrt];
}
