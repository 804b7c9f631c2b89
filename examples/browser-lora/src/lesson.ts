/**
 * The example's whole job, independent of where it runs: a tiny GPT-NeoX with seeded random weights,
 * the tiny BPE tokenizer, a small set of English (query, positive) pairs, LoRA fine-tuning through
 * core's trainer on whatever backend it is given, then the embedding of one query. The page runs it
 * on WebGPU (or onnxruntime-web); the end-to-end test runs it in Node on the reference backend and
 * compares. Pure: no DOM, no fetch, no Node APIs.
 *
 * Shapes: B pairs a step, Tq/Tp tokens (the longest text of the set), C = 32 hidden, V = the
 * tokenizer's vocabulary. Not a benchmark, and the model learns these pairs only (random weights).
 */
import { type FineTuningMethod, architectureFromConfig } from '@repurpose/core';
import { type Backend, EMBEDDING_OUTPUTS, buildEmbeddingGraph, createTokenizer, hostTensor, parameterFeeds, randomGptNeoXParameters, textPairSource, train } from '@repurpose/core/engine';
import { PAIRS, QUERY } from './pairs.js';

export interface LessonOptions {
  readonly backend: Backend;
  /** Parsed tokenizer.json and tokenizer_config.json of the tiny BPE tokenizer. */
  readonly tokenizerJson: unknown;
  readonly tokenizerConfig?: unknown;
  /** Called after every step with its loss (before the step's update). */
  readonly onStep?: (step: number, totalSteps: number, loss: number) => void;
}

export interface LessonTimes {
  /** Compiling the training graph (the trainer's compile event). */
  readonly compileSeconds: number;
  /** The steps, compile excluded. */
  readonly trainSeconds: number;
  /** Compiling and running the embedding graph. */
  readonly embedSeconds: number;
}

export interface LessonResult {
  readonly losses: readonly number[];
  /** The L2-normalised embedding of QUERY after fine-tuning. */
  readonly embedding: readonly number[];
  readonly query: string;
  readonly steps: number;
  readonly times: LessonTimes;
}

/** 2 passes over the 32 pairs: 8 steps, enough for the loss to fall clearly (2.02 → 1.75, mean of the first and last four) while SwiftShader, ~1000 dispatches a step, stays within seconds a step. */
export const LESSON = { B: 8, epochs: 2, peakLearningRate: 2e-2, method: { kind: 'lora', rank: 4, alpha: 8 } satisfies FineTuningMethod } as const;

export async function runLesson(options: LessonOptions): Promise<LessonResult> {
  const tokenizer = createTokenizer({ tokenizerJson: options.tokenizerJson, tokenizerConfig: options.tokenizerConfig }, { maxTokens: 16 });
  const architecture = architectureFromConfig(
    { num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 64, vocab_size: tokenizer.vocabSize, max_position_embeddings: 64 },
    'tiny-neox-browser',
  );
  const parameters = randomGptNeoXParameters(architecture, { seed: 1, dtype: 'f32' });
  // An anisotropic final LayerNorm, as pretrained LMs have (every pooled embedding starts near one
  // direction), so the loss starts near chance (ln B) and LoRA has something to fix.
  const C = architecture.hiddenSize;
  parameters.set('final_layer_norm.weight', hostTensor('f32', [C], new Array<number>(C).fill(0.2)));
  parameters.set('final_layer_norm.bias', hostTensor('f32', [C], Array.from({ length: C }, (_, i) => Math.sin(7 * i + 1))));

  const data = textPairSource(PAIRS, tokenizer, { batchSize: LESSON.B, seed: 3, epochs: LESSON.epochs, bucketByLength: false, vocabSize: architecture.vocabSize });
  const losses: number[] = [];
  let compileSeconds = 0;
  let trainSeconds = 0;
  const result = await train(
    {
      backend: options.backend,
      architecture,
      method: LESSON.method,
      parameters,
      data,
      batch: { B: LESSON.B, ...data.maxShape },
      steps: data.steps,
      epochs: LESSON.epochs,
      peakLearningRate: LESSON.peakLearningRate,
      padId: tokenizer.padId,
      loraEmbedIn: false,
      dtype: 'f32',
    },
    (e) => {
      if (e.kind === 'compile') compileSeconds += e.seconds;
      if (e.kind === 'end') trainSeconds = e.seconds - compileSeconds;
      if (e.kind !== 'step' || e.loss === undefined) return;
      losses.push(e.loss);
      options.onStep?.(e.step, e.totalSteps, e.loss);
    },
  );

  const embedStart = Date.now();
  const ids = tokenizer.encode(QUERY);
  const { graph } = buildEmbeddingGraph(architecture, { B: 1, T: ids.length }, { method: LESSON.method, loraEmbedIn: false, normalized: true, dtype: 'f32' });
  const exe = await options.backend.compile(graph);
  try {
    const out = await exe.run({
      input_ids: hostTensor('i32', [1, ids.length], ids),
      attention_mask: hostTensor('i32', [1, ids.length], new Array<number>(ids.length).fill(1)),
      ...parameterFeeds(graph, result.parameters),
    });
    const normalized = out[EMBEDDING_OUTPUTS.normalized];
    if (normalized === undefined || !('data' in normalized)) throw new Error('the embedding graph returned no normalised embedding');
    const times = { compileSeconds, trainSeconds, embedSeconds: (Date.now() - embedStart) / 1000 };
    return { losses, embedding: Array.from(normalized.data), query: QUERY, steps: losses.length, times };
  } finally {
    exe.dispose();
  }
}
