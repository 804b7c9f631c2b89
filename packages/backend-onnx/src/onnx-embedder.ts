/**
 * `createOnnxEmbedder`: the fast embedding path on ONNX Runtime. One InferenceSession on the same
 * model `exportOnnxModel` writes (export/gpt-neox-onnx.ts: dynamic batch and length axes), with the
 * masked mean pooling and the optional normalisation inside the graph, and the weights as
 * initializers — ORT prepacks initializer weights for its MatMuls (measured 215 vs 333 ms per
 * pythia-70m-sized MatMul against weights fed as inputs, docs/onnx.md), which graph-input weights
 * cannot get. Sequences are sorted by length and cut into batches of `batchSize`, each padded only to
 * its own longest (rounded up to `bucket`), so little compute goes to padding; results come back in
 * input order. The same `Embedder` interface as `createEmbedder` (embed.ts), which runs any Backend's
 * compiled graph per (B, T) and remains the path for non-ONNX backends and f64.
 *
 * Not for training (the weights are baked into the session), f32 only, GPT-NeoX only.
 */
import { z } from 'zod';
import { ValidationError, type FineTuningMethod, type ModelArchitecture } from '@repurpose/core';
import type { ParameterMap } from '@repurpose/core/engine';
import type { Embedder } from './embed.js';
import { mergedParameters } from './export/export-files.js';
import { buildGptNeoXOnnx, EXPORT_INPUTS, POOLED_OUTPUT } from './export/gpt-neox-onnx.js';
import { isOrtModule, type OrtModule, type OrtSessionOptions } from './ort-module.js';

export interface OnnxEmbedderOptions {
  /** `import * as ort from 'onnxruntime-node'` (or 'onnxruntime-web'). */
  readonly ort: OrtModule;
  readonly architecture: ModelArchitecture;
  /** Every base parameter (HF names); with LoRA, the adapters too (here or in `adapters`), merged once. */
  readonly parameters: ParameterMap;
  readonly adapters?: ParameterMap;
  readonly method?: FineTuningMethod;
  readonly loraEmbedIn?: boolean;
  /** L2-normalise each embedding. Default false. */
  readonly normalize?: boolean;
  /** Sequences per run. Default 32. */
  readonly batchSize?: number;
  /** Pad each batch's length up to a multiple of this. Default 1 (the session takes any length). */
  readonly bucket?: number;
  /** Pad id (masked out). Default 0. */
  readonly padId?: number;
  readonly threads?: number;
  /** Default ['cpu'] (['wasm'] with onnxruntime-web). */
  readonly executionProviders?: readonly string[];
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
}

const Schema = z.object({
  batchSize: z.number().int().min(1, { error: () => 'a positive integer' }).default(32),
  bucket: z.number().int().min(1, { error: () => 'a positive integer' }).default(1),
  padId: z.number().int().min(0, { error: () => 'a non-negative integer' }).default(0),
  normalize: z.boolean().default(false),
  threads: z.number().int().min(1, { error: () => 'a positive integer' }).optional(),
});

export async function createOnnxEmbedder(options: OnnxEmbedderOptions): Promise<Embedder> {
  if (!isOrtModule(options?.ort)) throw new ValidationError('options.ort', options?.ort, "an ONNX Runtime module (import * as ort from 'onnxruntime-node' or 'onnxruntime-web')");
  const parsed = Schema.safeParse({ batchSize: options.batchSize, bucket: options.bucket, padId: options.padId, normalize: options.normalize, threads: options.threads });
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]!.path[0]);
    throw new ValidationError(`options.${key}`, (options as unknown as Record<string, unknown>)[key], parsed.error.issues[0]!.message);
  }
  const o = parsed.data;
  const { ort, architecture: arch } = options;
  const bytes = buildGptNeoXOnnx(arch, mergedParameters(options), { output: 'pooled', normalize: o.normalize });
  const providers = options.executionProviders ?? ['cpu'];
  const sessionOptions: OrtSessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(o.threads !== undefined ? { intraOpNumThreads: o.threads } : {}),
    ...options.sessionOptions,
  };
  let session: Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ValidationError('options.executionProviders', providers, `execution providers this ONNX Runtime build has (${message})`);
  }
  const shapes = new Set<string>();
  let disposed = false;

  return {
    get shapes() {
      return [...shapes];
    },
    embed: async (sequences) => {
      if (disposed) throw new ValidationError('embedder', 'disposed', 'a live embedder');
      sequences.forEach((s, i) => {
        if (!Array.isArray(s) || s.length === 0) throw new ValidationError(`sequences.${i}`, s, 'a non-empty array of token ids');
        if (s.length > arch.maxPositionEmbeddings) throw new ValidationError(`sequences.${i}`, `${s.length} tokens`, `at most ${arch.maxPositionEmbeddings} tokens (max_position_embeddings)`);
        s.forEach((id, j) => {
          if (!Number.isInteger(id) || id < 0 || id >= arch.vocabSize) throw new ValidationError(`sequences.${i}.${j}`, id, `a token id in [0, ${arch.vocabSize - 1}]`);
        });
      });
      const order = sequences.map((_, i) => i).sort((a, b) => sequences[a]!.length - sequences[b]!.length);
      const results: Float32Array[] = new Array(sequences.length);
      for (let start = 0; start < order.length; start += o.batchSize) {
        const rows = order.slice(start, start + o.batchSize);
        const longest = sequences[rows[rows.length - 1]!]!.length;
        const T = Math.min(Math.ceil(longest / o.bucket) * o.bucket, arch.maxPositionEmbeddings);
        const B = rows.length;
        const ids = new BigInt64Array(B * T).fill(BigInt(o.padId));
        const mask = new BigInt64Array(B * T);
        rows.forEach((seq, r) => {
          const s = sequences[seq]!;
          for (let t = 0; t < s.length; t++) {
            ids[r * T + t] = BigInt(s[t]!);
            mask[r * T + t] = 1n;
          }
        });
        shapes.add(`${B}x${T}`);
        const out = await session.run({ [EXPORT_INPUTS.ids]: new ort.Tensor('int64', ids, [B, T]), [EXPORT_INPUTS.mask]: new ort.Tensor('int64', mask, [B, T]) });
        const e = out[POOLED_OUTPUT]!;
        const data = e.data as Float32Array;
        const C = e.dims[1]!;
        rows.forEach((seq, r) => (results[seq] = data.slice(r * C, (r + 1) * C)));
        e.dispose?.();
      }
      return results;
    },
    dispose: () => {
      disposed = true;
      void session.release();
    },
  };
}
