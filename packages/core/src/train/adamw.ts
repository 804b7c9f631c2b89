/**
 * AdamW as graph nodes, so the update runs on whichever backend runs the model (and can be appended
 * to the training graph to make one executable per step). The semantics are torch.optim.AdamW's
 * (torch 1.13 `_single_tensor_adamw`, which the golden fixtures used), for step t = i + 1:
 *
 *   p ← p · (1 − lr·wd)                                   decoupled weight decay, every trainable tensor
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * β1, β2, ε and wd are fixed when the graph is built (they never change during a run); lr and the two
 * bias corrections 1 − β1ᵗ, 1 − β2ᵗ change every step and are fed as scalar `data` inputs
 * (`adamwScalarFeeds`), so one compiled graph serves the whole run. Moments are `state` inputs named
 * `adamw.m.<param>` / `adamw.v.<param>`. Each updated value is an output that declares the input it
 * replaces (`updates`, the contract a trainer and a backend act on) and, for readability, also carries
 * that input's name (output `layers.0.mlp.dense_h_to_4h.weight` updates that parameter).
 *
 * Not a parameter-group system (one setting for every trainable tensor, as the paper) and not a
 * gradient clipper (the paper clips nothing).
 */
import { z } from 'zod';
import { GraphBuilder, type Tensor } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import { GraphError } from '../engine/errors.js';
import type { Graph } from '../engine/graph.js';
import { gradOutputName } from '../engine/grad.js';
import { type HostTensor, hostTensor, scalarTensor } from '../engine/host-tensor.js';
import { sizeOf, type Shape } from '../engine/shape.js';
import { expect, validate } from '../validate.js';

export interface AdamWOptions {
  /** Decoupled weight decay, applied to every trainable tensor. Default 0.1 (the paper's). */
  readonly weightDecay?: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8. */
  readonly eps?: number;
}

export type ResolvedAdamWOptions = Required<AdamWOptions>;

export const DEFAULT_ADAMW: ResolvedAdamWOptions = Object.freeze({ weightDecay: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });

const unitInterval = (what: string) =>
  z.number(expect(`a number in [0, 1) ${what}`)).refine((x) => x >= 0 && x < 1, { error: `a number in [0, 1) ${what}` });

export const AdamWOptionsSchema = z
  .object({
    weightDecay: z.number(expect('a finite number ≥ 0')).refine((x) => Number.isFinite(x) && x >= 0, { error: 'a finite number ≥ 0' }).default(DEFAULT_ADAMW.weightDecay),
    beta1: unitInterval('(β1)').default(DEFAULT_ADAMW.beta1),
    beta2: unitInterval('(β2)').default(DEFAULT_ADAMW.beta2),
    eps: z.number(expect('a positive finite number')).refine((x) => Number.isFinite(x) && x > 0, { error: 'a positive finite number' }).default(DEFAULT_ADAMW.eps),
  })
  .strict();

export function resolveAdamWOptions(options: AdamWOptions = {}, field = 'optimizer'): ResolvedAdamWOptions {
  return validate(AdamWOptionsSchema, options, field);
}

/** The scalar data inputs every AdamW graph has (f-dtype, shape []). */
export const ADAMW_INPUTS = {
  learningRate: 'adamw.lr',
  biasCorrection1: 'adamw.bias_correction1',
  biasCorrection2: 'adamw.bias_correction2',
} as const;

export type MomentKind = 'm' | 'v';

/** `adamw.m.<param>` / `adamw.v.<param>`: the state input (and output) holding a moment. */
export function momentName(kind: MomentKind, param: string): string {
  return `adamw.${kind}.${param}`;
}

/** One tensor the optimiser updates: its parameter and gradient as tensors of the same builder. */
export interface AdamWTarget {
  readonly name: string;
  readonly param: Tensor;
  readonly grad: Tensor;
}

/**
 * Adds the AdamW update of `targets` to builder `b`: declares the three scalar inputs (once) and the
 * m/v state inputs, and outputs the new parameter, m and v under the names in the file header.
 * All nodes are built under scope `optimizer.<param>`.
 */
