/**
 * Retrieval metrics over a held-out pair set: every held-out query searches the corpus of all
 * held-out positives by cosine similarity; its relevant documents are those whose text equals its
 * own positive (normally exactly one). Per query:
 *
 *   recall@k = |relevant ∩ top k| / |relevant|,   MRR@10 = 1 / rank of the first relevant (0 past 10),
 *   nDCG@10  = Σ_{relevant at rank r ≤ 10} 1/log₂(r+1)  /  Σ_{r=1}^{min(|relevant|,10)} 1/log₂(r+1)
 *
 * (binary relevance, as MTEB's retrieval tasks score). Ties are broken against the relevant
 * documents, so a model whose embeddings are all equal scores 0, not a perfect 1. Each metric is
 * the mean over queries with a bootstrap interval over queries (bootstrap-interval.ts).
 *
 * Not an ANN index: exact search, O(n²·C) for n held-out pairs.
 */
import { type BootstrapOptions, type Interval, bootstrapMean } from './bootstrap-interval.js';

export interface RetrievalMetrics {
  readonly queries: number;
  readonly corpus: number;
  readonly recallAt1: Interval;
  readonly recallAt10: Interval;
  readonly mrrAt10: Interval;
  readonly ndcgAt10: Interval;
}

/** Per-query values of each metric (for tests and for pooling several sets). */
export interface RetrievalPerQuery {
  readonly recallAt1: Float64Array;
  readonly recallAt10: Float64Array;
  readonly mrrAt10: Float64Array;
  readonly ndcgAt10: Float64Array;
}

/**
 * `queries` [n, C] and `documents` [m, C] as row-major, L2-normalised rows; `relevant[i]` the
 * document indices relevant to query i (non-empty).
 */
export function retrievalPerQuery(queries: Float64Array, documents: Float64Array, C: number, relevant: readonly (readonly number[])[]): RetrievalPerQuery {
  const n = queries.length / C;
  const m = documents.length / C;
  const out = { recallAt1: new Float64Array(n), recallAt10: new Float64Array(n), mrrAt10: new Float64Array(n), ndcgAt10: new Float64Array(n) };
  const scores = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += queries[i * C + c]! * documents[j * C + c]!;
      scores[j] = s;
    }
    const rel = new Set(relevant[i]!);
    // Descending score; on a tie the non-relevant document ranks first (pessimistic).
    const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => scores[b]! - scores[a]! || Number(rel.has(a)) - Number(rel.has(b)));
    let hits1 = 0;
    let hits10 = 0;
    let dcg = 0;
    let firstRank = 0;
    for (let r = 0; r < Math.min(10, m); r++) {
      if (!rel.has(order[r]!)) continue;
      if (r === 0) hits1++;
      hits10++;
      dcg += 1 / Math.log2(r + 2);
      if (firstRank === 0) firstRank = r + 1;
    }
    let idcg = 0;
    for (let r = 0; r < Math.min(rel.size, 10); r++) idcg += 1 / Math.log2(r + 2);
    out.recallAt1[i] = hits1 / rel.size;
    out.recallAt10[i] = hits10 / rel.size;
    out.mrrAt10[i] = firstRank === 0 ? 0 : 1 / firstRank;
    out.ndcgAt10[i] = dcg / idcg;
  }
  return out;
}

export function retrievalMetrics(queries: Float64Array, documents: Float64Array, C: number, relevant: readonly (readonly number[])[], bootstrap: BootstrapOptions = {}): RetrievalMetrics {
  const per = retrievalPerQuery(queries, documents, C, relevant);
  return {
    queries: queries.length / C,
    corpus: documents.length / C,
    recallAt1: bootstrapMean(per.recallAt1, bootstrap),
    recallAt10: bootstrapMean(per.recallAt10, bootstrap),
    mrrAt10: bootstrapMean(per.mrrAt10, bootstrap),
    ndcgAt10: bootstrapMean(per.ndcgAt10, bootstrap),
  };
}
