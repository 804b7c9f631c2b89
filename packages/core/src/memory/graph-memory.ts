/**
 * The peak of live intermediate bytes of one graph run in node order, each value freed after its
 * last use — exactly how the reference interpreter holds memory, and what a backend with a liveness
 * planner (ORT's) needs at least. Inputs (parameters, moments, the batch) are not counted: they are
 * the caller's and live across runs. Used to check the analytic estimate (training-memory.ts) against
 * what a graph really keeps alive.
 *
 * Not a measurement of a process (allocators, arenas and the runtime add to it) and not a scheduler.
 */
import type { DType } from '../engine/dtype.js';
import type { Graph, ValueId } from '../engine/graph.js';

/** Bytes per element of each dtype. */
const BYTES: Readonly<Record<DType, number>> = { f16: 2, f32: 4, f64: 8, i32: 4 };

export function graphPeakBytes(graph: Graph): number {
  const outputs = new Set(graph.outputs.map((o) => o.value));
  const lastUse = new Map<ValueId, number>();
  graph.nodes.forEach((node, i) => node.inputs.forEach((id) => lastUse.set(id, i)));
  const bytes = new Map<ValueId, number>();
  let live = 0;
  let peak = 0;
  graph.nodes.forEach((node, i) => {
    const size = node.type.shape.reduce((p, d) => p * d, 1) * BYTES[node.type.dtype];
    bytes.set(node.id, size);
    live += size;
    peak = Math.max(peak, live);
    for (const id of node.inputs) {
      if (lastUse.get(id) === i && !outputs.has(id) && bytes.has(id)) {
        live -= bytes.get(id)!;
        bytes.delete(id);
      }
    }
    // A value nobody reads and no output returns is dead at once.
    if (!lastUse.has(node.id) && !outputs.has(node.id)) {
      live -= size;
      bytes.delete(node.id);
    }
  });
  return peak;
}
