/**
 * GradCache (Gao et al. 2021): the gradient of the full-batch symmetric InfoNCE in the memory of one
 * mini-batch. Three passes over a batch of B pairs, mini-batches of m sequences:
 *   1. embed queries and positives m at a time, forward only (no activations kept)  → Q, P [B, C];
 *   2. loss and dL/dQ, dL/dP on the embeddings alone (embedding-loss-graph.ts)      → loss, G;
 *   3. re-run each mini-batch with its slice of G as upstream gradient and sum the parameter
 *      gradients (chunk-backward-graph.ts)                                          → dL/dθ.
 * The result equals the full-batch gradient up to float summation order (tested in f64 to 1e-10).
 * Costs one extra forward per sequence (the paper's accounting does not count it).
 *
 * Standalone over any Backend: gradients come back to the host as tensors. The trainer's GradCache
 * (train/grad-cache-step.ts, option `miniBatch`) uses the same graphs but keeps parameters, moments
 * and gradient sums on the device; not a memory planner (the caller picks m; memory/mini-batch.ts can).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { Backend, Executable } from '../engine/backend.js';
import type { FloatDType } from '../engine/dtype.js';
import { gradOutputName } from '../engine/grad.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { ValidationError } from '../errors.js';
import type { FineTuningMethod } from '../methods/method.js';
import { EMBEDDING_INPUTS, EMBEDDING_OUTPUTS, buildEmbeddingGraph } from '../model/embedding-graph.js';
import { methodPlan } from '../model/method-plan.js';
import { type ParameterMap, parameterFeeds } from '../model/parameter-map.js';
import type { Pooling } from '../model/pooling.js';
import { padSequences } from '../train/batch.js';
import type { TokenPair } from '../train/pairs.js';
import { EMBEDDING_LOSS_INPUTS, EMBEDDING_LOSS_OUTPUTS, buildEmbeddingLossGraph } from './embedding-loss-graph.js';
import { UPSTREAM_INPUT, buildChunkBackwardGraph } from './chunk-backward-graph.js';

export interface GradCacheOptions {
  readonly backend: Backend;
  readonly architecture: ModelArchitecture;
  readonly method: FineTuningMethod;
  readonly parameters: ParameterMap;
  readonly adapters?: ParameterMap;
  /** B pairs a batch; queries padded to Tq, positives to Tp (as padBatch pads). */
  readonly batch: { readonly B: number; readonly Tq: number; readonly Tp: number };
  /** m: sequences per mini-batch, 1..B. */
  readonly miniBatch: number;
  readonly dtype?: FloatDType;
  readonly padId?: number;
  readonly pooling?: Pooling;
  readonly inverseTemperature?: number;
  readonly loraEmbedIn?: boolean;
}

export interface GradCacheResult {
  readonly loss: number;
  /** dL/dθ for every trainable parameter (and adapter), by name. */
  readonly gradients: ReadonlyMap<string, HostTensor>;
}

export interface GradCache {
  readonly trainable: readonly string[];
  /** Loss and full-batch gradients of exactly B pairs. */
  step(pairs: readonly TokenPair[]): Promise<GradCacheResult>;
}

