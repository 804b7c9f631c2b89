/**
 * LoRA values on the host: initialising a plan's adapters (PEFT's rules, seeded), and merging them
 * into the base weights (W' = W + (alpha/r)·B·A; for embed_in W' = W + (alpha/r)·(B·A)ᵀ as PEFT's
 * Embedding adapter) or taking them back out. Merged weights run on the plain model graph at no extra
 * cost; unmerge recovers the base within round-off.
 *
 * Not torch's RNG: seeded values are reproducible here but do not equal PEFT's draws.
 */
import type { FloatDType } from '../engine/dtype.js';
import { GraphError } from '../engine/errors.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { seededRandom } from '../engine/seeded-random.js';
import { sizeOf } from '../engine/shape.js';
import type { AdapterSpec, LoraPlan, MethodPlan } from './method-plan.js';
import type { ParameterMap } from './parameter-map.js';

export interface InitAdapterOptions {
  readonly seed?: number;
  readonly dtype?: FloatDType;
}

/** Initial values of every adapter of `plan` (none for full, freeze and bias). */
export function initAdapters(plan: Pick<MethodPlan, 'adapters'>, options: InitAdapterOptions = {}): Map<string, HostTensor> {
  const random = seededRandom(options.seed ?? 0);
  const out = new Map<string, HostTensor>();
  for (const a of plan.adapters) out.set(a.name, hostTensor(options.dtype ?? 'f32', a.shape, initialValues(a, random)));
  return out;
}

function initialValues(a: AdapterSpec, random: () => number): Float64Array {
  const values = new Float64Array(sizeOf(a.shape));
  switch (a.init.kind) {
    case 'zeros':
      return values;
    case 'kaiming-uniform': {
      // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fanIn) = 1/√fanIn.
      const bound = 1 / Math.sqrt(a.init.fanIn);
      for (let i = 0; i < values.length; i++) values[i] = (2 * random() - 1) * bound;
      return values;
    }
    case 'normal': {
      for (let i = 0; i < values.length; i++) {
        const u = 1 - random(); // (0, 1]: log stays finite
        values[i] = a.init.std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
      }
      return values;
    }
  }
}

/** Base weights with every adapter folded in; the result has the checkpoint layout (no adapter names). */
export function mergeLora(params: ParameterMap, lora: LoraPlan): Map<string, HostTensor> {
  return applyDelta(params, lora, +1);
}

/** The inverse of `mergeLora` given the same adapter values: W = W' − (alpha/r)·B·A. Adapters are kept. */
export function unmergeLora(merged: ParameterMap, adapters: ParameterMap, lora: LoraPlan): Map<string, HostTensor> {
  const out = applyDelta(new Map([...merged, ...adapters]), lora, -1);
  for (const [name, t] of adapters) out.set(name, t);
  return out;
}

function applyDelta(params: ParameterMap, lora: LoraPlan, sign: 1 | -1): Map<string, HostTensor> {
  const adapterNames = new Set<string>();
  const out = new Map<string, HostTensor>(params);
  const get = (name: string): HostTensor => {
    const t = params.get(name);
    if (!t) throw new GraphError(`LoRA parameter ${name}`, 'nothing', 'a tensor in the parameter map');
    return t;
  };
  for (const l of lora.linears) {
    adapterNames.add(l.a).add(l.b);
    out.set(l.weight, addProduct(get(l.weight), get(l.b), get(l.a), sign * lora.scale, false));
  }
  if (lora.embedIn) {
    const e = lora.embedIn;
    adapterNames.add(e.a).add(e.b);
    out.set(e.weight, addProduct(get(e.weight), get(e.b), get(e.a), sign * lora.scale, true));
  }
  for (const name of adapterNames) out.delete(name);
  return out;
}

/** W + s·(B·A) (or + s·(B·A)ᵀ when `transposed`), accumulated in f64, stored in W's dtype. */
function addProduct(w: HostTensor, bMat: HostTensor, aMat: HostTensor, s: number, transposed: boolean): HostTensor {
  const [out, r] = bMat.shape as [number, number];
  const [r2, inp] = aMat.shape as [number, number];
  const want = transposed ? [inp, out] : [out, inp];
  if (r !== r2 || w.shape.length !== 2 || w.shape[0] !== want[0] || w.shape[1] !== want[1]) {
    throw new GraphError('LoRA shapes', `W [${w.shape}], B [${bMat.shape}], A [${aMat.shape}]`, `W [${want}] with B [out, r] and A [r, in]`);
  }
  const result = Float64Array.from(w.data);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inp; i++) {
      let acc = 0;
      for (let k = 0; k < r; k++) acc += bMat.data[o * r + k]! * aMat.data[k * inp + i]!;
      result[transposed ? i * out + o : o * inp + i]! += s * acc;
    }
  }
  return hostTensor(w.dtype, w.shape, result);
}
