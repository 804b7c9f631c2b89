/**
 * Fixed-shape batches: B pairs become the four i32 feeds of the training graph, every batch padded
 * to the same Tq and Tp so a backend compiles the graph once. Right padding with the pad id (EOS = 0
 * in Pythia; the paper adds no BOS/EOS) and an attention mask of 1 on real tokens. A sequence longer
 * than its T is truncated to its first T tokens, as the paper truncates every text (to 75 tokens).
 *
 * With `eosId` (the trainer passes it for last-token pooling, model/pooling.ts) every text is cut to
 * T − 1 tokens and gets the EOS appended, which then counts as a real token.
 *
 * Also counts the real (unpadded) tokens, which is what the paper's D counts. Not a tokenizer.
 */
import { ValidationError } from '../errors.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { TRAINING_INPUTS, type TrainingBatchShape } from '../model/training-graph.js';
import { withEos } from '../model/pooling.js';
import type { TokenPair } from './pairs.js';

export interface PaddedBatch {
  readonly feeds: Readonly<Record<string, HostTensor>>;
  /** Real tokens after truncation, queries and positives together (the paper's D counts these). */
  readonly tokens: number;
}

/** ids [rows][*] → ids and mask [rows, T], right-padded with `padId`, truncated to T. */
export function padSequences(rows: readonly (readonly number[])[], T: number, padId: number, field: string, vocabSize?: number): { ids: HostTensor; mask: HostTensor; tokens: number } {
  const ids = new Int32Array(rows.length * T).fill(padId);
  const mask = new Int32Array(rows.length * T);
  let tokens = 0;
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length === 0) throw new ValidationError(`${field}.${r}`, row, 'a non-empty array of token ids (mean pooling needs ≥ 1 token)');
    const n = Math.min(row.length, T);
    for (let t = 0; t < n; t++) {
      const id = row[t]!;
      if (!Number.isInteger(id) || id < 0 || (vocabSize !== undefined && id >= vocabSize)) {
        throw new ValidationError(`${field}.${r}.${t}`, id, vocabSize === undefined ? 'a token id ≥ 0' : `a token id in 0..${vocabSize - 1}`);
      }
      ids[r * T + t] = id;
      mask[r * T + t] = 1;
    }
    tokens += n;
  });
  return { ids: hostTensor('i32', [rows.length, T], ids), mask: hostTensor('i32', [rows.length, T], mask), tokens };
}

/** The training-graph feeds of exactly `shape.B` pairs. */
export function padBatch(pairs: readonly TokenPair[], shape: TrainingBatchShape, options: { readonly padId?: number; readonly vocabSize?: number; readonly eosId?: number } = {}): PaddedBatch {
  if (pairs.length !== shape.B) throw new ValidationError('batch', `${pairs.length} pairs`, `exactly B = ${shape.B} pairs`);
  const padId = options.padId ?? 0;
  const eos = options.eosId;
  const rows = (texts: readonly (readonly number[])[], T: number) => (eos === undefined ? texts : texts.map((r) => withEos(r, eos, T)));
  const q = padSequences(rows(pairs.map((p) => p.query), shape.Tq), shape.Tq, padId, 'batch.query', options.vocabSize);
  const p = padSequences(rows(pairs.map((x) => x.positive), shape.Tp), shape.Tp, padId, 'batch.positive', options.vocabSize);
  return {
    feeds: {
      [TRAINING_INPUTS.queryIds]: q.ids,
      [TRAINING_INPUTS.queryMask]: q.mask,
      [TRAINING_INPUTS.positiveIds]: p.ids,
      [TRAINING_INPUTS.positiveMask]: p.mask,
    },
    tokens: q.tokens + p.tokens,
  };
}
