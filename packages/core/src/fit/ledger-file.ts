/**
 * Node convenience: read a ledger (JSONL) from a path. Kept apart from ledger.ts so the main entry
 * imports nothing from Node and still bundles for browsers (export it from `@repurpose/core/node`).
 * Not a writer: a ledger is appended to by whatever runs the experiments.
 */
import { readFile } from 'node:fs/promises';
import { parseLedger, type Observation } from './ledger.js';

/** Reads and parses a ledger file. A LedgerError names the path and every malformed line. */
export async function readLedgerFile(path: string): Promise<Observation[]> {
  const text = await readFile(path, 'utf8');
  return parseLedger(text, { source: path });
}
