/**
 * lowerGraph: one engine Graph (already prepared: unclaimed composites decomposed, dead code gone) →
 * one ONNX model. Graph inputs keep their ids as ONNX input names; outputs are named after the graph's
 * output names (suffixed `:out` where one equals an input's name, as AdamW's updated parameters do —
 * ONNX values are single-assignment). Not a session: compiling the bytes is the backend's job.
 */
import { GraphError, type Graph, type TensorType, valueTypes } from '@repurpose/core/engine';
import { encodeModel, graphProto, modelProto, valueInfo } from '../onnx/proto.js';
import { Emitter } from './emitter.js';
import { LOWERINGS, type Lowering } from './index.js';

export interface LoweredModel {
  readonly bytes: Uint8Array;
  /** Graph output name → ONNX output name. */
  readonly outputNames: ReadonlyMap<string, string>;
  /** ONNX op types used, with counts (for docs, tests and profiles). */
  readonly opCounts: ReadonlyMap<string, number>;
}

export interface LowerGraphOptions {
  readonly name?: string;
  /** ONNX dims per graph input id (e.g. symbolic `batch`); default the input's static shape. */
  readonly inputDims?: (id: string, type: TensorType) => readonly (number | string)[];
  readonly outputDims?: (name: string, type: TensorType) => readonly (number | string)[];
}

export function lowerGraph(graph: Graph, options: LowerGraphOptions = {}): LoweredModel {
  const emit = new Emitter();
  const types = valueTypes(graph);
  const names = new Map<string, string>();
  for (const input of graph.inputs) names.set(input.id, input.id);
  const ctx = { emit, typeOf: (id: string) => types.get(id)! };
  for (const node of graph.nodes) {
    const lowering = LOWERINGS[node.kind] as Lowering<typeof node.kind> | undefined;
    if (!lowering) throw new GraphError(`node ${node.id} kind`, node.kind, 'an op the ONNX backend can lower');
    const inputs = node.inputs.map((id) => names.get(id)!);
    names.set(node.id, lowering(ctx, node as never, inputs));
  }
  const inputIds = new Set(graph.inputs.map((i) => i.id));
  const outputNames = new Map<string, string>();
  // A node's value that leaves the graph once is renamed to the output's name in place; an Identity
  // (a full copy in ORT — measured 320 ms per step on pythia-70m's embedding) only where the value is
  // an input, feeds several outputs, or the name is taken.
  const producedBy = new Map<string, { node: number; slot: number }>();
  emit.nodes.forEach((n, i) => n.output.forEach((o, slot) => producedBy.set(o, { node: i, slot })));
  const renamed = new Map<string, string>();
  const taken = new Set<string>([...inputIds]);
  const outputs = graph.outputs.map((o) => {
    const onnxName = inputIds.has(o.name) ? `${o.name}:out` : o.name;
    outputNames.set(o.name, onnxName);
    const source = names.get(o.value)!;
    const producer = producedBy.get(source);
    if (producer && !renamed.has(source) && !taken.has(onnxName) && !inputIds.has(source)) {
      renamed.set(source, onnxName);
    } else {
      emit.opInto('Identity', [renamed.get(source) ?? source], onnxName);
    }
    taken.add(onnxName);
    const t = types.get(o.value)!;
    return valueInfo(onnxName, t.dtype, options.outputDims ? options.outputDims(o.name, t) : t.shape);
  });
  if (renamed.size > 0) {
    for (const n of emit.nodes) {
      n.output = n.output.map((x) => renamed.get(x) ?? x);
      n.input = n.input.map((x) => renamed.get(x) ?? x);
    }
  }
  const inputs = graph.inputs.map((i) => valueInfo(i.id, i.type.dtype, options.inputDims ? options.inputDims(i.id, i.type) : i.type.shape));
  const proto = graphProto({ name: options.name ?? 'repurpose', nodes: emit.nodes, inputs, outputs, initializers: emit.initializers });
  const opCounts = new Map<string, number>();
  for (const n of emit.nodes) opCounts.set(n.opType, (opCounts.get(n.opType) ?? 0) + 1);
  return { bytes: encodeModel(modelProto(proto)), outputNames, opCounts };
}
