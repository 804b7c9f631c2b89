import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/seeded-random.js';
import { PairFileError } from './errors.js';
import { readPairFilePath } from './files.js';
import { readPairFile } from './pair-file.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/text');

async function problems(source: Parameters<typeof readPairFile>[0], options = {}): Promise<PairFileError> {
  try {
    await readPairFile(source, options);
  } catch (error) {
    if (error instanceof PairFileError) return error;
    throw error;
  }
  throw new Error('expected a PairFileError');
}

describe('readPairFile: BGE JSONL', () => {
  it('reads query, the first positive and negatives, in file order, with line numbers', async () => {
    const file = await readPairFile('{"query": "q1", "pos": ["p1", "p1b"], "neg": ["n1"]}\n\n{"query": "q2", "pos": ["p2"], "prompt": "Represent: "}\n');
    expect(file.format).toBe('jsonl');
    expect(file.pairs).toEqual([
      { query: 'q1', positive: 'p1', negatives: ['n1'], line: 1 },
      { query: 'q2', positive: 'p2', negatives: [], line: 3 },
    ]);
    expect({ lines: file.lines, blank: file.blankLines, unused: file.unusedPositives }).toEqual({ lines: 3, blank: 1, unused: 1 });
  });

  it('positives: "each" makes one pair per positive', async () => {
    const file = await readPairFile('{"query": "q", "pos": ["a", "b"]}', { positives: 'each' });
    expect(file.pairs.map((p) => p.positive)).toEqual(['a', 'b']);
  });

  it('lists every bad line with its number, and what is wrong, before anything else', async () => {
    const text = [
      '{"query": "fine", "pos": ["ok"]}',
      '{"query": "broken", "pos": ["ok"]',
      '{"query": "", "pos": ["ok"]}',
      '{"query": "q", "pos": []}',
      '{"query": "q", "positive": ["typo"], "pos": ["ok"]}',
      '[1, 2]',
      '{"query": 7, "pos": ["ok"]}',
      `{"query": "deep", "pos": ${'['.repeat(100000)}}`,
    ].join('\n');
    const e = await problems(text, { name: 'train.jsonl' });
    expect(e.count).toBe(7);
    expect(e.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(e.message).toMatch(/^train\.jsonl: 7 bad lines:\n {2}line 2: not valid JSON/);
    expect(e.message).toContain('line 3: invalid record.query: expected a text with a non-space character, got ""');
    expect(e.message).toContain('line 4: invalid record.pos: expected a non-empty array of texts, got []');
    expect(e.message).toContain('line 5: invalid record: expected no key "positive"');
    expect(e.message).toContain('line 8: JSON nested deeper than 4 levels');
  });

  it('bounds the list but counts every problem (binary garbage)', async () => {
    const random = seededRandom(7);
    const garbage = Uint8Array.from({ length: 200_000 }, () => Math.floor(random() * 256));
    const e = await problems(garbage, { format: 'jsonl', maxErrors: 5 });
    expect(e.problems).toHaveLength(5);
    expect(e.count).toBeGreaterThan(500); // ~ one newline every 256 bytes, every line bad
    expect(e.message).toMatch(/bad lines \(the first 5 listed\)/);
  });

  it('an empty file, or one of blank lines, is an error', async () => {
    expect((await problems('')).message).toBe('pair file: the file is empty; expected one (query, positive) pair per line');
    expect((await problems('\n  \n\n')).message).toMatch(/no pairs in 3 lines \(all blank\)/);
  });
});

describe('readPairFile: TSV', () => {
  it('reads query<TAB>positive, skips a header, sniffs the format', async () => {
    const file = await readPairFile('query\tpositive\nwhat is BPE\tbyte-pair encoding merges frequent pairs\r\nq2\tp2\n');
    expect(file.format).toBe('tsv');
    expect(file.header).toBe(true);
    expect(file.pairs.map((p) => [p.query, p.positive, p.line])).toEqual([
      ['what is BPE', 'byte-pair encoding merges frequent pairs', 2],
      ['q2', 'p2', 3],
    ]);
  });

  it('reports wrong field counts, empty fields and NUL bytes by line', async () => {
    const e = await problems('a\tb\nonly one field\na\tb\tc\n\tb\na\t \nnul\0\tb\n', { format: 'tsv' });
    expect(e.problems).toEqual([
      { line: 2, message: 'expected 2 tab-separated fields (query, positive), got 1' },
      { line: 3, message: 'expected 2 tab-separated fields (query, positive), got 3' },
      { line: 4, message: 'the query (field 1) is empty' },
      { line: 5, message: 'the positive (field 2) is empty' },
      { line: 6, message: 'contains a NUL byte; is this a binary file?' },
    ]);
  });
});

describe('readPairFilePath (Node)', () => {
  it('streams the committed 400-pair fixture', async () => {
    const file = await readPairFilePath(join(FIXTURES, 'sotu-pairs.jsonl'));
    expect(file.pairs).toHaveLength(400);
    expect(file.format).toBe('jsonl');
  });

  it('takes the format from the extension and names the path in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairs-'));
    writeFileSync(join(dir, 'p.tsv'), '{"query": "looks like json"}\tbut is tsv\n');
    expect((await readPairFilePath(join(dir, 'p.tsv'))).pairs[0]!.query).toBe('{"query": "looks like json"}');
    await expect(readPairFilePath(join(dir, 'missing.jsonl'))).rejects.toThrow(/invalid path: expected a pair file \(JSONL or TSV\) that exists and can be read \(ENOENT\)/);
    await expect(readPairFilePath(dir)).rejects.toThrow(/it is a directory/);
    if (spawnSync('mkfifo', [join(dir, 'fifo.jsonl')]).status === 0) await expect(readPairFilePath(join(dir, 'fifo.jsonl'))).rejects.toThrow(/it is a FIFO/);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    await expect(readPairFilePath(join(dir, 'empty.jsonl'))).rejects.toThrow(/empty\.jsonl: the file is empty/);
  });
});