export async function createGradCache(options: GradCacheOptions): Promise<GradCache> {
  const { backend, architecture: arch, method, batch } = options;
  const { B, Tq, Tp } = batch;
  const m = options.miniBatch;
  if (!Number.isInteger(m) || m < 1 || m > B) throw new ValidationError('options.miniBatch', m, `an integer in 1..B = ${B}`);
  const dtype = options.dtype ?? 'f32';
  const C = arch.hiddenSize;
  const padId = options.padId ?? 0;
  const graphOptions = { dtype, loraEmbedIn: options.loraEmbedIn, ...(options.pooling ? { pooling: options.pooling } : {}) };
  const maps = options.adapters ? [options.parameters, options.adapters] : [options.parameters];

  // One executable per (pass, T, rows): the last mini-batch may be shorter when m does not divide B.
  const compiled = new Map<string, Promise<Executable>>();
  const executable = (key: string, build: () => Parameters<Backend['compile']>[0]) => compiled.get(key) ?? compiled.set(key, backend.compile(build())).get(key)!;
  const forward = (rows: number, T: number) => executable(`forward:${rows}:${T}`, () => buildEmbeddingGraph(arch, { B: rows, T }, { ...graphOptions, method }).graph);
  const backward = (rows: number, T: number) => executable(`backward:${rows}:${T}`, () => buildChunkBackwardGraph(arch, method, { m: rows, T }, graphOptions).graph);
  const lossExe = executable('loss', () => buildEmbeddingLossGraph(B, C, { dtype, ...(options.inverseTemperature ? { inverseTemperature: options.inverseTemperature } : {}) }));
  const trainable = methodPlan(arch, method, { loraEmbedIn: options.loraEmbedIn }).trainable;
  const chunks = Array.from({ length: Math.ceil(B / m) }, (_, k) => [k * m, Math.min(B, (k + 1) * m)] as const);

  const side = (rows: readonly (readonly number[])[], T: number, field: string) => padSequences(rows, T, padId, field, arch.vocabSize);
  const sliceRows = (t: HostTensor, from: number, to: number): HostTensor => {
    const width = t.shape[1]!;
    return hostTensor(t.dtype, [to - from, width], t.data.subarray(from * width, to * width));
  };

  return {
    trainable,
    step: async (pairs) => {
      if (pairs.length !== B) throw new ValidationError('pairs', `${pairs.length} pairs`, `exactly B = ${B} pairs`);
      const sides = [
        { ...side(pairs.map((p) => p.query), Tq, 'batch.query'), T: Tq, input: EMBEDDING_LOSS_INPUTS.query, gradient: EMBEDDING_LOSS_OUTPUTS.queryGradient },
        { ...side(pairs.map((p) => p.positive), Tp, 'batch.positive'), T: Tp, input: EMBEDDING_LOSS_INPUTS.positive, gradient: EMBEDDING_LOSS_OUTPUTS.positiveGradient },
      ];
      // 1. Embeddings, m sequences at a time, forward only.
      const embeddings: Record<string, HostTensor> = {};
      for (const s of sides) {
        const all = hostTensor(dtype, [B, C]);
        for (const [from, to] of chunks) {
          const exe = await forward(to - from, s.T);
          const out = await exe.run({ [EMBEDDING_INPUTS.ids]: sliceRows(s.ids, from, to), [EMBEDDING_INPUTS.mask]: sliceRows(s.mask, from, to), ...parameterFeeds(exe.graph, ...maps) });
          all.data.set(out[EMBEDDING_OUTPUTS.embedding]!.data, from * C);
        }
        embeddings[s.input] = all;
      }
      // 2. Loss and the gradient cache dL/dQ, dL/dP.
      const head = await (await lossExe).run(embeddings);
      // 3. Re-run each mini-batch with its upstream gradient; sum parameter gradients.
      const sums = new Map<string, HostTensor>();
      for (const s of sides) {
        for (const [from, to] of chunks) {
          const exe = await backward(to - from, s.T);
          const out = await exe.run({
            [EMBEDDING_INPUTS.ids]: sliceRows(s.ids, from, to),
            [EMBEDDING_INPUTS.mask]: sliceRows(s.mask, from, to),
            [UPSTREAM_INPUT]: sliceRows(head[s.gradient]!, from, to),
            ...parameterFeeds(exe.graph, ...maps),
          });
          for (const name of trainable) {
            const g = out[gradOutputName(name)]!;
            const sum = sums.get(name);
            if (!sum) sums.set(name, hostTensor(g.dtype, g.shape, g.data));
            else for (let i = 0; i < g.data.length; i++) sum.data[i]! += g.data[i]!;
          }
        }
      }
      return { loss: head[EMBEDDING_LOSS_OUTPUTS.loss]!.data[0]!, gradients: sums };
    },
  };
}
