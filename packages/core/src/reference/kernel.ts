/**
 * The reference kernel signature: input tensors, the node's attributes and its inferred output type
 * in; a fresh typed array of the output dtype out. Kernels compute in JavaScript doubles and store
 * into the output array, so an f32 result is each op's exact-as-double value rounded once to f32
 * (for + − × ÷ √ that is the correctly rounded f32 result). Not the kernel table (kernels/index.ts).
 */
import type { HostArray } from '../engine/dtype.js';
import type { TensorType } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import type { OpAttrs, OpKind } from '../engine/ops.js';

export type Kernel<K extends OpKind> = (inputs: readonly HostTensor[], attrs: OpAttrs[K], out: TensorType) => HostArray;

export function arg(inputs: readonly HostTensor[], i: number): HostTensor {
  const t = inputs[i];
  if (!t) throw new Error(`reference kernel: missing input ${i}`);
  return t;
}
