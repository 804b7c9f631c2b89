/**
 * GradCache's last step as a graph: one mini-batch of sequences re-run through the model with the
 * upstream gradient G = dL/dE of its pooled embeddings E [m, C] (from embedding-loss-graph.ts). The
 * surrogate loss ⟨E, G⟩ = Σ E ⊙ G has dsurrogate/dθ = Σᵢ (dL/dEᵢ)·(dEᵢ/dθ), the chain rule's share of
 * this mini-batch in dL/dθ; summing over mini-batches (queries and positives) gives the full-batch
 * gradient exactly, while only one mini-batch's activations are alive at a time.
 *
 * Shapes: m sequences, T tokens, C hidden size. Not the forward-only pass (buildEmbeddingGraph is).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { GraphBuilder } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import type { Graph } from '../engine/graph.js';
import { grad } from '../engine/grad.js';
import type { FineTuningMethod } from '../methods/method.js';
import { EMBEDDING_INPUTS } from '../model/embedding-graph.js';
import { modelFamily } from '../model/model-family.js';
import { type MethodOptions, type MethodPlan, methodPlan } from '../model/method-plan.js';
import { declareWeights } from '../model/model-weights.js';
import { type Pooling, pool } from '../model/pooling.js';

export const UPSTREAM_INPUT = 'embedding.upstream_gradient';
const SURROGATE = 'surrogate';

export interface ChunkBackwardGraph {
  /** Inputs: input_ids, attention_mask [m, T] i32, upstream [m, C], parameters, adapters. Outputs: surrogate, grad:<trainable>. */
  readonly graph: Graph;
  readonly plan: MethodPlan;
}

export function buildChunkBackwardGraph(
  arch: ModelArchitecture,
  method: FineTuningMethod,
  shape: { readonly m: number; readonly T: number },
  options: MethodOptions & { readonly dtype?: FloatDType; readonly pooling?: Pooling } = {},
): ChunkBackwardGraph {
  const plan = methodPlan(arch, method, { loraEmbedIn: options.loraEmbedIn });
  const dtype = options.dtype ?? 'f32';
  const b = new GraphBuilder({ dtype });
  const ids = b.data(EMBEDDING_INPUTS.ids, [shape.m, shape.T]); //                     [m, T] i32
  const mask = b.data(EMBEDDING_INPUTS.mask, [shape.m, shape.T]); //                   [m, T] i32
  const upstream = b.data(UPSTREAM_INPUT, [shape.m, arch.hiddenSize], dtype); //       [m, C]
  const hidden = modelFamily(arch).forward(b, arch, declareWeights(b, plan), ids, mask); // [m, T, C] (GPT-NeoX or Llama family)
  const embedding = b.scope('pool', () => pool(b, hidden, mask, options.pooling ?? 'mean')); // [m, C]
  b.output(SURROGATE, b.sum(b.mul(embedding, upstream))); //                           []
  return { graph: grad(b.build(), { loss: SURROGATE, wrt: plan.trainable }), plan };
}
