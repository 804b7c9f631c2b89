/**
 * One training step by GradCache (Gao et al. 2021) on any Backend, with the run's state resident:
 *   1. embed: each side of the batch, m sequences at a time, forward only → Q, P [B, C] on the host
 *      (B·C values a side: the only activations that leave the device);
 *   2. loss: the symmetric InfoNCE of Q, P and its gradients dL/dQ, dL/dP (grad-cache/embedding-loss-graph.ts);
 *   3. backward: each mini-batch re-run with its rows of dL/dE as upstream gradient, adding its
 *      parameter gradients to the running sums `gradcache.sum.<name>` in a graph whose outputs
 *      `updates` the sums (grad-cache/accumulate-graph.ts), so no gradient crosses to the host;
 *   4. apply: AdamW (adamw.ts) on the sums, its outputs replacing parameters and moments by their
 *      `updates` links as the one-graph step does — and the sums by zeros, ready for the next step.
 * The sums start as zeros uploaded once with the rest of the state. One backward graph serves every
 * mini-batch of a shape (no separate "first" graph), which matters on ONNX Runtime, where each
 * session keeps its own memory arena: the process's peak is close to the sum of its sessions' peaks.
 * The gradient equals the whole batch's up to float summation order. Queries and positives run as
 * separate mini-batches (each padded to its side's T), as the one-graph step runs them separately.
 *
 * Not the loop (trainer.ts), not the standalone host-gradient GradCache (grad-cache/grad-cache.ts).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { Feed, RunOptions } from '../engine/backend.js';
import type { Graph } from '../engine/graph.js';
import { GraphBuilder } from '../engine/builder.js';
import { outputUpdates } from '../engine/graph.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { GraphError } from '../engine/errors.js';
import { accumulateGradients, gradientSumName } from '../grad-cache/accumulate-graph.js';
import { UPSTREAM_INPUT, buildChunkBackwardGraph } from '../grad-cache/chunk-backward-graph.js';
import { EMBEDDING_LOSS_INPUTS, EMBEDDING_LOSS_OUTPUTS, buildEmbeddingLossGraph } from '../grad-cache/embedding-loss-graph.js';
import type { FineTuningMethod } from '../methods/method.js';
import { EMBEDDING_INPUTS, EMBEDDING_OUTPUTS, buildEmbeddingGraph } from '../model/embedding-graph.js';
import type { Pooling } from '../model/pooling.js';
import { TRAINING_INPUTS, type TrainingBatchShape } from '../model/training-graph.js';
import { type AdamWOptions, addAdamWUpdate } from './adamw.js';
import type { DeviceTensors } from './device-tensors.js';
import type { ExecutableCache } from './executable-cache.js';

export interface GradCacheStepContext {
  readonly arch: ModelArchitecture;
  readonly method: FineTuningMethod;
  readonly dtype: 'f32' | 'f64';
  readonly pooling: Pooling;
  readonly inverseTemperature: number;
  readonly loraEmbedIn: boolean;
  readonly optimizer: AdamWOptions;
  /** m: pairs per mini-batch. */
  readonly miniBatch: number;
  readonly trainable: readonly string[];
  /** The shape of each trainable tensor (for the AdamW graph). */
  readonly trainableShapes: ReadonlyMap<string, readonly number[]>;
  /** Trainable tensors and both moments, in the order the store carries them. */
  readonly carried: readonly string[];
  readonly cache: ExecutableCache;
  readonly store: DeviceTensors;
}

export interface GradCacheStepResult {
  readonly loss: number;
  /** FLOP of every graph run this step (the extra forward included). */
  readonly graphFlop: number;
}

/** A compile this step caused: the trainer turns it into a `compile` event. */
export interface StepCompile {
  readonly executable: string;
  readonly seconds: number;
}

