/**
 * The decomposition table: one entry per composite op, exhaustive by type — the forward composites
 * and the backward composites their gradient rules emit. Not the pass (passes/).
 */
import type { CompositeKind } from '../ops.js';
import { decomposeAdamMoment, decomposeAdamwParam } from './adamw.js';
import { decomposeAttentionGrad } from './attention-grad.js';
import { decomposeAttention } from './attention.js';
import type { Decomposition } from './decomposition.js';
import { decomposeGeluGrad } from './gelu-grad.js';
import { decomposeGelu } from './gelu.js';
import { decomposeLayerNormGrad } from './layer-norm-grad.js';
import { decomposeLayerNorm } from './layer-norm.js';
import { decomposeLogSoftmaxGrad } from './log-softmax-grad.js';
import { decomposeLogSoftmax } from './log-softmax.js';
import { decomposeSoftmaxGrad } from './softmax-grad.js';
import { decomposeSoftmax } from './softmax.js';

export type { Decomposition } from './decomposition.js';

export const DECOMPOSITIONS: { readonly [K in CompositeKind]: Decomposition<K> } = {
  softmax: decomposeSoftmax,
  logSoftmax: decomposeLogSoftmax,
  layerNorm: decomposeLayerNorm,
  gelu: decomposeGelu,
  attention: decomposeAttention,
  geluGrad: decomposeGeluGrad,
  softmaxGrad: decomposeSoftmaxGrad,
  logSoftmaxGrad: decomposeLogSoftmaxGrad,
  layerNormGrad: decomposeLayerNormGrad,
  attentionGrad: decomposeAttentionGrad,
  adamMoment: decomposeAdamMoment,
  adamwParam: decomposeAdamwParam,
};