export function addAdamWUpdate(b: GraphBuilder, targets: readonly AdamWTarget[], options: AdamWOptions = {}): void {
  const { weightDecay, beta1, beta2, eps } = resolveAdamWOptions(options);
  const dtype = b.floatDType;
  const lr = b.data(ADAMW_INPUTS.learningRate, [], dtype); //                          []
  const bc1 = b.data(ADAMW_INPUTS.biasCorrection1, [], dtype); //                      []
  const bc2 = b.data(ADAMW_INPUTS.biasCorrection2, [], dtype); //                      []
  // Per-step scalars shared by every tensor: computed once, as torch computes them once per step.
  const [decay, stepSize, bc2Sqrt] = b.scope('optimizer', () => [
    b.sub(1, b.mul(lr, weightDecay)), //                                                 1 − lr·wd
    b.div(lr, bc1), //                                                                   lr / (1 − β1ᵗ)
    b.sqrt(bc2), //                                                                      √(1 − β2ᵗ)
  ]);
  for (const t of targets) {
    if (t.param.dtype !== dtype || t.grad.dtype !== dtype || !sameDims(t.param.shape, t.grad.shape)) {
      throw new GraphError(`AdamW target ${t.name}`, `param ${t.param.dtype}[${t.param.shape}], grad ${t.grad.dtype}[${t.grad.shape}]`, `both ${dtype} of one shape`);
    }
    const m = b.state(momentName('m', t.name), t.param.shape, dtype); //                 [...]
    const v = b.state(momentName('v', t.name), t.param.shape, dtype); //                 [...]
    b.scope(`optimizer.${t.name}`, () => {
      // Three composites (engine/decompositions/adamw.ts has their chains): a backend may run each
      // tensor's update as one pass over memory.
      const m1 = b.node('adamMoment', [m, t.grad], { beta: beta1, squared: false }); //    [...]
      const v1 = b.node('adamMoment', [v, t.grad], { beta: beta2, squared: true }); //     [...]
      const p1 = b.node('adamwParam', [t.param, m1, v1, decay, stepSize, bc2Sqrt], { eps }); // [...]
      b.output(t.name, p1, { updates: t.param });
      b.output(momentName('m', t.name), m1, { updates: m });
      b.output(momentName('v', t.name), v1, { updates: v });
    });
  }
}

/** A parameter to optimise in a standalone AdamW graph. */
export interface AdamWParameter {
  readonly name: string;
  readonly shape: Shape;
}

/**
 * A standalone optimiser graph: inputs are each parameter (`param`), its gradient as data input
 * `grad:<name>`, its two moments (`state`) and the three scalars; outputs are the updated values.
 * Use it when gradients come from elsewhere; the trainer instead appends the update to the training
 * graph (`appendAdamW`) so gradients never leave the backend.
 */
export function buildAdamWGraph(parameters: readonly AdamWParameter[], options: AdamWOptions & { readonly dtype?: FloatDType } = {}): Graph {
  const { dtype, ...adam } = options;
  const b = new GraphBuilder({ dtype: dtype ?? 'f32' });
  const targets = parameters.map((p) => ({ name: p.name, param: b.param(p.name, p.shape), grad: b.data(gradOutputName(p.name), p.shape, b.floatDType) }));
  addAdamWUpdate(b, targets, adam);
  return b.build();
}

/**
 * The training graph with the AdamW update of `trainable` appended: each gradient is taken from the
 * graph's `grad:<name>` output, and those outputs are dropped (the new parameters replace them), so a
 * backend returns only the loss, the scores and the updated tensors. Other outputs are kept.
 */
export function appendAdamW(graph: Graph, trainable: readonly string[], options: AdamWOptions = {}): Graph {
  const b = GraphBuilder.from(graph);
  const targets = trainable.map((name) => {
    const gradOutput = graph.outputs.find((o) => o.name === gradOutputName(name));
    if (!gradOutput) throw new GraphError(`trainable parameter ${name}`, 'no gradient output', `an output ${gradOutputName(name)} (build the graph with grad)`);
    return { name, param: b.value(name), grad: b.value(gradOutput.value) };
  });
  addAdamWUpdate(b, targets, options);
  const built = b.build();
  const dropped = new Set(trainable.map(gradOutputName));
  return Object.freeze({ ...built, outputs: Object.freeze(built.outputs.filter((o) => !dropped.has(o.name))) });
}

/** The three scalar feeds for 0-based step `step` at learning rate `lr` (bias corrections use t = step + 1). */
export function adamwScalarFeeds(step: number, lr: number, dtype: FloatDType, options: AdamWOptions = {}): Record<string, HostTensor> {
  const { beta1, beta2 } = resolveAdamWOptions(options);
  const t = step + 1;
  return {
    [ADAMW_INPUTS.learningRate]: scalarTensor(lr, dtype),
    [ADAMW_INPUTS.biasCorrection1]: scalarTensor(1 - beta1 ** t, dtype),
    [ADAMW_INPUTS.biasCorrection2]: scalarTensor(1 - beta2 ** t, dtype),
  };
}

/** Zero moments for every tensor of `params` (AdamW's starting state). */
export function zeroMoments(params: ReadonlyMap<string, HostTensor>, names: Iterable<string>): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const name of names) {
    const p = params.get(name);
    if (!p) throw new GraphError(`trainable parameter ${name}`, 'nothing', 'a tensor in the parameter map');
    out.set(momentName('m', name), hostTensor(p.dtype, p.shape));
    out.set(momentName('v', name), hostTensor(p.dtype, p.shape));
  }
  return out;
}

function sameDims(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]) && sizeOf(a) === sizeOf(b);
}
