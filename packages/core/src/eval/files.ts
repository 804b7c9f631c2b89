/**
 * Node helper for evaluation: an STS-style scored-pair TSV read from a path (through
 * io/read-regular-file.ts, so a FIFO or a device is refused rather than waited on, and the size is
 * bounded). Exported from `@repurpose/core/node`; the browser passes the text to parseScoredPairs.
 */
import { readRegularTextFile } from '../io/read-regular-file.js';
import { type ScoredPair, parseScoredPairs } from './scored-pairs.js';

/** 256 MiB: far past any STS set (STS-B's test split is ~150 kB). */
const MAX_SCORED_BYTES = 256 * 2 ** 20;

export async function readScoredPairsPath(path: string): Promise<ScoredPair[]> {
  const text = await readRegularTextFile(path, { field: path, what: 'a scored-pair TSV (sentence1, sentence2, score)', maxBytes: MAX_SCORED_BYTES });
  return parseScoredPairs(text, { name: path });
}
