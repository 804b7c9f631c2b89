import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { TokenizerError } from './errors.js';
import { loadTokenizerDir } from './files.js';
import { createTokenizer, padRows } from './tokenizer.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/text');
const DIR = join(FIXTURES, 'tiny-bpe');
const golden = JSON.parse(readFileSync(join(FIXTURES, 'tokenizer-golden.json'), 'utf8')) as {
  maxLength: number;
  padId: number;
  cases: { text: string; ids: number[] }[];
  batch: { input_ids: number[][]; attention_mask: number[][] };
};
const files = () => ({
  tokenizerJson: JSON.parse(readFileSync(join(DIR, 'tokenizer.json'), 'utf8')) as unknown,
  tokenizerConfig: JSON.parse(readFileSync(join(DIR, 'tokenizer_config.json'), 'utf8')) as unknown,
});

describe('createTokenizer on a GPT-NeoX-style byte-level BPE', () => {
  const tokenizer = createTokenizer(files());

  it('knows EOS (= pad), the vocabulary size and the paper truncation', () => {
    expect({ eos: tokenizer.eosId, pad: tokenizer.padId, V: tokenizer.vocabSize, max: tokenizer.maxTokens }).toEqual({ eos: 0, pad: 0, V: 1027, max: 75 });
  });

  it.each(golden.cases.map((c, i) => [i, c] as const))('case %i: ids equal transformers AutoTokenizer exactly', (_, c) => {
    expect(tokenizer.encode(c.text, { truncate: false })).toEqual(c.ids);
  });

  it('the golden set is tricky: empty, past 75 tokens, the EOS text inside a string', () => {
    expect(golden.cases.some((c) => c.ids.length === 0)).toBe(true);
    expect(golden.cases.filter((c) => c.ids.length > 75).length).toBeGreaterThanOrEqual(2);
    expect(golden.cases.find((c) => c.text.includes('<|endoftext|>'))!.ids).toContain(0);
  });

  it('a batch: truncated to 75, right-padded with EOS to the longest, masks as transformers gives them', () => {
    const batch = tokenizer.encodeBatch(golden.cases.map((c) => c.text));
    expect(batch.ids).toEqual(golden.batch.input_ids);
    expect(batch.attentionMask).toEqual(golden.batch.attention_mask);
    expect(batch.length).toBe(golden.maxLength);
    expect(batch.lengths).toEqual(golden.cases.map((c) => Math.min(75, c.ids.length)));
  });

  it('adds no BOS/EOS and truncates to a configured length', () => {
    const short = createTokenizer(files(), { maxTokens: 5 });
    const long = golden.cases.at(-1)!;
    expect(short.encode(long.text)).toEqual(long.ids.slice(0, 5));
    expect(short.encode('Hello, world!')).toEqual(golden.cases.find((c) => c.text === 'Hello, world!')!.ids.slice(0, 5));
    expect(tokenizer.decode(tokenizer.encode('Hello, world!'))).toBe('Hello, world!');
  });

  it('pads to a fixed length on request, and refuses one shorter than a row', () => {
    expect(padRows([[5, 6], [7]], 0, 4)).toEqual({ ids: [[5, 6, 0, 0], [7, 0, 0, 0]], attentionMask: [[1, 1, 0, 0], [1, 0, 0, 0]], lengths: [2, 1], length: 4 });
    expect(() => padRows([[5, 6, 7]], 0, 2)).toThrow(/padTo: expected an integer ≥ the longest row \(3\), got 2/);
  });

  it('errors name what is wrong', () => {
    expect(() => createTokenizer({ tokenizerJson: { vocab: {} } })).toThrow(ValidationError);
    expect(() => createTokenizer({ tokenizerJson: { vocab: {} } })).toThrow(/tokenizer\.tokenizerJson/);
    expect(() => createTokenizer(files(), { maxTokens: 0 })).toThrow(/options\.maxTokens: expected an integer ≥ 1/);
    expect(() => createTokenizer(files(), { eosToken: '</s>' })).toThrow(TokenizerError);
    expect(() => createTokenizer(files(), { eosToken: '</s>' })).toThrow(/"<\/s>" is not in the vocabulary/);
    const noConfig = createTokenizer({ tokenizerJson: files().tokenizerJson });
    expect(noConfig.eosId).toBe(0); // falls back to <|endoftext|>
  });
});

describe('loadTokenizerDir (Node)', () => {
  it('reads tokenizer.json and tokenizer_config.json from a folder', async () => {
    const t = await loadTokenizerDir(DIR, { maxTokens: 10 });
    expect(t.encode(golden.cases.at(-1)!.text)).toEqual(golden.cases.at(-1)!.ids.slice(0, 10));
  });

  it('a folder without tokenizer.json is a TokenizerError naming the path', async () => {
    await expect(loadTokenizerDir(FIXTURES)).rejects.toThrow(/tokenizer\.json: expected a tokenizer file \(JSON\) that exists and can be read \(ENOENT\)/);
  });
});
