/**
 * Test support: an f64 graph retyped to f32 or f16 — every f64 input, constant, fill, iota and cast
 * becomes the narrower float, constants rounded to nearest — and f64 feeds rounded likewise. Core's
 * shared gradient cases are written in f64 (the reference checks its rules by finite differences
 * there); WGSL has no f64, so the WebGPU backend runs them in f32 (compared with the reference's f64
 * results) and in f16 (compared with the reference's f16 emulation of the same graph).
 * Not a mixed-precision pass (core's withMasterWeights is) and not exported from the package.
 */
import { GraphBuilder, type Graph, type HostTensor, type Tensor, hostTensor } from '@repurpose/core/engine';

export function retyped(graph: Graph, to: 'f32' | 'f16'): Graph {
  const b = new GraphBuilder({ dtype: to });
  const map = new Map<string, Tensor>();
  for (const input of graph.inputs) map.set(input.id, b.input(input.id, input.role, input.type.shape, input.type.dtype === 'f64' ? to : input.type.dtype));
  for (const node of graph.nodes) {
    const attrs = node.attrs as Record<string, unknown>;
    const narrowed = attrs.dtype === 'f64' ? { ...attrs, dtype: to } : attrs;
    const inputs = node.inputs.map((id) => map.get(id)!);
    map.set(node.id, b.inScope(node.scope, () => b.node(node.kind, inputs, narrowed as never)));
  }
  for (const output of graph.outputs) b.output(output.name, map.get(output.value)!, { updates: output.updates });
  return b.build();
}

/** f64 feeds rounded to `to` (hostTensor rounds to nearest even). */
export function feedsAs(feeds: Readonly<Record<string, HostTensor>>, to: 'f32' | 'f16'): Record<string, HostTensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, t.dtype === 'f64' ? hostTensor(to, t.shape, Array.from(t.data)) : t]));
}

export const asF32 = (graph: Graph): Graph => retyped(graph, 'f32');
export const feedsAsF32 = (feeds: Readonly<Record<string, HostTensor>>): Record<string, HostTensor> => feedsAs(feeds, 'f32');
