/**
 * Test support: an f64 graph retyped to f32 — every f64 input, constant, fill, iota and cast becomes
 * f32, constants rounded to nearest — and f64 feeds rounded likewise. Core's shared gradient cases
 * are written in f64 (the reference checks its rules by finite differences there); WGSL has no f64,
 * so the WebGPU backend runs them in f32 and is compared with the reference's f64 results.
 * Not a mixed-precision pass (core's withMasterWeights is) and not exported from the package.
 */
import { GraphBuilder, type Graph, type HostTensor, type Tensor, hostTensor } from '@repurpose/core/engine';

export function asF32(graph: Graph): Graph {
  const b = new GraphBuilder({ dtype: 'f32' });
  const map = new Map<string, Tensor>();
  for (const input of graph.inputs) map.set(input.id, b.input(input.id, input.role, input.type.shape, input.type.dtype === 'f64' ? 'f32' : input.type.dtype));
  for (const node of graph.nodes) {
    const attrs = node.attrs as Record<string, unknown>;
    const retyped = attrs.dtype === 'f64' ? { ...attrs, dtype: 'f32' } : attrs;
    const inputs = node.inputs.map((id) => map.get(id)!);
    map.set(node.id, b.inScope(node.scope, () => b.node(node.kind, inputs, retyped as never)));
  }
  for (const output of graph.outputs) b.output(output.name, map.get(output.value)!, { updates: output.updates });
  return b.build();
}

export function feedsAsF32(feeds: Readonly<Record<string, HostTensor>>): Record<string, HostTensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, t.dtype === 'f64' ? hostTensor('f32', t.shape, Float32Array.from(t.data)) : t]));
}
