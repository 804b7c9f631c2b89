/**
 * The weights a trainer checkpoint stands for: the base model's parameters with the trained tensors
 * put in (full, freeze, bias), or with the LoRA adapters merged (W' = W + (alpha/r)·B·A, embed_in
 * too; model/lora.ts), so the result has exactly the base layout and runs anywhere the base runs.
 * Every trained tensor must be a trainable tensor of the checkpoint's method on this architecture,
 * in its shape, and none may be missing: a checkpoint of another model is refused, naming the tensor.
 *
 * Not a loader (model/checkpoint.ts reads the base) and not a file format (hf-folder.ts writes it).
 */
import { ValidationError } from '../errors.js';
import type { HostTensor } from '../engine/host-tensor.js';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { mergeLora } from '../model/lora.js';
import { type MethodPlan, methodPlan } from '../model/method-plan.js';
import { type ParameterMap, castParameters } from '../model/parameter-map.js';
import type { TrainerCheckpoint } from '../train/checkpoint.js';

export interface TrainedWeights {
  /** The base layout (HF names), trained values in, LoRA merged. f64 when the run was f64, else f32. */
  readonly parameters: Map<string, HostTensor>;
  /** The checkpoint's method plan (undefined without a checkpoint: the base model as it is). */
  readonly plan?: MethodPlan;
  /** The LoRA adapters by our names (PEFT's without the prefix), for a LoRA checkpoint. */
  readonly adapters?: ReadonlyMap<string, HostTensor>;
}

/** The base parameters with a trainer checkpoint applied; without one, the base itself. */
export function trainedWeights(architecture: ModelArchitecture, base: ParameterMap, checkpoint?: TrainerCheckpoint, field = 'checkpoint'): TrainedWeights {
  if (!(base instanceof Map)) throw new ValidationError('base', base, 'a Map of the base model’s parameters');
  if (checkpoint === undefined) return { parameters: new Map(base) };
  const { state } = checkpoint;
  const plan = methodPlan(architecture, state.method, { loraEmbedIn: state.loraEmbedIn });
  checkTrained(checkpoint.parameters, plan, field);
  const dtype = state.dtype;
  const params = castParameters(base, dtype);
  const trained = castParameters(checkpoint.parameters, dtype);
  if (!plan.lora) {
    for (const [name, t] of trained) params.set(name, t);
    return { parameters: params, plan };
  }
  const merged = mergeLora(new Map([...params, ...trained]), plan.lora);
  return { parameters: merged, plan, adapters: trained };
}

/** A checkpoint's tensors must be exactly the plan's trainable ones, in the plan's shapes. */
function checkTrained(trained: ReadonlyMap<string, HostTensor>, plan: MethodPlan, field: string): void {
  const shapes = new Map([...plan.parameters, ...plan.adapters].map((p) => [p.name, p.shape]));
  const trainable = new Set(plan.trainable);
  for (const [name, t] of trained) {
    const want = shapes.get(name);
    if (!want || !trainable.has(name)) throw new ValidationError(`${field} tensor ${name}`, name, `a trainable tensor of ${plan.method.kind} on this model (is the checkpoint for another model?)`);
    if (want.length !== t.shape.length || want.some((d, i) => d !== t.shape[i])) {
      throw new ValidationError(`${field} tensor ${name} shape`, t.shape, `[${want.join(', ')}] as in the base model`);
    }
  }
  const missing = plan.trainable.filter((n) => !trained.has(n));
  if (missing.length > 0) throw new ValidationError(`${field} tensors`, missing, `every trainable tensor of ${plan.method.kind}`);
}
