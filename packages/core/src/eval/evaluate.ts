/**
 * `evaluate(options)`: how good an embedding model is on held-out data, on any backend —
 *
 *   - retrieval over held-out pairs (each query against all held-out positives): recall@1, recall@10,
 *     MRR@10 and nDCG@10, each with a bootstrap interval over queries (retrieval.ts);
 *   - the held-out contrastive loss at the training batch size (held-out-loss.ts);
 *   - for STS-style scored pairs, Spearman's ρ between cosine similarity and the gold score, with a
 *     bootstrap interval over pairs (spearman.ts).
 *
 * The same held-out pairs and the same seeds give the same report, so a model before and after
 * training is compared on identical data (eval-table.ts prints the two side by side).
 * Browser-safe. Not MTEB: a fast, honest signal on the user's own distribution.
 */
import { z } from 'zod';
import type { Backend } from '../engine/backend.js';
import { DEFAULT_INVERSE_TEMPERATURE } from '../model/info-nce.js';
import type { TextTokenizer } from '../text/tokenizer.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { type BootstrapOptions, type Interval, bootstrapStatistic } from './bootstrap-interval.js';
import { type EmbeddingModel, embedTexts } from './embed-texts.js';
import { type HeldOutLoss, heldOutLoss } from './held-out-loss.js';
import { type RetrievalMetrics, retrievalMetrics } from './retrieval.js';
import { type ScoredPair, MIN_SCORED_PAIRS } from './scored-pairs.js';
import { spearman } from './spearman.js';

export interface EvaluateOptions {
  readonly backend: Backend;
  readonly model: EmbeddingModel;
  readonly tokenizer: TextTokenizer;
  /** Held-out (query, positive) pairs: retrieval and the held-out loss. */
  readonly pairs?: readonly { readonly query: string; readonly positive: string }[];
  /** STS-style scored pairs: Spearman's ρ. */
  readonly scored?: readonly ScoredPair[];
  /** B of the held-out loss: the training batch size. Default 32. */
  readonly lossBatchSize?: number;
  /** τ⁻¹ of the held-out loss; default 40 (the paper's). */
  readonly inverseTemperature?: number;
  /** Rows per embedding batch; default 32. */
  readonly embedBatchSize?: number;
  readonly bootstrap?: BootstrapOptions;
}

export interface EvaluationReport {
  readonly retrieval?: RetrievalMetrics;
  readonly heldOutLoss?: HeldOutLoss;
  readonly sts?: { readonly pairs: number; readonly spearman: Interval };
  /** Seconds spent (embedding included). */
  readonly seconds: number;
}

const text = z.string(expect('a text'));
const Schema = z
  .object({
    backend: z.looseObject({ compile: z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', expect('a compile function')) }, expect('a Backend')),
    model: z.looseObject({ architecture: z.looseObject({ hiddenSize: integerAtLeast(1) }, expect('a ModelArchitecture')), parameters: z.custom<Map<string, unknown>>((v) => v instanceof Map, expect('a Map of parameters')) }, expect('an EmbeddingModel')),
    tokenizer: z.looseObject({ encode: z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', expect('an encode function')) }, expect('a TextTokenizer')),
    pairs: z.array(z.looseObject({ query: text, positive: text }, expect('a { query, positive } pair')), expect('an array of pairs')).min(2, expect('at least 2 held-out pairs (retrieval needs a corpus)')).optional(),
    scored: z.array(z.looseObject({ first: text, second: text, score: z.number() }, expect('a scored pair')), expect('an array of scored pairs')).min(MIN_SCORED_PAIRS, expect(`at least ${MIN_SCORED_PAIRS} scored pairs`)).optional(),
    lossBatchSize: integerAtLeast(2, '(pairs per batch)').optional(),
    inverseTemperature: positiveNumber('(inverse temperature)').optional(),
    embedBatchSize: integerAtLeast(1, '(rows per batch)').optional(),
    bootstrap: z
      .object({ replicates: integerAtLeast(0, '(resamples)').max(100_000, expect('at most 100,000 resamples')).optional(), seed: z.number().int().optional(), level: z.number().gt(0).lt(1).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((o) => o.pairs !== undefined || o.scored !== undefined, { error: 'held-out pairs or scored pairs (something to evaluate on)' });

export async function evaluate(options: EvaluateOptions): Promise<EvaluationReport> {
  const defined = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  validate(Schema, defined, 'options');
  const started = now();
  const { backend, model, tokenizer } = options;
  const embedOptions = options.embedBatchSize === undefined ? {} : { batchSize: options.embedBatchSize };
  const bootstrap = options.bootstrap ?? {};
  let retrieval: RetrievalMetrics | undefined;
  let loss: HeldOutLoss | undefined;
  if (options.pairs) {
    const pairs = options.pairs;
    // Each distinct positive text is one corpus document; a query's relevant set is its positive's.
    const docIndex = new Map<string, number>();
    for (const p of pairs) if (!docIndex.has(p.positive)) docIndex.set(p.positive, docIndex.size);
    const docs = [...docIndex.keys()];
    const { rows: q, C } = await embedTexts(backend, model, tokenizer, pairs.map((p) => p.query), embedOptions);
    const { rows: d } = await embedTexts(backend, model, tokenizer, docs, embedOptions);
    retrieval = retrievalMetrics(q, d, C, pairs.map((p) => [docIndex.get(p.positive)!]), bootstrap);
    const p = new Float64Array(pairs.length * C);
    pairs.forEach((pair, i) => p.set(d.subarray(docIndex.get(pair.positive)! * C, (docIndex.get(pair.positive)! + 1) * C), i * C));
    loss = heldOutLoss(q, p, C, options.lossBatchSize ?? 32, options.inverseTemperature ?? DEFAULT_INVERSE_TEMPERATURE);
  }
  let sts: EvaluationReport['sts'];
  if (options.scored) {
    const scored = options.scored;
    const { rows: a, C } = await embedTexts(backend, model, tokenizer, scored.map((s) => s.first), embedOptions);
    const { rows: b } = await embedTexts(backend, model, tokenizer, scored.map((s) => s.second), embedOptions);
    const cosine = new Float64Array(scored.length);
    for (let i = 0; i < scored.length; i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += a[i * C + c]! * b[i * C + c]!;
      cosine[i] = s;
    }
    const gold = Float64Array.from(scored, (s) => s.score);
    sts = { pairs: scored.length, spearman: bootstrapStatistic(scored.length, (idx) => spearman(cosine, gold, idx), bootstrap) };
  }
  return { ...(retrieval ? { retrieval } : {}), ...(loss ? { heldOutLoss: loss } : {}), ...(sts ? { sts } : {}), seconds: (now() - started) / 1000 };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
