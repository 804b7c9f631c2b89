/**
 * Node convenience: read a ledger (JSONL) from a path. Kept apart from ledger.ts so the main entry
 * imports nothing from Node and still bundles for browsers (export it from `@repurpose/core/node`).
 * Not a writer: a ledger is appended to by whatever runs the experiments.
 */
import { readRegularTextFile } from '../io/read-regular-file.js';
import { parseLedger, type Observation } from './ledger.js';

/** 1 GiB of JSONL is millions of runs; a larger file is refused before it is read. */
export const MAX_LEDGER_FILE_BYTES = 2 ** 30;

/**
 * Reads and parses a ledger file. A LedgerError names the path and every malformed line; a path that
 * is not a regular file (a FIFO, a device) or is over MAX_LEDGER_FILE_BYTES is a ValidationError.
 */
export async function readLedgerFile(path: string): Promise<Observation[]> {
  const text = await readRegularTextFile(path, { what: 'a ledger (JSONL)', maxBytes: MAX_LEDGER_FILE_BYTES });
  return parseLedger(text, { source: path });
}
