/** The constant the model cards print equals the package's own version. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_NAME, LIBRARY_VERSION } from './library-version.js';

describe('LIBRARY_VERSION', () => {
  it('is package.json’s version', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { name: string; version: string };
    expect([LIBRARY_NAME, LIBRARY_VERSION]).toEqual([pkg.name, pkg.version]);
  });
});
