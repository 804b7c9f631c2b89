/**
 * The reference interpreter: checks feeds against the graph's inputs, runs every node's kernel in
 * order (skipping those no requested output needs), releases each value after its last use, and
 * returns the outputs by name. Synchronous and
 * single-threaded on purpose: it is the definition other backends are compared with.
 */
import { GraphError } from '../engine/errors.js';
import type { Graph, ValueId } from '../engine/graph.js';
import { type HostTensor, dataMatchesDType } from '../engine/host-tensor.js';
import type { OpKind } from '../engine/ops.js';
import { sameShape } from '../engine/shape.js';
import type { Kernel } from './kernel.js';
import { KERNELS } from './kernels/index.js';

export function checkFeeds(graph: Graph, feeds: Readonly<Record<string, unknown>>): void {
  const ids = new Set(graph.inputs.map((i) => i.id));
  for (const name of Object.keys(feeds)) {
    if (!ids.has(name)) throw new GraphError(`feeds.${name}`, 'a tensor', `no feed: the graph has no input ${JSON.stringify(name)}`);
  }
  for (const input of graph.inputs) {
    const want = `${input.type.dtype}[${input.type.shape}]`;
    const feed = feeds[input.id] as HostTensor | undefined;
    if (!feed || !('data' in feed)) throw new GraphError(`feeds.${input.id}`, feed, `a host tensor ${want} (${input.role})`);
    if (feed.dtype !== input.type.dtype || !sameShape(feed.shape, input.type.shape)) {
      throw new GraphError(`feeds.${input.id}`, `${feed.dtype}[${feed.shape}]`, want);
    }
    if (!dataMatchesDType(feed) || feed.data.length !== feed.shape.reduce((p, d) => p * d, 1)) {
      throw new GraphError(`feeds.${input.id} data`, feed.data.constructor.name, `a typed array of ${want}`);
    }
  }
}

/** Runs `graph`; returns the outputs named in `only` (default all). Nodes no returned output needs are skipped. */
export function interpret(graph: Graph, feeds: Readonly<Record<string, HostTensor>>, only?: readonly string[]): Record<string, HostTensor> {
  checkFeeds(graph, feeds);
  const wanted = only === undefined ? graph.outputs : graph.outputs.filter((o) => only.includes(o.name));
  const values = new Map<ValueId, HostTensor>();
  for (const input of graph.inputs) values.set(input.id, feeds[input.id]!);

  const keep = new Set(wanted.map((o) => o.value));
  const live = new Set(keep);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (live.has(node.id)) for (const id of node.inputs) live.add(id);
  }
  const lastUse = new Map<ValueId, number>();
  graph.nodes.forEach((node, i) => live.has(node.id) && node.inputs.forEach((id) => lastUse.set(id, i)));

  graph.nodes.forEach((node, i) => {
    if (!live.has(node.id)) return;
    const inputs = node.inputs.map((id) => values.get(id)!);
    const kernel = KERNELS[node.kind] as Kernel<OpKind>;
    const data = kernel(inputs, node.attrs, node.type);
    values.set(node.id, Object.freeze({ dtype: node.type.dtype, shape: node.type.shape, data }));
    for (const id of node.inputs) if (lastUse.get(id) === i && !keep.has(id)) values.delete(id);
  });

  const outputs: Record<string, HostTensor> = {};
  for (const output of wanted) outputs[output.name] = values.get(output.value)!;
  return outputs;
}
