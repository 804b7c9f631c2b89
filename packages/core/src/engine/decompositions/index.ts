/**
 * The decomposition table: one entry per composite op, exhaustive by type. Not the pass (passes/).
 */
import type { CompositeKind } from '../ops.js';
import { decomposeAttention } from './attention.js';
import type { Decomposition } from './decomposition.js';
import { decomposeGelu } from './gelu.js';
import { decomposeLayerNorm } from './layer-norm.js';
import { decomposeLogSoftmax } from './log-softmax.js';
import { decomposeSoftmax } from './softmax.js';

export type { Decomposition } from './decomposition.js';

export const DECOMPOSITIONS: { readonly [K in CompositeKind]: Decomposition<K> } = {
  softmax: decomposeSoftmax,
  logSoftmax: decomposeLogSoftmax,
  layerNorm: decomposeLayerNorm,
  gelu: decomposeGelu,
  attention: decomposeAttention,
};
