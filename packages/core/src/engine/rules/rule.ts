/**
 * The shape of a gradient rule. A rule gets the forward node, handles on its inputs and output, the
 * incoming gradient `dy`, and `wants` — which inputs are on a loss→wrt path — and returns one
 * gradient (or undefined) per input. Rules must build only what a wanted input needs: that is how
 * the backward keeps only the forward values it really uses, and how frozen weights cost nothing.
 * The builder is already in the node's `.grad` scope. Not the table (index.ts).
 */
import type { GraphBuilder, Tensor } from '../builder.js';
import type { GraphNodeOf } from '../graph.js';
import type { OpKind } from '../ops.js';

export interface GradContext<K extends OpKind> {
  readonly b: GraphBuilder;
  readonly node: GraphNodeOf<K>;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly dy: Tensor;
  readonly wants: readonly boolean[];
}

export type GradRule<K extends OpKind> = (ctx: GradContext<K>) => ReadonlyArray<Tensor | undefined>;

/** For ops whose output carries no gradient to any input (sources, comparisons). */
export const noGradient: GradRule<OpKind> = () => [];

export function at(inputs: readonly Tensor[], i: number): Tensor {
  const t = inputs[i];
  if (!t) throw new Error(`gradient rule: missing input ${i}`);
  return t;
}
