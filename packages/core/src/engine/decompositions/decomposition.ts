/**
 * The type of a composite's decomposition: given the builder (already in the composite node's scope),
 * its input tensors and attributes, emit primitives (or other composites) and return the result.
 * Not the table (index.ts) and not the pass that applies it (passes/decompose.ts).
 */
import type { GraphBuilder, Tensor } from '../builder.js';
import type { CompositeKind, OpAttrs } from '../ops.js';

export type Decomposition<K extends CompositeKind> = (b: GraphBuilder, inputs: readonly Tensor[], attrs: OpAttrs[K]) => Tensor;

export function input(inputs: readonly Tensor[], i: number): Tensor {
  const t = inputs[i];
  if (!t) throw new Error(`decomposition: missing input ${i}`);
  return t;
}
