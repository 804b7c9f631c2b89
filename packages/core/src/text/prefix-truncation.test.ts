/**
 * Truncating from a prefix (prefix-truncation.ts) gives exactly the first maxTokens ids of the full
 * encoding: on every text of the fixtures, on random texts of words, punctuation, digits, runs of
 * spaces, tabs, newlines, non-ASCII letters and the EOS text, at several truncation lengths; and the
 * fast path is refused where its argument does not hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/seeded-random.js';
import { readPairFilePath } from './files.js';
import { prefixTruncationSafe } from './prefix-truncation.js';
import { createTokenizer } from './tokenizer.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/text');
const DIR = join(FIXTURES, 'tiny-bpe');
const json = JSON.parse(readFileSync(join(DIR, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
const config = JSON.parse(readFileSync(join(DIR, 'tokenizer_config.json'), 'utf8')) as unknown;

const PIECES = ['the', 'nation', 'Über', 'naïve', '2024', '3.14', ',', '.', "'s", "n't", '—', '  ', '   ', '\t', '\n', ' \n ', '<|endoftext|>', 'état', '東京', '🙂', '!?', 'x'];
function randomText(random: () => number, words: number): string {
  let s = '';
  for (let i = 0; i < words; i++) {
    const piece = PIECES[Math.floor(random() * PIECES.length)]!;
    s += random() < 0.7 ? ` ${piece}` : piece;
  }
  return s;
}

describe('prefix truncation', () => {
  it('equals the full encoding cut to maxTokens on every fixture text and on random texts', async () => {
    const { pairs } = await readPairFilePath(join(FIXTURES, 'sotu-pairs.jsonl'));
    const random = seededRandom(11);
    const texts = [...pairs.flatMap((p) => [p.query, p.positive]), ...Array.from({ length: 300 }, () => randomText(random, 20 + Math.floor(random() * 400)))];
    let fast = 0;
    for (const maxTokens of [1, 16, 75]) {
      const tokenizer = createTokenizer({ tokenizerJson: json, tokenizerConfig: config }, { maxTokens });
      for (const text of texts) {
        const full = tokenizer.encode(text, { truncate: false });
        expect(tokenizer.encode(text)).toEqual(full.slice(0, maxTokens));
        if (text.length > 8 * maxTokens && full.length > maxTokens) fast += 1;
      }
    }
    // The prefix path really ran for most of them (texts longer than its first prefix).
    expect(fast).toBeGreaterThan(1000);
  });

  it('is used only where no pre-token can span a cut before whitespace', () => {
    expect(prefixTruncationSafe(json)).toBe(true);
    expect(prefixTruncationSafe({ ...json, pre_tokenizer: { type: 'Metaspace' } })).toBe(false);
    expect(prefixTruncationSafe({ ...json, pre_tokenizer: { type: 'ByteLevel', use_regex: false } })).toBe(false);
    expect(prefixTruncationSafe({ ...json, normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁' } })).toBe(false);
    expect(prefixTruncationSafe({ ...json, normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] } })).toBe(true);
    expect(prefixTruncationSafe({ ...json, added_tokens: [{ content: 'New York' }] })).toBe(false);
  });
});
