import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { padBatch } from '../train/batch.js';
import { loadTokenizerDir, readPairFilePath } from './files.js';
import type { TextPair } from './pair-line.js';
import { textPairSource } from './text-pair-source.js';
import type { TextTokenizer } from './tokenizer.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/text');
let tokenizer: TextTokenizer;
let all: readonly TextPair[];
let pairs: readonly TextPair[];
beforeAll(async () => {
  tokenizer = await loadTokenizerDir(join(FIXTURES, 'tiny-bpe'));
  all = (await readPairFilePath(join(FIXTURES, 'sotu-pairs.jsonl'))).pairs;
  pairs = all.slice(0, 128); // tokenizing is the cost (~1 ms a pair here); 128 keep the tests quick
});

describe('textPairSource over State of the Union pairs', () => {
  it('is the tokenized pairs, each epoch a permutation of full batches, deterministic in position', async () => {
    const s = textPairSource(pairs, tokenizer, { batchSize: 16, seed: 3, epochs: 2 });
    expect({ size: s.size, steps: s.steps, perEpoch: s.pairsPerEpoch, dropped: s.droppedPerEpoch, warnings: s.warnings }).toEqual({ size: 256, steps: 16, perEpoch: 128, dropped: 0, warnings: [] });
    const read = await s.read(0, 1000);
    expect(read).toHaveLength(256);
    const key = (p: { query: readonly number[]; positive: readonly number[] }) => `${p.query.join(',')}|${p.positive.join(',')}`;
    const expected = pairs.map((p) => key({ query: tokenizer.encode(p.query), positive: tokenizer.encode(p.positive) })).sort();
    expect(read.slice(0, 128).map(key).sort()).toEqual(expected);
    expect(read.slice(128).map(key).sort()).toEqual(expected);
    expect(read.slice(0, 128).map(key)).not.toEqual(read.slice(128).map(key));
    // Reading by position is what resume relies on: any window equals the same slice of a full read,
    // from a fresh source too.
    const fresh = textPairSource(pairs, tokenizer, { batchSize: 16, seed: 3, epochs: 2 });
    expect(await fresh.read(112, 32)).toEqual(read.slice(112, 144));
    expect(await s.read(16, 16)).toEqual(read.slice(16, 32));
    expect(await s.read(250, 16)).toEqual(read.slice(250)); // fewer only at the end
    const other = textPairSource(pairs, tokenizer, { batchSize: 16, seed: 4, bucketByLength: false });
    expect(await other.read(0, 16)).not.toEqual(read.slice(0, 16));
  });

  it('buckets by length: less padding than the plain shuffle, same tokens, and says how much', () => {
    const s = textPairSource(all, tokenizer, { batchSize: 16, seed: 0 });
    expect(s.padding.bucketed.tokens).toBe(s.padding.unbucketed.tokens);
    expect(s.padding.bucketed.fraction).toBeLessThan(s.padding.unbucketed.fraction * 0.6);
    const off = textPairSource(pairs, tokenizer, { batchSize: 16, seed: 0, bucketByLength: false });
    console.log(`padding of the 400 pairs, B = 16: ${(100 * s.padding.unbucketed.fraction).toFixed(1)}% shuffled, ${(100 * s.padding.bucketed.fraction).toFixed(1)}% bucketed`);
    expect(off.padding.bucketed).toEqual(off.padding.unbucketed);
  });

  it('batch shapes fit the pairs read, and the trainer pads them', async () => {
    const s = textPairSource(pairs, tokenizer, { batchSize: 8, seed: 1, shapeMultiple: 8 });
    for (const step of [0, 7, s.steps - 1]) {
      const batch = await s.read(step * 8, 8);
      const shape = s.batchShape(step);
      expect(Math.max(...batch.map((p) => p.query.length))).toBeLessThanOrEqual(shape.Tq);
      expect(Math.max(...batch.map((p) => p.positive.length))).toBeLessThanOrEqual(shape.Tp);
      expect(shape.Tp % 8 === 0 || shape.Tp === 75).toBe(true);
      const padded = padBatch(batch, { B: 8, ...shape }, { padId: tokenizer.padId, vocabSize: tokenizer.vocabSize });
      expect(padded.tokens).toBe(batch.reduce((t, p) => t + p.query.length + p.positive.length, 0));
    }
    expect(s.maxShape.Tp).toBe(75); // truncation at 75 tokens
  });

  it('drops the last n mod B pairs of each epoch, and warns when the request exceeds the file', () => {
    const s = textPairSource(pairs, tokenizer, { batchSize: 48, requestedPairs: 5000, epochs: 2 });
    expect({ size: s.size, dropped: s.droppedPerEpoch, steps: s.steps }).toEqual({ size: 192, dropped: 32, steps: 4 });
    expect(s.warnings).toEqual(['5000 pairs requested, but the file\'s 128 pairs give 96 in full batches of 48 × 2 epochs = 192; training 192 (size the schedule to that)']);
    const fewer = textPairSource(pairs, tokenizer, { batchSize: 48, requestedPairs: 60 });
    expect({ size: fewer.size, warnings: fewer.warnings }).toEqual({ size: 48, warnings: ['60 pairs requested is not a multiple of B = 48; training 48'] });
  });

  it('too few pairs for one batch, or a tokenizer bigger than the model, is an error before any compute', () => {
    expect(() => textPairSource(pairs.slice(0, 3), tokenizer, { batchSize: 4 })).toThrow(/invalid pairs: expected at least B = 4 pairs for one batch, got "3 pairs"/);
    expect(() => textPairSource(pairs, tokenizer, { batchSize: 4, vocabSize: 512 })).toThrow(/tokenizer's 1027 ids/);
    expect(() => textPairSource(pairs, tokenizer, { batchSize: 4, requestedPairs: 3 })).toThrow(/requestedPairs/);
    expect(() => textPairSource(pairs, tokenizer, { batchSize: 0 })).toThrow(/options\.batchSize/);
  });
});
