/**
 * Text for training: tokenizers from tokenizer.json, pair files (BGE JSONL, TSV) read from streams,
 * seeded shuffles and held-out splits, length buckets, and the glue to the trainer's PairSource.
 * Browser-safe; the Node helpers that open paths are in `@repurpose/core/node` (text/node.ts).
 */
export { type PairFileProblem, PairFileError, TokenizerError } from './errors.js';
export { type EncodedBatch, type TextTokenizer, type TextTokenizerOptions, type TokenizerFiles, DEFAULT_MAX_TOKENS, createTokenizer, padRows } from './tokenizer.js';
export { type ByteSource, type Line, DEFAULT_MAX_LINE_BYTES, readLines } from './line-reader.js';
export { type PairFileFormat, type ParsedLine, type TextPair, MAX_JSON_DEPTH, isTsvHeader, parsePairLine } from './pair-line.js';
export { type PairFile, type ReadPairFileOptions, readPairFile } from './pair-file.js';
export { epochSeed, permutation, shuffled } from './shuffle.js';
export { type PairSplit, type SplitOptions, splitPairs } from './split.js';
export { type BatchShape, type BucketOptions, type PaddingReport, type SequenceLengths, batchShapeOf, bucketByLength, paddingOf } from './buckets.js';
export { type TextPairSource, type TextPairSourceOptions, textPairSource } from './text-pair-source.js';
