/**
 * GradCache's middle step as a graph: the paper's loss on embeddings alone. Inputs are the pooled
 * (not yet normalised) query and positive embeddings Q, P [B, C] of the whole batch; outputs are the
 * loss and its gradients dL/dQ, dL/dP — the "representation gradient" cache of Gao et al. 2021
 * (Scaling Deep Contrastive Learning Batch Size under Memory Limited Setup). The head is the same
 * code as the training graph's (l2Normalize, similarityScores, symmetricInfoNce), so the loss is the
 * same function of the embeddings.
 *
 * Shapes: B pairs, C hidden size. Not the model (chunk-backward-graph.ts) and not the loop (grad-cache.ts).
 */
import { GraphBuilder } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import type { Graph } from '../engine/graph.js';
import { grad, gradOutputName } from '../engine/grad.js';
import { DEFAULT_INVERSE_TEMPERATURE, similarityScores, symmetricInfoNce } from '../model/info-nce.js';
import { l2Normalize } from '../model/pooling.js';

export const EMBEDDING_LOSS_INPUTS = { query: 'query.embedding', positive: 'positive.embedding' } as const;
export const EMBEDDING_LOSS_OUTPUTS = {
  loss: 'loss',
  queryGradient: gradOutputName(EMBEDDING_LOSS_INPUTS.query),
  positiveGradient: gradOutputName(EMBEDDING_LOSS_INPUTS.positive),
} as const;

export function buildEmbeddingLossGraph(B: number, C: number, options: { readonly dtype?: FloatDType; readonly inverseTemperature?: number } = {}): Graph {
  const dtype = options.dtype ?? 'f32';
  const b = new GraphBuilder({ dtype });
  const q = b.data(EMBEDDING_LOSS_INPUTS.query, [B, C], dtype); //                       [B, C]
  const p = b.data(EMBEDDING_LOSS_INPUTS.positive, [B, C], dtype); //                    [B, C]
  const scores = similarityScores(b, l2Normalize(b, q), l2Normalize(b, p), options.inverseTemperature ?? DEFAULT_INVERSE_TEMPERATURE); // [B, B]
  b.output(EMBEDDING_LOSS_OUTPUTS.loss, symmetricInfoNce(b, scores)); //                 []
  return grad(b.build(), { loss: EMBEDDING_LOSS_OUTPUTS.loss, wrt: [EMBEDDING_LOSS_INPUTS.query, EMBEDDING_LOSS_INPUTS.positive] });
}
