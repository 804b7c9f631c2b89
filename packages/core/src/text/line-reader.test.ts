import { describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/seeded-random.js';
import { type Line, readLines } from './line-reader.js';

const collect = async (source: Parameters<typeof readLines>[0], max?: number): Promise<Line[]> => {
  const out: Line[] = [];
  for await (const l of readLines(source, max)) out.push(l);
  return out;
};
const texts = (lines: Line[]) => lines.map((l) => (l.kind === 'text' ? l.text : `!${l.message}`));

/** Bytes cut into chunks at random places (inside multi-byte characters and CRLFs too). */
function* chunked(bytes: Uint8Array, seed: number): Generator<Uint8Array> {
  const random = seededRandom(seed);
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(random() * 7);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}
async function* asyncOf(parts: Iterable<Uint8Array>) {
  for (const p of parts) yield p;
}

describe('readLines', () => {
  const sample = '\ufefffirst\r\nsecond 👨‍👩‍👧 é\n\nlast without newline';
  const expected = ['first', 'second 👨‍👩‍👧 é', '', 'last without newline'];

  it('splits on \\n and \\r\\n, drops a BOM, keeps a last line without newline', async () => {
    expect(texts(await collect(sample))).toEqual(expected);
    expect((await collect(sample)).map((l) => l.line)).toEqual([1, 2, 3, 4]);
  });

  it('gives the same lines however the bytes are chunked, from every kind of source', async () => {
    const bytes = new TextEncoder().encode(sample);
    for (let seed = 0; seed < 20; seed++) expect(texts(await collect(asyncOf(chunked(bytes, seed))))).toEqual(expected);
    expect(texts(await collect(new Blob([bytes])))).toEqual(expected);
    expect(texts(await collect(new Blob([bytes]).stream()))).toEqual(expected);
    expect(texts(await collect(bytes))).toEqual(expected);
  });

  it('reports invalid UTF-8 on its own line, with the byte, and goes on', async () => {
    const bytes = new Uint8Array([0x6f, 0x6b, 0x0a, 0x61, 0x62, 0xc3, 0x28, 0x0a, 0x6f, 0x6b]);
    const lines = await collect(bytes);
    expect(texts(lines)).toEqual(['ok', '!not valid UTF-8 (at byte 4 of the line); is this a text file?', 'ok']);
    expect(lines[1]!.line).toBe(2);
  });

  it('skips a line past the limit without holding it, reports its size, and reads on', async () => {
    const huge = `short\n${'x'.repeat(5000)}\nafter\n`;
    const lines = await collect(asyncOf(chunked(new TextEncoder().encode(huge), 3)), 100);
    expect(texts(lines)).toEqual(['short', '!the line is 5000 bytes, longer than the 100-byte limit (maxLineBytes); not read', 'after']);
  });

  it('refuses what is not a byte source', async () => {
    await expect(collect(42 as never)).rejects.toThrow(/ReadableStream, Blob/);
  });
});
