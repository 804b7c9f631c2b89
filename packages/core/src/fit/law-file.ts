/**
 * Node convenience: a law as a file. `writeLawFile` writes saveLaw's JSON atomically
 * (io/write-file-atomic.ts: a reader sees the old file or the new, and a kill leaves no temporary
 * behind for long); `readLawFile` reads it back through the bounded reader (no FIFOs, devices or
 * files over 64 MiB; JSON nesting bounded) and `loadLaw`. Export from `@repurpose/core/node`.
 * Not a law registry.
 */
import { ValidationError } from '../errors.js';
import type { ScalingLaw } from '../laws/law.js';
import { parseJsonBounded } from '../io/bounded-json.js';
import { readRegularTextFile } from '../io/read-regular-file.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { FittedLaw } from './fitted-law.js';
import { loadLaw, saveLaw } from './saved-law.js';

/** 200 replicates make a law.json of about 100 kB; 64 MiB is far past any real one. */
export const MAX_LAW_FILE_BYTES = 64 * 2 ** 20;

export async function writeLawFile(path: string, law: FittedLaw): Promise<void> {
  const saved = saveLaw(law);
  await writeFileAtomic(path, `${JSON.stringify(saved, null, 2)}\n`);
}

export async function readLawFile(path: string): Promise<ScalingLaw> {
  const text = await readRegularTextFile(path, { what: 'a law file (law.json)', maxBytes: MAX_LAW_FILE_BYTES });
  const json = parseJsonBounded(text, path, 'a law file written by saveLaw (JSON)');
  if (json === null || typeof json !== 'object') throw new ValidationError(path, json, 'a law file written by saveLaw (a JSON object)');
  return loadLaw(json, path);
}
