/**
 * The running gradient sum of GradCache as graph state, so it can stay on the backend's device: a
 * chunk-backward graph (chunk-backward-graph.ts) gets one `state` input per trainable tensor,
 * `gradcache.sum.<name>`, and outputs `sum + grad:<name>` under the same name, declaring it `updates`
 * that input. The trainer runs it for every mini-batch of a step, starting from zeros, then feeds the
 * sums to its AdamW graph, which also resets them to zeros: no gradient crosses to the host, and the
 * running sum replaces itself in place on a backend that aliases.
 *
 * Not the optimiser and not the loop (train/grad-cache-step.ts).
 */
import { GraphBuilder } from '../engine/builder.js';
import { GraphError } from '../engine/errors.js';
import type { Graph } from '../engine/graph.js';
import { gradOutputName } from '../engine/grad.js';

/** `gradcache.sum.<param>`: the state input (and output) holding a step's gradient so far. */
export function gradientSumName(param: string): string {
  return `gradcache.sum.${param}`;
}

export function accumulateGradients(graph: Graph, trainable: readonly string[]): Graph {
  const b = GraphBuilder.from(graph);
  for (const name of trainable) {
    const output = graph.outputs.find((o) => o.name === gradOutputName(name));
    if (!output) throw new GraphError(`trainable parameter ${name}`, 'no gradient output', `an output ${gradOutputName(name)} (build the graph with grad)`);
    const g = b.value(output.value);
    const sum = b.state(gradientSumName(name), g.shape, g.dtype); //                     [...]
    b.scope(`gradcache.${name}`, () => b.output(gradientSumName(name), b.add(sum, g), { updates: sum }));
  }
  const built = b.build();
  // Only the sums leave: the per-chunk gradients and the surrogate are consumed inside.
  const kept = new Set(trainable.map(gradientSumName));
  return Object.freeze({ ...built, outputs: Object.freeze(built.outputs.filter((o) => kept.has(o.name))) });
}
