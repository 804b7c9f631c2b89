/**
 * The packed output of the multi-gradient backward composites (layerNormGrad, attentionGrad): the
 * wanted gradients, each flattened row-major, concatenated in input order into one 1-D tensor.
 * `packGrads` builds that tensor (decompositions), `unpackGrads` slices it back into input shapes
 * (gradient rules), `packedLength` is its size (shape inference). Not the composites themselves.
 */
import type { GraphBuilder, Tensor } from '../builder.js';
import type { PackedGrads } from '../ops.js';
import { type Shape, sizeOf } from '../shape.js';

export function packedLength(shapes: readonly Shape[], grads: PackedGrads): number {
  return shapes.reduce((n, s, i) => (grads[i] ? n + sizeOf(s) : n), 0);
}

/** `parts[i]` must be present exactly where `grads[i]` is true. */
export function packGrads(b: GraphBuilder, parts: readonly (Tensor | undefined)[], grads: PackedGrads): Tensor {
  const flat = parts.filter((_, i) => grads[i]).map((t) => b.reshape(t!, [-1]));
  return flat.length === 1 ? flat[0]! : b.concat(flat, 0);
}

/** The gradient of each input in its shape, undefined where not packed. */
export function unpackGrads(b: GraphBuilder, packed: Tensor, shapes: readonly Shape[], grads: PackedGrads): (Tensor | undefined)[] {
  let offset = 0;
  return shapes.map((shape, i) => {
    if (!grads[i]) return undefined;
    const n = sizeOf(shape);
    const part = n === packed.shape[0] ? packed : b.slice(packed, [offset], [offset + n]);
    offset += n;
    return b.reshape(part, shape);
  });
}
