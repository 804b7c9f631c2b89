/** Test helpers shared by the op suites (grad-rules, f16): compile-run-dispose, and a case's op output exposed. */
import type { Backend, Graph, HostTensor } from '@repurpose/core/engine';

export async function runOn(backend: Backend, graph: Graph, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const exe = await backend.compile(graph);
  try {
    return (await exe.run(feeds)) as Record<string, HostTensor>;
  } finally {
    exe.dispose();
  }
}

/** The case's graph with the op's own output y (loss = Σ y·w) as output `y` too, so the forward is compared element by element. */
export function withOpOutput<T extends { graph: Graph }>(c: T): T {
  const loss = c.graph.nodes.find((n) => n.id === c.graph.outputs.find((o) => o.name === 'loss')!.value)!;
  const weighted = c.graph.nodes.find((n) => n.id === loss.inputs[0])!;
  return { ...c, graph: { ...c.graph, outputs: [...c.graph.outputs, { name: 'y', value: weighted.inputs[0]! }] } };
}
