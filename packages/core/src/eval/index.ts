/**
 * Evaluation of embedding models: retrieval metrics with bootstrap intervals, the held-out
 * contrastive loss, Spearman's ρ on scored pairs, `evaluate()` over any backend and the before/after
 * table. Browser-safe; `readScoredPairsPath` (Node) is exported from `@repurpose/core/node`.
 */
export { type BootstrapOptions, type Interval, DEFAULT_BOOTSTRAP_REPLICATES, bootstrapMean, bootstrapStatistic } from './bootstrap-interval.js';
export { type RetrievalMetrics, type RetrievalPerQuery, retrievalMetrics, retrievalPerQuery } from './retrieval.js';
export { averageRanks, pearson, spearman } from './spearman.js';
export { type HeldOutLoss, heldOutLoss } from './held-out-loss.js';
export { type ScoredPair, MIN_SCORED_PAIRS, parseScoredPairs } from './scored-pairs.js';
export { type EmbeddingModel, type EmbedTextsOptions, embedTexts } from './embed-texts.js';
export { type EvaluateOptions, type EvaluationReport, evaluate } from './evaluate.js';
export { formatEvaluationTable } from './eval-table.js';
