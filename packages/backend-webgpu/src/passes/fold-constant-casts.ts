/**
 * Folds a cast of an f64 `constant` or `fill` into a constant or fill of the cast's dtype, computed on
 * the host (f16 included) — so a graph that writes a literal in f64 and casts it (core's literal cases do, and so can
 * user code built in f64 and narrowed) runs on a device without f64. The values are what the cast
 * would give: rounded to nearest f32 or f16, or truncated toward zero into i32 (the reference's rule).
 * The f64 node is left for dead-code elimination; an f64 value used any other way stays and is
 * rejected by the dtype check. Not a general constant folder.
 */
import { type Graph, type GraphNode, rewriteGraph, roundToHalf } from '@repurpose/core/engine';

type Narrow = 'f32' | 'i32' | 'f16';

function convert(values: readonly number[], dtype: Narrow): number[] {
  if (dtype === 'f16') return values.map(roundToHalf);
  return Array.from(dtype === 'i32' ? Int32Array.from(values, Math.trunc) : Float32Array.from(values));
}

export function foldConstantCasts(graph: Graph): Graph {
  const producers = new Map<string, GraphNode>(graph.nodes.map((n) => [n.id, n]));
  const foldable = (node: GraphNode) => {
    if (node.kind !== 'cast' || node.attrs.dtype === 'f64') return null;
    const source = producers.get(node.inputs[0]!);
    return source !== undefined && (source.kind === 'constant' || source.kind === 'fill') && source.attrs.dtype === 'f64' ? source : null;
  };
  if (!graph.nodes.some((n) => foldable(n) !== null)) return graph;
  return rewriteGraph(graph, (node, _inputs, b) => {
    const source = foldable(node);
    if (source === null || node.kind !== 'cast') return undefined;
    const dtype = node.attrs.dtype as Narrow;
    if (source.kind === 'constant') return b.constant(convert(source.attrs.values, dtype), source.attrs.shape, dtype);
    if (source.kind === 'fill') return b.fill(convert([source.attrs.value], dtype)[0]!, source.attrs.shape, dtype);
    return undefined;
  });
}
