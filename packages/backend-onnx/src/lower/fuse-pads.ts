/**
 * A graph pass before lowering: a tree of `add`s whose leaves are zero `pad`s (each used only in
 * that tree) of the same output shape and dtype, each padding one and the same axis, over disjoint
 * ranges of it, becomes one `concat` of the pads' inputs along that axis in range order, with `fill`
 * zeros for any gaps. This is the backward of slicing one tensor into pieces — GPT-NeoX's fused
 * QKV split (dheads = pad(dq) + pad(dk) + pad(dv)) and rotary's rotated/pass-through halves — which
 * otherwise fills full-size zero tensors and adds them. Exact in every dtype: every element of the
 * sum is one leaf's element plus zeros (the one difference: a -0 stays -0 where the sum gave +0).
 * Not a general algebraic simplifier: a tree with any other leaf is left alone.
 *
 * Measured figures: see the report of branch onnx-pads (filled in below once measured).
 */
import { eliminateDeadCode, type Graph, type GraphNode, type GraphNodeOf, rewriteGraph, type Tensor } from '@repurpose/core/engine';

interface Leaf {
  readonly pad: GraphNodeOf<'pad'>;
  readonly start: number;
  readonly end: number;
}
interface Tree {
  readonly axis: number;
  readonly leaves: readonly Leaf[];
}

export function fusePadAdds(graph: Graph): Graph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const uses = new Map<string, number>();
  const consumer = new Map<string, string>();
  for (const n of graph.nodes) {
    for (const id of n.inputs) {
      uses.set(id, (uses.get(id) ?? 0) + 1);
      consumer.set(id, n.id);
    }
  }
  for (const o of graph.outputs) uses.set(o.value, (uses.get(o.value) ?? 0) + 1);
  const sameType = (a: GraphNode, b: GraphNode) => a.type.dtype === b.type.dtype && a.type.shape.join() === b.type.shape.join();

  // The one axis a zero pad pads, and the range its input fills; undefined for any other pad.
  const leafOf = (n: GraphNodeOf<'pad'>): Leaf | undefined => {
    if (n.attrs.value !== 0) return undefined;
    const axes = n.type.shape.map((_, i) => i).filter((i) => n.attrs.before[i]! !== 0 || n.attrs.after[i]! !== 0);
    if (axes.length !== 1) return undefined;
    const axis = axes[0]!;
    return { pad: n, start: n.attrs.before[axis]!, end: n.type.shape[axis]! - n.attrs.after[axis]! };
  };
  const axisOf = (leaf: Leaf) => leaf.pad.type.shape.findIndex((_, i) => leaf.pad.attrs.before[i]! !== 0 || leaf.pad.attrs.after[i]! !== 0);

  // Leaves of the tree under an add (memoised; null: not such a tree). Operands must be used once
  // and have the add's own shape and dtype (no broadcasting).
  const trees = new Map<string, Tree | null>();
  const treeOf = (add: GraphNode): Tree | null => {
    const known = trees.get(add.id);
    if (known !== undefined) return known;
    let result: Tree | null = null;
    const parts: Leaf[] = [];
    let ok = add.kind === 'add';
    for (const id of ok ? add.inputs : []) {
      const n = byId.get(id);
      if (!n || uses.get(id) !== 1 || !sameType(n, add)) ok = false;
      else if (n.kind === 'pad') {
        const leaf = leafOf(n);
        if (leaf) parts.push(leaf);
        else ok = false;
      } else if (n.kind === 'add') {
        const sub = treeOf(n);
        if (sub) parts.push(...sub.leaves);
        else ok = false;
      } else ok = false;
      if (!ok) break;
    }
    if (ok) {
      const axis = axisOf(parts[0]!);
      const sorted = [...parts].sort((x, y) => x.start - y.start);
      const disjoint = sorted.every((l, i) => i === 0 || sorted[i - 1]!.end <= l.start);
      if (disjoint && parts.every((l) => axisOf(l) === axis)) result = { axis, leaves: sorted };
    }
    trees.set(add.id, result);
    return result;
  };

  // Roots: trees that are not an operand inside a larger tree.
  const roots = new Map<string, Tree>();
  for (const n of graph.nodes) {
    const tree = n.kind === 'add' ? treeOf(n) : null;
    if (!tree) continue;
    const parent = uses.get(n.id) === 1 ? byId.get(consumer.get(n.id)!) : undefined;
    if (parent && parent.kind === 'add' && treeOf(parent)) continue;
    roots.set(n.id, tree);
  }
  if (roots.size === 0) return graph;

  const padInputs = new Map<string, Tensor>();
  const rewritten = rewriteGraph(graph, (node, inputs, b) => {
    if (node.kind === 'pad') {
      padInputs.set(node.id, inputs[0]!);
      return undefined;
    }
    const tree = roots.get(node.id);
    if (!tree) return undefined;
    const { axis, leaves } = tree;
    const shape = node.type.shape;
    const gap = (width: number) => b.fill(0, shape.map((d, i) => (i === axis ? width : d)), node.type.dtype);
    const pieces: Tensor[] = [];
    let at = 0;
    for (const leaf of leaves) {
      if (leaf.start > at) pieces.push(gap(leaf.start - at));
      if (leaf.end > leaf.start) pieces.push(padInputs.get(leaf.pad.id)!);
      at = Math.max(at, leaf.end);
    }
    if (shape[axis]! > at) pieces.push(gap(shape[axis]! - at));
    return pieces.length === 1 ? pieces[0]! : b.concat(pieces, axis);
  });
  return eliminateDeadCode(rewritten);
}