export async function gradCacheStep(
  ctx: GradCacheStepContext,
  shape: TrainingBatchShape,
  batchFeeds: Readonly<Record<string, HostTensor>>,
  scalars: Readonly<Record<string, HostTensor>>,
  onCompile: (c: StepCompile) => void,
): Promise<GradCacheStepResult> {
  const { arch, method, dtype, store, cache, trainable, miniBatch: m } = ctx;
  const { B } = shape;
  const C = arch.hiddenSize;
  const graphOptions = { dtype, loraEmbedIn: ctx.loraEmbedIn, pooling: ctx.pooling };
  const chunks = Array.from({ length: Math.ceil(B / m) }, (_, k) => [k * m, Math.min(B, (k + 1) * m)] as const);
  const resident = (names: readonly string[]): RunOptions['resident'] => (store.resident ? names : []);
  let graphFlop = 0;

  const executable = async (key: string, build: () => Graph) => {
    const { entry, compiledSeconds } = await cache.get(key, build);
    if (compiledSeconds !== undefined) onCompile({ executable: key, seconds: compiledSeconds });
    graphFlop += entry.graphFlop;
    return entry.exe;
  };
  /** The graph's inputs from `given`, the rest (parameters, moments, sums) from the store. */
  const feedsFor = (graph: Graph, given: Readonly<Record<string, Feed>>): Record<string, Feed> => {
    const feeds: Record<string, Feed> = {};
    for (const input of graph.inputs) feeds[input.id] = given[input.id] ?? store.get(input.id);
    return feeds;
  };

  const sides = [
    { T: shape.Tq, ids: batchFeeds[TRAINING_INPUTS.queryIds]!, mask: batchFeeds[TRAINING_INPUTS.queryMask]!, input: EMBEDDING_LOSS_INPUTS.query, gradient: EMBEDDING_LOSS_OUTPUTS.queryGradient },
    { T: shape.Tp, ids: batchFeeds[TRAINING_INPUTS.positiveIds]!, mask: batchFeeds[TRAINING_INPUTS.positiveMask]!, input: EMBEDDING_LOSS_INPUTS.positive, gradient: EMBEDDING_LOSS_OUTPUTS.positiveGradient },
  ];

  // 1. Embeddings, m sequences at a time, forward only: nothing of the model's activations is kept.
  const embeddings: Record<string, HostTensor> = {};
  for (const side of sides) {
    const all = hostTensor(dtype, [B, C]);
    for (const [from, to] of chunks) {
      const rows = to - from;
      const exe = await executable(`embed ${rows}x${side.T}`, () => buildEmbeddingGraph(arch, { B: rows, T: side.T }, { ...graphOptions, method }).graph);
      const out = await exe.run(feedsFor(exe.graph, { [EMBEDDING_INPUTS.ids]: sliceRows(side.ids, from, to), [EMBEDDING_INPUTS.mask]: sliceRows(side.mask, from, to) }), {
        outputs: [EMBEDDING_OUTPUTS.embedding],
        resident: [],
      });
      all.data.set((await store.take(out[EMBEDDING_OUTPUTS.embedding]!)).data, from * C);
    }
    embeddings[side.input] = all;
  }

  // 2. The loss and the representation gradients dL/dQ, dL/dP (the "cache").
  const lossExe = await executable(`loss ${B}`, () => buildEmbeddingLossGraph(B, C, { dtype, inverseTemperature: ctx.inverseTemperature }));
  const head = await lossExe.run(embeddings, { resident: [] });
  const loss = (await store.take(head[EMBEDDING_LOSS_OUTPUTS.loss]!)).data[0]!;
  const upstream = Object.fromEntries(await Promise.all(sides.map(async (s) => [s.gradient, await store.take(head[s.gradient]!)] as const)));

  // 3. Each mini-batch again, with its rows of the cache as upstream gradient; gradients summed on the device.
  const outputs = trainable.map(gradientSumName);
  for (const side of sides) {
    for (const [from, to] of chunks) {
      const rows = to - from;
      const exe = await executable(`backward ${rows}x${side.T}`, () => accumulateGradients(buildChunkBackwardGraph(arch, method, { m: rows, T: side.T }, graphOptions).graph, trainable));
      const out = await exe.run(
        feedsFor(exe.graph, {
          [EMBEDDING_INPUTS.ids]: sliceRows(side.ids, from, to),
          [EMBEDDING_INPUTS.mask]: sliceRows(side.mask, from, to),
          [UPSTREAM_INPUT]: sliceRows(upstream[side.gradient]!, from, to),
        }),
        { outputs, resident: resident(outputs) },
      );
      for (const name of outputs) store.swap(name, out[name]!);
    }
  }

  // 4. AdamW on the summed gradients; its outputs replace the parameters and moments, and zero the sums.
  const applyExe = await executable('apply', () => buildApplyGraph(trainable.map((name) => ({ name, shape: ctx.trainableShapes.get(name)! })), dtype, ctx.optimizer));
  const links = outputUpdates(applyExe.graph);
  const updates = [...ctx.carried, ...outputs].map((input) => {
    const output = links.get(input);
    if (output === undefined) throw new GraphError('AdamW graph', `no output updating ${input}`, 'an output declaring updates for every trainable tensor and moment');
    return output;
  });
  const applied = await applyExe.run(feedsFor(applyExe.graph, scalars), { outputs: updates, resident: resident(updates) });
  [...ctx.carried, ...outputs].forEach((name, i) => store.swap(name, applied[updates[i]!]!));
  return { loss, graphFlop };
}

/** Zero running sums for every trainable tensor: the state GradCache adds to, uploaded once per run. */
export function zeroGradientSums(trainableShapes: ReadonlyMap<string, readonly number[]>, dtype: 'f32' | 'f64'): Map<string, HostTensor> {
  return new Map([...trainableShapes].map(([name, shape]) => [gradientSumName(name), hostTensor(dtype, shape)]));
}

/**
 * AdamW with the gradients read from the running sums (state inputs), which it then replaces by zeros:
 * outputs the new parameters, moments and sums, each declaring the input it `updates`.
 */
function buildApplyGraph(parameters: readonly { readonly name: string; readonly shape: readonly number[] }[], dtype: 'f32' | 'f64', optimizer: AdamWOptions): Graph {
  const b = new GraphBuilder({ dtype });
  const targets = parameters.map((p) => ({ name: p.name, param: b.param(p.name, p.shape), grad: b.state(gradientSumName(p.name), p.shape) }));
  addAdamWUpdate(b, targets, optimizer);
  for (const t of targets) b.scope(`gradcache.${t.name}`, () => b.output(gradientSumName(t.name), b.zeros(t.param.shape), { updates: t.grad }));
  return b.build();
}

function sliceRows(h: HostTensor, from: number, to: number): HostTensor {
  const width = h.shape[1]!;
  return hostTensor(h.dtype, [to - from, width], h.data.subarray(from * width, to * width));
}
