/**
 * Parses and validates the header of a safetensors file (Hugging Face layout):
 *
 *   bytes 0..8        u64 little-endian N, the header length
 *   bytes 8..8+N      UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}
 *                     (space-padded by writers so the data starts 8-byte aligned)
 *   bytes 8+N..       the data buffer; offsets are relative to its start
 *
 * Every check runs before any tensor is decoded, so a malformed file is rejected whole. Like the
 * reference Rust implementation, tensors must tile the data buffer exactly: packed back to back from 0,
 * no overlaps, no gaps, nothing after the last one. Not a decoder (see safetensors-read.ts) and no I/O.
 */
import { DTYPE_BYTES, SAFETENSORS_DTYPES, isSafetensorsDtype, type SafetensorsDtype } from './safetensors-dtype.js';
import { ValidationError } from '../errors.js';
import { checkOptions } from '../validate.js';
import { SafetensorsError, formatShape } from './safetensors-error.js';

/** Headers above this are refused unread: a corrupt length must not make us allocate gigabytes. */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

/** One tensor as the header describes it. `begin`/`end` are byte offsets into the data buffer. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** N, the JSON header's length in bytes (padding included). */
  readonly headerBytes: number;
  /** Absolute offset of the data buffer in the file: 8 + N. */
  readonly dataStart: number;
  /** Length of the data buffer in bytes. */
  readonly dataBytes: number;
  /** `__metadata__`, or `{}` when the file has none. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
}

export interface ParseHeaderOptions {
  /** Refuse headers longer than this many bytes (default 100 MB). */
  maxHeaderBytes?: number;
  /**
   * Total file length, when `bytes` holds only a prefix of the file (at least 8 + N bytes). Lets a
   * caller read just the header of a large checkpoint; defaults to `bytes.length`.
   */
  fileBytes?: number;
}

/** Reads the header length prefix and the JSON header, and checks every entry against the file size. */
export function parseSafetensorsHeader(bytes: Uint8Array, options: ParseHeaderOptions = {}): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) throw new ValidationError('bytes', bytes, 'the bytes of a safetensors file (a Uint8Array)');
  checkOptions(options, 'options', ['maxHeaderBytes', 'fileBytes']);
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 8) throw new ValidationError('options.maxHeaderBytes', maxHeaderBytes, 'an integer ≥ 8 (bytes)');
  const fileBytes = options.fileBytes ?? bytes.length;
  if (!Number.isSafeInteger(fileBytes) || fileBytes < 0) throw new ValidationError('options.fileBytes', fileBytes, 'a whole number of bytes');
  if (fileBytes < 8 || bytes.length < 8) {
    throw new SafetensorsError(
      'truncated',
      `safetensors file is truncated: ${Math.min(fileBytes, bytes.length)} bytes, expected at least the 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // u64 as two u32 halves: a length needing the high half is far over any limit, and this keeps the
  // arithmetic in safe integers without BigInt.
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  if (high !== 0 || low > maxHeaderBytes) {
    const declared = high === 0 ? String(low) : (BigInt(high) * 2n ** 32n + BigInt(low)).toString();
    throw new SafetensorsError(
      'header-too-large',
      `safetensors header length is ${declared} bytes, over the limit of ${maxHeaderBytes} bytes (corrupt file, or raise maxHeaderBytes)`,
    );
  }
  const headerBytes = low;
  const dataStart = 8 + headerBytes;
  if (dataStart > fileBytes) {
    throw new SafetensorsError(
      'truncated',
      `safetensors file is truncated: header length is ${headerBytes} bytes but the file is ${fileBytes} bytes, so at most ${fileBytes - 8} header bytes follow the length prefix`,
    );
  }
  if (dataStart > bytes.length) {
    throw new SafetensorsError(
      'truncated',
      `safetensors header needs bytes 8..${dataStart} but only ${bytes.length} were given`,
    );
  }
  const json = decodeHeaderJson(bytes.subarray(8, dataStart));
  const dataBytes = fileBytes - dataStart;

  let metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = parseMetadata(value);
    else tensors.set(name, parseEntry(name, value));
  }
  checkTiling([...tensors.values()], dataBytes);
  return { headerBytes, dataStart, dataBytes, metadata, tensors };
}

function decodeHeaderJson(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new SafetensorsError('invalid-header', 'safetensors header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SafetensorsError(
      'invalid-header',
      `safetensors header is not valid JSON (${reason}); it starts ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SafetensorsError(
      'invalid-header',
      `safetensors header must be a JSON object of tensors, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`,
    );
  }
  return json as Record<string, unknown>;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SafetensorsError('invalid-header', `safetensors "__metadata__" must be an object of strings, got ${JSON.stringify(value)}`);
  }
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        'invalid-header',
        `safetensors "__metadata__".${key} must be a string, got ${JSON.stringify(v)}`,
      );
    }
    metadata[key] = v;
  }
  return metadata;
}

