/**
 * Parameter values on the host: a map from parameter name (HF or adapter) to HostTensor, which is
 * what checkpoints load into, what feeds a graph's `param` inputs, and what merge/unmerge rewrite.
 * Not a device store: backends that keep weights resident upload from here.
 */
import type { FloatDType } from '../engine/dtype.js';
import { GraphError } from '../engine/errors.js';
import type { Graph } from '../engine/graph.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';

export type ParameterMap = ReadonlyMap<string, HostTensor>;

/** Every tensor converted to `dtype` (f32 ↔ f64); tensors already in it are shared, not copied. */
export function castParameters(params: ParameterMap, dtype: FloatDType): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of params) out.set(name, t.dtype === dtype ? t : hostTensor(dtype, t.shape, t.data));
  return out;
}

/**
 * The feeds of a graph's `param` inputs, taken from one or more maps (later maps win), checked for
 * presence; dtype and shape are checked by the backend. Data inputs are the caller's.
 */
export function parameterFeeds(graph: Graph, ...maps: readonly ParameterMap[]): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (const input of graph.inputs) {
    if (input.role !== 'param') continue;
    let found: HostTensor | undefined;
    for (const map of maps) found = map.get(input.id) ?? found;
    if (!found) throw new GraphError(`parameter ${input.id}`, 'nothing', `a tensor ${input.type.dtype}[${input.type.shape}] in the parameter maps`);
    feeds[input.id] = found;
  }
  return feeds;
}
