/**
 * KERNELS: the reference kernel of every op, exhaustive by type — the living definition of what each
 * op computes. Composites have fused kernels here too; `referenceBackend({ composites: [] })` runs
 * their decompositions instead, which is how the two are checked against each other. Every kernel
 * also computes f16 through `halfEmulated` (half-emulation.ts).
 */
import type { OpKind } from '../../engine/ops.js';
import type { Kernel } from '../kernel.js';
import { halfEmulated } from './half-emulation.js';
import { addKernel } from './add.js';
import { attentionGradKernel } from './attention-grad.js';
import { attentionKernel } from './attention.js';
import { broadcastKernel } from './broadcast.js';
import { castKernel } from './cast.js';
import { compareKernel } from './compare.js';
import { concatKernel } from './concat.js';
import { constantKernel } from './constant.js';
import { divKernel } from './div.js';
import { erfKernel } from './erf.js';
import { expKernel } from './exp.js';
import { fillKernel } from './fill.js';
import { gatherKernel } from './gather.js';
import { adamMomentKernel, adamwParamKernel } from './adamw.js';
import { geluGradKernel } from './gelu-grad.js';
import { geluKernel } from './gelu.js';
import { iotaKernel } from './iota.js';
import { layerNormGradKernel } from './layer-norm-grad.js';
import { layerNormKernel } from './layer-norm.js';
import { logSoftmaxKernel } from './log-softmax.js';
import { logKernel } from './log.js';
import { matmulKernel } from './matmul.js';
import { maxKernel } from './max.js';
import { maximumKernel } from './maximum.js';
import { meanKernel } from './mean.js';
import { mulKernel } from './mul.js';
import { negKernel } from './neg.js';
import { padKernel } from './pad.js';
import { reshapeKernel } from './reshape.js';
import { rsqrtKernel } from './rsqrt.js';
import { scatterAddKernel } from './scatter-add.js';
import { sliceKernel } from './slice.js';
import { logSoftmaxGradKernel, softmaxGradKernel } from './softmax-grad.js';
import { softmaxKernel } from './softmax.js';
import { sqrtKernel } from './sqrt.js';
import { subKernel } from './sub.js';
import { sumKernel } from './sum.js';
import { tanhKernel } from './tanh.js';
import { transposeKernel } from './transpose.js';
import { whereKernel } from './where.js';

type KernelTable = { readonly [K in OpKind]: Kernel<K> };

const PLAIN: KernelTable = {
  constant: constantKernel,
  fill: fillKernel,
  iota: iotaKernel,
  add: addKernel,
  sub: subKernel,
  mul: mulKernel,
  div: divKernel,
  maximum: maximumKernel,
  compare: compareKernel,
  neg: negKernel,
  exp: expKernel,
  log: logKernel,
  sqrt: sqrtKernel,
  rsqrt: rsqrtKernel,
  tanh: tanhKernel,
  erf: erfKernel,
  cast: castKernel,
  where: whereKernel,
  matmul: matmulKernel,
  sum: sumKernel,
  max: maxKernel,
  mean: meanKernel,
  reshape: reshapeKernel,
  transpose: transposeKernel,
  broadcast: broadcastKernel,
  slice: sliceKernel,
  pad: padKernel,
  concat: concatKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  layerNorm: layerNormKernel,
  gelu: geluKernel,
  attention: attentionKernel,
  geluGrad: geluGradKernel,
  softmaxGrad: softmaxGradKernel,
  logSoftmaxGrad: logSoftmaxGradKernel,
  layerNormGrad: layerNormGradKernel,
  attentionGrad: attentionGradKernel,
  adamMoment: adamMomentKernel,
  adamwParam: adamwParamKernel,
};

/** The table with f16 emulation around every kernel (half-emulation.ts says how f16 is computed). */
export const KERNELS: KernelTable = Object.fromEntries(
  Object.entries(PLAIN).map(([kind, kernel]) => [kind, halfEmulated(kernel as Kernel<OpKind>)]),
) as unknown as KernelTable;
