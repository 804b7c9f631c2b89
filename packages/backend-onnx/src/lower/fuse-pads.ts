/**
 * A graph pass before lowering: a tree of `add`s whose leaves are zero `pad`s (each used only in
 * that tree) of the same output shape and dtype, each padding one and the same axis, over disjoint
 * ranges of it, becomes one `concat` of the pads' inputs along that axis in range order, with `fill`
 * zeros for any gaps. This is the backward of slicing one tensor into pieces — GPT-NeoX's fused
 * QKV split (dheads = pad(dq) + pad(dk) + pad(dv)) and rotary's rotated/pass-through halves — which
 * otherwise fills full-size zero tensors and adds them. Exact in every dtype: every element of the
 * sum is one leaf's element plus zeros (the one difference: a -0 stays -0 where the sum gave +0).
 * One other operand of the same shape (rotary's dx·cos beside its two half-slice pads) is allowed
 * and stays an add. Not a general algebraic simplifier: a tree with two other operands is left alone.
 *
 * Measured (pythia-70m full step, 2-core machine shared with other jobs, load average 1.3–4: whole
 * step times swing 3–10 s between identical runs, so compare op shares, not step times):
 * tools/onnx/profile-step.mjs, 4 runs each: no Pad kernel is left (before: 57–223 ms per step, e.g.
 * 18× [32,8,64,64]→[32,8,64,192], 24× [32,8,64,8]→[32,8,64,16]), the 12 [32,8,64,192] adds are gone,
 * and Pad+Add+Concat fell from 0.15–0.25 of Gemm time to 0.09–0.12 (e.g. 139 ms at Gemm 883 ms
 * before, 145 ms at Gemm 1596 ms after). train-step-harness full 3 in-process, 4 runs each
 * interleaved: 4.4/6.2/7.1/3.4 s per step, 6.9/7.5/7.1/6.0 CPU s before; 5.1/3.8/3.7/4.5 s,
 * 6.4/6.9/6.5/6.2 CPU s after — about 5% less CPU, within the noise for wall time.
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
  /** The one operand that is not a zero pad, if any: added to the concat. */
  readonly base?: string;
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
  const types = new Map([...graph.inputs, ...graph.nodes].map((v) => [v.id, v.type]));
  const sameType = (id: string, n: GraphNode) => {
    const t = types.get(id);
    return t !== undefined && t.dtype === n.type.dtype && t.shape.join() === n.type.shape.join();
  };

  // The one axis a zero pad pads, and the range its input fills; undefined for any other pad.
  const leafOf = (n: GraphNodeOf<'pad'>): Leaf | undefined => {
    if (n.attrs.value !== 0) return undefined;
    const axes = n.type.shape.map((_, i) => i).filter((i) => n.attrs.before[i]! !== 0 || n.attrs.after[i]! !== 0);
    if (axes.length !== 1) return undefined;
    const axis = axes[0]!;
    return { pad: n, start: n.attrs.before[axis]!, end: n.type.shape[axis]! - n.attrs.after[axis]! };
  };
  const axisOf = (leaf: Leaf) => leaf.pad.type.shape.findIndex((_, i) => leaf.pad.attrs.before[i]! !== 0 || leaf.pad.attrs.after[i]! !== 0);

  // The tree under an add (memoised; null: not such a tree). Operands must have the add's own shape
  // and dtype (no broadcasting); pads and inner adds must be used only there. At most one operand in
  // the whole tree may be something else (the base, kept as an add): with one, at each element the
  // sum is still base + one leaf's element + zeros; with two, reassociating them would round
  // differently.
  const trees = new Map<string, Tree | null>();
  const treeOf = (add: GraphNode): Tree | null => {
    const known = trees.get(add.id);
    if (known !== undefined) return known;
    trees.set(add.id, null);
    const parts: Leaf[] = [];
    const bases: string[] = [];
    let ok = add.kind === 'add' && add.inputs[0] !== add.inputs[1];
    for (const id of ok ? add.inputs : []) {
      const n = byId.get(id);
      const inner = uses.get(id) === 1 && n !== undefined && sameType(id, add);
      const leaf = inner && n.kind === 'pad' ? leafOf(n) : undefined;
      const sub = inner && n.kind === 'add' ? treeOf(n) : null;
      if (leaf) parts.push(leaf);
      else if (sub) {
        parts.push(...sub.leaves);
        if (sub.base !== undefined) bases.push(sub.base);
      } else if (sameType(id, add)) bases.push(id);
      else ok = false;
    }
    if (!ok || bases.length > 1 || parts.length === 0) return null;
    const axis = axisOf(parts[0]!);
    const sorted = [...parts].sort((x, y) => x.start - y.start);
    const disjoint = sorted.every((l, i) => i === 0 || sorted[i - 1]!.end <= l.start);
    if (!disjoint || !parts.every((l) => axisOf(l) === axis)) return null;
    const tree: Tree = { axis, leaves: sorted, ...(bases[0] !== undefined ? { base: bases[0] } : {}) };
    trees.set(add.id, tree);
    return tree;
  };

  // Roots: trees of two pads or more that are not an operand inside a larger tree.
  const roots = new Map<string, Tree>();
  for (const n of graph.nodes) {
    const tree = n.kind === 'add' ? treeOf(n) : null;
    if (!tree || tree.leaves.length < 2) continue;
    const parent = uses.get(n.id) === 1 ? byId.get(consumer.get(n.id)!) : undefined;
    if (parent && parent.kind === 'add' && treeOf(parent)) continue;
    roots.set(n.id, tree);
  }
  if (roots.size === 0) return graph;

  // The rewritten tensor of every value some node reads (pad inputs, bases).
  const mapped = new Map<string, Tensor>();
  const rewritten = rewriteGraph(graph, (node, inputs, b) => {
    node.inputs.forEach((id, i) => mapped.set(id, inputs[i]!));
    const tree = roots.get(node.id);
    if (!tree) return undefined;
    const { axis, leaves } = tree;
    const shape = node.type.shape;
    const gap = (width: number) => b.fill(0, shape.map((d, i) => (i === axis ? width : d)), node.type.dtype);
    const pieces: Tensor[] = [];
    let at = 0;
    for (const leaf of leaves) {
      if (leaf.start > at) pieces.push(gap(leaf.start - at));
      if (leaf.end > leaf.start) pieces.push(mapped.get(leaf.pad.inputs[0]!)!);
      at = Math.max(at, leaf.end);
    }
    if (shape[axis]! > at) pieces.push(gap(shape[axis]! - at));
    const joined = pieces.length === 1 ? pieces[0]! : b.concat(pieces, axis);
    return tree.base === undefined ? joined : b.add(mapped.get(tree.base)!, joined);
  });
  return eliminateDeadCode(rewritten);
}