function parseEntry(name: string, value: unknown): SafetensorsEntry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SafetensorsError('invalid-header', `${where}: header entry must be an object {dtype, shape, data_offsets}, got ${JSON.stringify(value)}`, name);
  }
  const entry = value as Record<string, unknown>;
  const dtype = entry['dtype'];
  if (!isSafetensorsDtype(dtype)) {
    throw new SafetensorsError(
      'unknown-dtype',
      `${where}: dtype ${JSON.stringify(dtype)} is not supported; expected one of ${SAFETENSORS_DTYPES.join(', ')}`,
      name,
    );
  }
  const shape = entry['shape'];
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw new SafetensorsError('invalid-header', `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`, name);
  }
  const offsets = entry['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw new SafetensorsError(
      'invalid-header',
      `${where}: data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`,
      name,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) {
    throw new SafetensorsError('bad-offsets', `${where}: data_offsets [${begin},${end}] have begin > end`, name);
  }
  const elements = shape.reduce((n: number, d: number) => n * d, 1);
  const expectedBytes = elements * DTYPE_BYTES[dtype];
  if (!Number.isSafeInteger(expectedBytes)) {
    throw new SafetensorsError('invalid-header', `${where}: shape ${formatShape(shape)} is too large`, name);
  }
  if (end - begin !== expectedBytes) {
    throw new SafetensorsError(
      'size-mismatch',
      `${where}: data_offsets [${begin},${end}] span ${end - begin} bytes, expected ${expectedBytes} (${dtype} ${formatShape(shape)} = ${elements} × ${DTYPE_BYTES[dtype]} bytes)`,
      name,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** Tensors must cover [0, dataBytes) exactly, back to back; anything else is corruption or truncation. */
function checkTiling(entries: SafetensorsEntry[], dataBytes: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: SafetensorsEntry | undefined;
  for (const entry of sorted) {
    const where = `tensor ${JSON.stringify(entry.name)}: data_offsets [${entry.begin},${entry.end}]`;
    if (entry.begin < cursor) {
      const other = previous ? ` overlap tensor ${JSON.stringify(previous.name)} [${previous.begin},${previous.end}]` : '';
      throw new SafetensorsError('bad-offsets', `${where}${other}; tensors must not overlap`, entry.name);
    }
    if (entry.begin > cursor) {
      if (entry.end > dataBytes) {
        throw new SafetensorsError(
          'bad-offsets',
          `${where} lie outside the data buffer of ${dataBytes} bytes; expected the tensor to start at byte ${cursor}`,
          entry.name,
        );
      }
      throw new SafetensorsError(
        'bad-offsets',
        `${where} leave ${entry.begin - cursor} unused bytes before the tensor; expected it to start at byte ${cursor} (tensors are packed back to back)`,
        entry.name,
      );
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor > dataBytes) {
    const name = previous?.name;
    throw new SafetensorsError(
      'truncated',
      `safetensors file is truncated: the header declares ${cursor} data bytes (tensor ${JSON.stringify(name)} ends at ${cursor}) but only ${dataBytes} follow the header`,
      name,
    );
  }
  if (cursor < dataBytes) {
    throw new SafetensorsError(
      'bad-offsets',
      `safetensors data buffer has ${dataBytes - cursor} bytes after the last tensor (ends at ${cursor} of ${dataBytes}) that the header does not describe`,
    );
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
