/**
 * Embedding through any resident-capable Backend (this package's, in-process or in a worker): token-id
 * sequences → one pooled embedding each, optionally L2-normalised. Sequences are sorted by length and
 * cut into batches of `batchSize`; each batch is padded only to its own longest sequence, rounded up to
 * a multiple of `bucket` tokens so few shapes are compiled (one executable per (B, T), cached), and so
 * little compute goes to padding on a mix of lengths. Weights are uploaded once and stay resident.
 * Results come back in input order. Not a tokenizer and not a corpus pipeline.
 */
import { z } from 'zod';
import { ValidationError, type FineTuningMethod, type ModelArchitecture } from '@repurpose/core';
import {
  type Backend,
  buildEmbeddingGraph,
  castParameters,
  EMBEDDING_INPUTS,
  EMBEDDING_OUTPUTS,
  type Executable,
  type Feed,
  type FloatDType,
  hostTensor,
  type HostTensor,
  parameterFeeds,
  type ParameterMap,
  type Pooling,
} from '@repurpose/core/engine';

export interface EmbedderOptions {
  readonly architecture: ModelArchitecture;
  /** Every parameter of the model (HF names); with LoRA unmerged, `adapters` too. */
  readonly parameters: ParameterMap;
  readonly adapters?: ParameterMap;
  readonly method?: FineTuningMethod;
  readonly loraEmbedIn?: boolean;
  readonly dtype?: FloatDType;
  readonly pooling?: Pooling;
  /** L2-normalise each embedding. Default false. */
  readonly normalize?: boolean;
  /** Sequences per run. Default 32. */
  readonly batchSize?: number;
  /** Pad each batch's length up to a multiple of this. Default 8. */
  readonly bucket?: number;
  /** Pad id (masked out). Default 0. */
  readonly padId?: number;
}

export interface Embedder {
  embed(sequences: readonly (readonly number[])[]): Promise<Float32Array[]>;
  /** Shapes compiled so far, as `BxT`. */
  readonly shapes: readonly string[];
  dispose(): void;
}

const Schema = z.object({
  batchSize: z.number().int().min(1, { error: () => 'a positive integer' }).default(32),
  bucket: z.number().int().min(1, { error: () => 'a positive integer' }).default(8),
  padId: z.number().int().min(0, { error: () => 'a non-negative integer' }).default(0),
  normalize: z.boolean().default(false),
  dtype: z.enum(['f32', 'f64']).default('f32'),
});

export async function createEmbedder(backend: Backend, options: EmbedderOptions): Promise<Embedder> {
  const parsed = Schema.safeParse({ batchSize: options.batchSize, bucket: options.bucket, padId: options.padId, normalize: options.normalize, dtype: options.dtype });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    throw new ValidationError(`options.${key}`, (options as unknown as Record<string, unknown>)[key], issue.message);
  }
  const o = parsed.data;
  const arch = options.architecture;
  const graphOptions = {
    dtype: o.dtype as FloatDType,
    normalized: o.normalize,
    ...(options.method ? { method: options.method } : {}),
    ...(options.loraEmbedIn !== undefined ? { loraEmbedIn: options.loraEmbedIn } : {}),
    ...(options.pooling ? { pooling: options.pooling } : {}),
  };
  const output = o.normalize ? EMBEDDING_OUTPUTS.normalized : EMBEDDING_OUTPUTS.embedding;
  const first = buildEmbeddingGraph(arch, { B: 1, T: 1 }, graphOptions).graph;
  const hostParams = parameterFeeds(first, castParameters(options.parameters, o.dtype), options.adapters ? castParameters(options.adapters, o.dtype) : new Map());
  const weights: Record<string, Feed> = {};
  for (const [name, t] of Object.entries(hostParams)) weights[name] = backend.support.resident && backend.upload ? await backend.upload(t) : t;
  const executables = new Map<string, Executable>();

  const executableFor = async (B: number, T: number) => {
    const key = `${B}x${T}`;
    let exe = executables.get(key);
    if (!exe) {
      exe = await backend.compile(buildEmbeddingGraph(arch, { B, T }, graphOptions).graph);
      executables.set(key, exe);
    }
    return exe;
  };

  return {
    get shapes() {
      return [...executables.keys()];
    },
    embed: async (sequences) => {
      sequences.forEach((s, i) => {
        if (!Array.isArray(s) || s.length === 0) throw new ValidationError(`sequences.${i}`, s, 'a non-empty array of token ids');
        s.forEach((id, j) => {
          if (!Number.isInteger(id) || id < 0 || id >= arch.vocabSize) throw new ValidationError(`sequences.${i}.${j}`, id, `a token id in [0, ${arch.vocabSize - 1}]`);
        });
      });
      const order = sequences.map((s, i) => i).sort((a, b) => sequences[a]!.length - sequences[b]!.length);
      const results: Float32Array[] = new Array(sequences.length);
      for (let start = 0; start < order.length; start += o.batchSize) {
        const rows = order.slice(start, start + o.batchSize);
        const longest = Math.max(...rows.map((i) => sequences[i]!.length));
        const T = Math.ceil(longest / o.bucket) * o.bucket;
        const B = rows.length;
        const ids = new Int32Array(B * T).fill(o.padId);
        const mask = new Int32Array(B * T);
        rows.forEach((seq, r) => {
          const s = sequences[seq]!;
          for (let t = 0; t < s.length; t++) {
            ids[r * T + t] = s[t]!;
            mask[r * T + t] = 1;
          }
        });
        const exe = await executableFor(B, T);
        const out = await exe.run({ ...weights, [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], ids), [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], mask) });
        const e = out[output] as HostTensor;
        const C = e.shape[1]!;
        rows.forEach((seq, r) => (results[seq] = Float32Array.from(e.data.subarray(r * C, (r + 1) * C))));
      }
      return results;
    },
    dispose: () => {
      for (const exe of executables.values()) exe.dispose();
      executables.clear();
      // release is the contract's (optional) way to free resident tensors early.
      const release = (backend as { release?: (t: Feed) => void }).release;
      for (const w of Object.values(weights)) if ('kind' in w && release) release.call(backend, w);
    },
  };
}
