/**
 * Lines of a byte stream, bounded: a streaming splitter over a ReadableStream, a Blob (a browser
 * File), any async iterable of bytes (a Node file stream) or bytes / a string in memory. Each line is
 * decoded as strict UTF-8 on its own, so one bad byte costs one line, not the file, and its number is
 * known. A line longer than `maxLineBytes` is skipped to the next newline without being held in
 * memory (reported as an error with its size). A UTF-8 BOM at the start is dropped; `\r\n` ends a line
 * like `\n`.
 *
 * Not a parser: what a line means is pair-line.ts's business.
 */

/** What a pair file can be read from, in a browser or in Node. */
export type ByteSource = ReadableStream<Uint8Array> | Blob | AsyncIterable<Uint8Array> | Uint8Array | string;

export type Line =
  | { readonly kind: 'text'; readonly line: number; readonly text: string }
  | { readonly kind: 'error'; readonly line: number; readonly message: string };

/** 1 MiB: far above any text a 75-token truncation keeps, far below what would exhaust memory. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

const NEWLINE = 0x0a;

export async function* readLines(source: ByteSource, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let parts: Uint8Array[] = [];
  let held = 0; // bytes of the current line held in `parts`
  let overflow = 0; // > 0: the current line passed the limit; bytes seen so far
  let line = 1;
  let first = true;

  const finish = (): Line => {
    const number = line++;
    if (overflow > 0) {
      const size = overflow;
      overflow = 0;
      return { kind: 'error', line: number, message: `the line is ${size} bytes, longer than the ${maxLineBytes}-byte limit (maxLineBytes); not read` };
    }
    let bytes = parts.length === 1 ? parts[0]! : concat(parts, held);
    parts = [];
    held = 0;
    if (first) {
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    try {
      return { kind: 'text', line: number, text: decoder.decode(bytes) };
    } catch {
      return { kind: 'error', line: number, message: `not valid UTF-8 (at byte ${firstInvalidUtf8(bytes)} of the line); is this a text file?` };
    }
  };
  const take = (chunk: Uint8Array) => {
    if (overflow > 0) overflow += chunk.length;
    else if (held + chunk.length > maxLineBytes) {
      overflow = held + chunk.length;
      parts = [];
      held = 0;
    } else {
      parts.push(chunk);
      held += chunk.length;
    }
  };

  for await (const chunk of chunks(source)) {
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      take(chunk.subarray(from, at));
      yield finish();
      from = at + 1;
    }
    if (from < chunk.length) take(from === 0 ? chunk : chunk.subarray(from));
  }
  if (held > 0 || overflow > 0) yield finish();
}

async function* chunks(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') yield new TextEncoder().encode(source);
  else if (source instanceof Uint8Array) yield source;
  else if (typeof Blob !== 'undefined' && source instanceof Blob) yield* chunks(source.stream() as ReadableStream<Uint8Array>);
  else if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield asBytes(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    for await (const chunk of source) yield asBytes(chunk);
  } else {
    throw new TypeError(`a pair file source must be a ReadableStream, Blob, async iterable of bytes, Uint8Array or string, got ${source === null ? 'null' : typeof source}`);
  }
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  throw new TypeError(`a pair file stream must yield bytes, got ${typeof chunk}`);
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** 1-based offset of the first byte that breaks UTF-8 (the WHATWG decoder's rules), for the message. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const [n, lo, hi] = b < 0x80 ? [0, 0, 0] : b >= 0xc2 && b <= 0xdf ? [1, 0x80, 0xbf] : b === 0xe0 ? [2, 0xa0, 0xbf] : b === 0xed ? [2, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [2, 0x80, 0xbf] : b === 0xf0 ? [3, 0x90, 0xbf] : b === 0xf4 ? [3, 0x80, 0x8f] : b >= 0xf1 && b <= 0xf3 ? [3, 0x80, 0xbf] : [-1, 0, 0];
    if (n < 0) return i + 1;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i + k + 1;
    }
    i += n + 1;
  }
  return bytes.length;
}
