/**
 * Texts → L2-normalised embeddings on any backend, for evaluation: tokenize (the tokenizer's
 * truncation), sort by length so each batch pads little, run the inference graph
 * (model/embedding-graph.ts) per batch and bring the normalised embeddings back as f64 rows.
 * Shapes are kept few so a compiling backend compiles little: every batch has B rows (a short last
 * batch is filled by repeating its first text, whose rows are then dropped) and T rounded up to a
 * multiple of 8 (never past the truncation length). Executables are cached per shape and disposed at
 * the end.
 *
 * The model is a base checkpoint plus, optionally, a method's trained tensors (an unmerged LoRA runs
 * through its adapters). Not a training step and not a corpus indexer.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { Backend, Executable } from '../engine/backend.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import type { FineTuningMethod } from '../methods/method.js';
import { EMBEDDING_INPUTS, EMBEDDING_OUTPUTS, buildEmbeddingGraph } from '../model/embedding-graph.js';
import { type ParameterMap, castParameters, parameterFeeds } from '../model/parameter-map.js';
import type { Pooling } from '../model/pooling.js';
import type { TextTokenizer } from '../text/tokenizer.js';

/** What is embedded: a base model and, after training, the method's trained tensors. */
export interface EmbeddingModel {
  readonly architecture: ModelArchitecture;
  /** Every base parameter (HF names). */
  readonly parameters: ParameterMap;
  /** Default `{ kind: 'full' }`. */
  readonly method?: FineTuningMethod;
  /** Trained tensors (and LoRA adapters) that replace or extend `parameters`. */
  readonly trained?: ParameterMap;
  readonly loraEmbedIn?: boolean;
  /** Default f32. */
  readonly dtype?: 'f32' | 'f64';
  /** Default 'mean'. */
  readonly pooling?: Pooling;
}

export interface EmbedTextsOptions {
  /** Rows per batch; default 32. */
  readonly batchSize?: number;
}

const T_MULTIPLE = 8;

/** Returns n rows of C values (row-major, unit length) in the order of `texts`, and C. */
export async function embedTexts(backend: Backend, model: EmbeddingModel, tokenizer: TextTokenizer, texts: readonly string[], options: EmbedTextsOptions = {}): Promise<{ readonly rows: Float64Array; readonly C: number }> {
  const C = model.architecture.hiddenSize;
  const n = texts.length;
  const rows = new Float64Array(n * C);
  if (n === 0) return { rows, C };
  const dtype = model.dtype ?? 'f32';
  const base = castParameters(model.parameters, dtype);
  const trained = castParameters(model.trained ?? new Map(), dtype);
  const method = model.method ?? { kind: 'full' };
  const ids = texts.map((t) => tokenizer.encode(t));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ids[a]!.length - ids[b]!.length || a - b);
  const B = Math.min(options.batchSize ?? 32, n);
  const executables = new Map<string, { exe: Executable; feeds: Record<string, HostTensor> }>();
  try {
    for (let start = 0; start < n; start += B) {
      const members = order.slice(start, start + B);
      while (members.length < B) members.push(members[0]!);
      const longest = Math.max(1, ...members.map((i) => ids[i]!.length));
      const cap = Math.min(Math.max(longest, tokenizer.maxTokens), model.architecture.maxPositionEmbeddings);
      const T = Math.max(longest, Math.min(cap, Math.ceil(longest / T_MULTIPLE) * T_MULTIPLE));
      const key = `${B}x${T}`;
      let entry = executables.get(key);
      if (!entry) {
        const built = buildEmbeddingGraph(model.architecture, { B, T }, { method, dtype, normalized: true, ...(model.pooling ? { pooling: model.pooling } : {}), ...(model.loraEmbedIn !== undefined ? { loraEmbedIn: model.loraEmbedIn } : {}) });
        entry = { exe: await backend.compile(built.graph), feeds: parameterFeeds(built.graph, base, trained) };
        executables.set(key, entry);
      }
      const idData = new Int32Array(B * T).fill(tokenizer.padId);
      const maskData = new Int32Array(B * T);
      members.forEach((i, r) => ids[i]!.forEach((id, t) => ((idData[r * T + t] = id), (maskData[r * T + t] = 1))));
      const out = await entry.exe.run(
        { ...entry.feeds, [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], idData), [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], maskData) },
        { outputs: [EMBEDDING_OUTPUTS.normalized], resident: [] },
      );
      const e = out[EMBEDDING_OUTPUTS.normalized] as HostTensor;
      const data = e.data as ArrayLike<number>;
      const real = Math.min(B, n - start);
      for (let r = 0; r < real; r++) {
        const i = members[r]!;
        for (let c = 0; c < C; c++) rows[i * C + c] = data[r * C + c]!;
      }
    }
  } finally {
    for (const { exe } of executables.values()) exe.dispose();
  }
  return { rows, C };
}
