/**
 * The causal language-modelling loss of GPT-NeoX, as Hugging Face's GPTNeoXForCausalLM computes it
 * with `labels = input_ids`: logits = final hidden state · embed_outᵀ, and the mean cross-entropy of
 * predicting token t+1 from tokens ≤ t over every position whose target is a real token:
 *
 *   h = GPT-NeoX(ids[:, :T], mask)                                     [B, T, C]
 *   ℓ = log_softmax(h[:, :T−1] · embed_outᵀ)                           [B, T−1, V]
 *   loss = −Σ_{b,t} mask[b, t+1] · ℓ[b, t, ids[b, t+1]] / Σ mask[:, 1:]
 *
 * (HF marks padding in `labels` with −100; a right-padded batch whose mask is 0 on the padding
 * gives the same average.) The target's log-probability is picked with a one-hot made in the graph
 * (iota == target), so no gather along the vocabulary is needed and its gradient is the plain
 * softmax − one-hot.
 *
 * This is what pre-trains the demo's nano model (tools/demo/pretrain.mjs); it is not a generation
 * API (no sampling, no KV cache) and not one of the paper's fine-tuning methods.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { GraphBuilder } from '../engine/builder.js';
import type { Graph } from '../engine/graph.js';
import { grad } from '../engine/grad.js';
import { ValidationError } from '../errors.js';
import { gptNeoXForward } from './gpt-neox.js';
import { methodPlan } from './method-plan.js';
import { declareWeights } from './model-weights.js';
import type { ParameterSpec } from './parameter-layout.js';
import { requireGptNeox } from './engine-architecture.js';

/** Data inputs (i32 [B, T]): token ids, and 1 for real tokens / 0 for right padding. */
export const CAUSAL_LM_INPUTS = { ids: 'input_ids', mask: 'attention_mask' } as const;
export const CAUSAL_LM_LOSS = 'loss';
/** GPTNeoXForCausalLM's untied output projection [V, C]. */
export const EMBED_OUT = 'embed_out.weight';

export interface CausalLmGraph {
  /** Inputs: CAUSAL_LM_INPUTS, then every parameter (the model's and `embed_out.weight`). Outputs: `loss` and `grad:<name>` for each. */
  readonly graph: Graph;
  /** Every parameter, in input order (all are trained in pre-training). */
  readonly parameters: readonly ParameterSpec[];
}

export function buildCausalLmGraph(arch: ModelArchitecture, shape: { readonly B: number; readonly T: number }, options: { readonly dtype?: 'f32' | 'f64' } = {}): CausalLmGraph {
  const neox = requireGptNeox(arch, 'buildCausalLmGraph');
  const { B, T } = shape;
  if (!Number.isInteger(B) || B < 1) throw new ValidationError('shape.B', B, 'an integer ≥ 1 (sequences per batch)');
  if (!Number.isInteger(T) || T < 2) throw new ValidationError('shape.T', T, 'an integer ≥ 2 (tokens per sequence: one to read, one to predict)');
  const V = neox.vocabSize;
  const C = neox.hiddenSize;
  const plan = methodPlan(arch, { kind: 'full' });
  const b = new GraphBuilder({ dtype: options.dtype ?? 'f32' });
  const ids = b.data(CAUSAL_LM_INPUTS.ids, [B, T]); //                                  [B, T] i32
  const mask = b.data(CAUSAL_LM_INPUTS.mask, [B, T]); //                                [B, T] i32
  const w = declareWeights(b, plan);
  const embedOut = b.param(EMBED_OUT, [V, C]); //                                       [V, C]
  const h = gptNeoXForward(b, arch, w, ids, mask); //                                   [B, T, C]
  const loss = b.scope('lm_head', () => {
    const logits = b.linear(b.sliceAxis(h, 1, 0, T - 1), embedOut); //                  [B, T−1, V]
    const logProbs = b.logSoftmax(logits, -1); //                                        [B, T−1, V]
    const targets = b.reshape(b.sliceAxis(ids, 1, 1, T), [B, T - 1, 1]); //               [B, T−1, 1] i32
    const valid = b.cast(b.reshape(b.sliceAxis(mask, 1, 1, T), [B, T - 1, 1]), logits.dtype); // [B, T−1, 1]
    const oneHot = b.where(b.equal(b.iota([B, T - 1, V], 2), targets), b.scalar(1), 0); //          [B, T−1, V]
    const picked = b.sum(b.mul(b.mul(logProbs, oneHot), valid)); //                       []
    return b.div(b.neg(picked), b.maximum(b.sum(valid), 1)); //                          []
  });
  b.output(CAUSAL_LM_LOSS, loss);
  const parameters = [...plan.parameters, { name: EMBED_OUT, shape: [V, C] }];
  const graph = grad(b.build(), { loss: CAUSAL_LM_LOSS, wrt: parameters.map((p) => p.name) });
  return Object.freeze({ graph, parameters });
}
