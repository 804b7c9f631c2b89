/**
 * LoRA adapters in PEFT's file layout (`adapter_model.safetensors`): names prefixed
 * `base_model.model.` (plus `gpt_neox.` when PEFT wrapped a GPTNeoXForCausalLM), adapter name
 * already removed, e.g. `base_model.model.gpt_neox.layers.0.attention.dense.lora_A.weight`. Loading
 * strips the prefixes and checks the tensors against a method plan's adapters (names and shapes, all
 * problems at once); saving adds the prefix back. Not PEFT's adapter_config.json (rank and alpha come
 * from the FineTuningMethod) and not a general state-dict mapper.
 */
import type { FloatDType } from '../engine/dtype.js';
import { ValidationError } from '../errors.js';
import { checkOptions } from '../validate.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { checkLayout, type ExpectedTensor } from '../io/safetensors-layout.js';
import { readSafetensors } from '../io/safetensors-read.js';
import type { TensorToWrite } from '../io/safetensors-write.js';
import type { MethodPlan } from './method-plan.js';
import type { ParameterMap } from './parameter-map.js';

const PEFT_PREFIX = 'base_model.model.';
const CAUSAL_LM_PREFIX = 'gpt_neox.';

/** Reads a PEFT adapter file and returns exactly `plan.adapters`, by our names, in `dtype` (default f32). */
export function loadAdapters(bytes: Uint8Array | ArrayBuffer, plan: Pick<MethodPlan, 'adapters'>, dtype: FloatDType = 'f32'): Map<string, HostTensor> {
  if (plan === null || typeof plan !== 'object' || !Array.isArray(plan.adapters)) throw new ValidationError('plan', plan, 'a method plan with `adapters` (what methodPlan returns)');
  if (dtype !== 'f32' && dtype !== 'f64') throw new ValidationError('dtype', dtype, '"f32" or "f64"');
  const found = new Map<string, { dtype: string; shape: readonly number[]; data: Float32Array | Float64Array }>();
  for (const [stored, t] of readSafetensors(bytes).tensors) {
    let name = stored.startsWith(PEFT_PREFIX) ? stored.slice(PEFT_PREFIX.length) : stored;
    if (name.startsWith(CAUSAL_LM_PREFIX)) name = name.slice(CAUSAL_LM_PREFIX.length);
    found.set(name, { dtype: t.dtype, shape: t.shape, data: t.data as Float32Array | Float64Array });
  }
  const layout = new Map<string, ExpectedTensor>(plan.adapters.map((a) => [a.name, { shape: a.shape, dtype: ['F32', 'F16', 'BF16', 'F64'] }]));
  checkLayout({ tensors: found }, layout);
  return new Map(plan.adapters.map((a) => [a.name, hostTensor(dtype, a.shape, found.get(a.name)!.data)]));
}

/** Adapter tensors under PEFT's names for `writeSafetensors` (`causalLm` adds `gpt_neox.`), as f32. */
export function peftAdapterTensors(adapters: ParameterMap, options: { readonly causalLm?: boolean } = {}): Map<string, TensorToWrite> {
  if (!(adapters instanceof Map)) throw new ValidationError('adapters', adapters, 'a Map of adapter tensors by name');
  checkOptions(options, 'options', ['causalLm']);
  if (options.causalLm !== undefined && typeof options.causalLm !== 'boolean') throw new ValidationError('options.causalLm', options.causalLm, 'a boolean');
  const prefix = PEFT_PREFIX + (options.causalLm ? CAUSAL_LM_PREFIX : '');
  return new Map([...adapters].map(([name, t]) => [prefix + name, { shape: t.shape, data: t.data as Float32Array | Float64Array, dtype: 'F32' as const }]));
}
