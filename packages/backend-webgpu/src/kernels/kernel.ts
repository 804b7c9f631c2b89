/**
 * The kernel signature and the shared shapes of the simplest kernels. A kernel lowers one graph node
 * (attributes and input types known, sizes included) to a KernelPlan; it never sees a device.
 * Not a registry: the table in index.ts is a Record over the op kinds.
 */
import type { GraphNodeOf, OpKind, TensorType } from '@repurpose/core/engine';
import { wgslDType } from '../wgsl/dtype.js';
import { broadcastView, contiguous, mapPass } from '../wgsl/map.js';
import type { KernelPlan, Pass } from '../wgsl/program.js';

/** What a kernel may know of the device: only build-time choices that change the program (and so its key). */
export interface KernelContext {
  /** Reduce across workgroups with subgroup operations (the device has `subgroups` and the `subgroup_id` builtin). */
  readonly subgroups: boolean;
}

/** The context of a device without optional features: the plain programs. */
export const PLAIN: KernelContext = Object.freeze({ subgroups: false });

export type WebGpuKernel<K extends OpKind> = (node: GraphNodeOf<K>, inputs: readonly TensorType[], ctx?: KernelContext) => KernelPlan;

export function dispatch(...passes: Pass[]): KernelPlan {
  return { kind: 'dispatch', passes, scratchBytes: [] };
}

export function input(inputs: readonly TensorType[], i: number, op: string): TensorType {
  const t = inputs[i];
  if (t === undefined) throw new Error(`${op}: input ${i} missing (the graph checker should have caught this)`);
  return t;
}

/** An elementwise kernel over broadcast inputs; `expr` sees a0, a1, … in WGSL. */
export function elementwise<K extends OpKind>(expr: (node: GraphNodeOf<K>, inputs: readonly TensorType[]) => string, prelude = ''): WebGpuKernel<K> {
  return (node, inputs) =>
    dispatch(
      mapPass({
        shape: node.type.shape,
        out: { dtype: wgslDType(node.type.dtype, `${node.kind} output`), view: contiguous(node.type.shape) },
        inputs: inputs.map((t, i) => ({ dtype: wgslDType(t.dtype, `${node.kind} input ${i}`), view: broadcastView(t.shape, node.type.shape) })),
        expr: expr(node, inputs),
        prelude,
      }),
    );
}
