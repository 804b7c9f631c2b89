/**
 * The weights as the forward sees them: graph `param` inputs for every checkpoint parameter (HF
 * names) and every adapter of a method plan, plus the two operations a method may rewrite — a Linear
 * module (with its bias when the layout has one: GPT-NeoX always, Llama-family where the config says)
 * and the token-embedding lookup (`embed_in` or `embed_tokens`, the plan's `embedding`). Declaring
 * every input up front, in layout order, keeps the feed contract stable and lets two forward passes (query and positive) share one set of weights.
 *
 * Shapes: x [..., in] → [..., out]; ids [B, T] → [B, T, C]. Not the forward itself (gpt-neox.ts, llama.ts).
 */
import type { GraphBuilder, Tensor } from '../engine/builder.js';
import { GraphError } from '../engine/errors.js';
import type { LoraLinear, MethodPlan } from './method-plan.js';

export interface ModelWeights {
  /** A parameter (checkpoint or adapter name) as a graph tensor. */
  param(name: string): Tensor;
  /** The Linear module `module` (full name, e.g. `layers.0.attention.dense`) applied to x: [..., in] → [..., out]; its bias if the layout has one. */
  linear(module: string, x: Tensor): Tensor;
  /** The token-embedding lookup (`plan.embedding`): ids [B, T] i32 → [B, T, C]. */
  embed(ids: Tensor): Tensor;
}

/** Declares the plan's parameters (checkpoint layout, then adapters) as `param` inputs of `b`. */
export function declareWeights(b: GraphBuilder, plan: MethodPlan): ModelWeights {
  const tensors = new Map<string, Tensor>();
  for (const p of [...plan.parameters, ...plan.adapters]) tensors.set(p.name, b.param(p.name, p.shape));
  const param = (name: string): Tensor => {
    const t = tensors.get(name);
    if (!t) throw new GraphError('parameter name', name, 'a parameter of the model layout or the method plan');
    return t;
  };
  const lora = plan.lora;
  const adapted = new Map<string, LoraLinear>((lora?.linears ?? []).map((l) => [l.module, l]));

  const linear = (module: string, x: Tensor): Tensor => {
    const bias = tensors.get(`${module}.bias`);
    const y = b.linear(x, param(`${module}.weight`), bias); //                      [..., out]
    const l = adapted.get(module);
    if (!l || !lora) return y;
    // PEFT's unmerged form: base(x) + scale·B(A(x)); with B = 0 the sum is exactly the base output.
    return b.scope('lora', () => {
      const down = b.linear(x, param(l.a)); //                                      [..., r]
      const up = b.linear(down, param(l.b)); //                                     [..., out]
      return b.add(y, b.mul(up, lora.scale)); //                                    [..., out]
    });
  };

  const embed = (ids: Tensor): Tensor => {
    const x = b.gather(param(`${plan.embedding}.weight`), ids); //                  [B, T, C]
    const e = lora?.embedIn;
    if (!e || !lora) return x;
    return b.scope('lora', () => {
      const aRows = b.transpose(param(e.a), [1, 0]); //                              [V, r]
      const down = b.gather(aRows, ids); //                                          [B, T, r]
      const up = b.linear(down, param(e.b)); //                                      [B, T, C]
      return b.add(x, b.mul(up, lora.scale)); //                                     [B, T, C]
    });
  };

  return { param, linear, embed };
}
