/**
 * @repurpose/core as a user gets it: `npm pack`, install the tarball into a fresh project outside the
 * workspace, then call optimalRecipe from ESM and from CommonJS. Also checks the published manifest
 * depends on zod alone and that loading the entry pulls in nothing but core and zod (no backend).
 * Needs the npm registry (for zod), as any install does; `npm test` builds dist first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..');
let project = '';

beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), 'repurpose-pack-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: CORE, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  project = join(work, 'user-project');
  execFileSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball)], { cwd: project, stdio: 'pipe' });
}, 180_000);

const node = (file: string, source: string) => {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
};

describe('the packed @repurpose/core', () => {
  it('depends on zod only', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@repurpose/core/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['zod']);
    expect(manifest.peerDependencies).toBeUndefined();
  });

  it('works from ESM', () => {
    const out = node('esm.mjs', "import { optimalRecipe } from '@repurpose/core';\nconst r = optimalRecipe(1e17);\nconsole.log(JSON.stringify({ model: r.model.name, kind: r.method.kind }));\n");
    expect(JSON.parse(out)).toEqual({ model: expect.stringMatching(/^pythia-/), kind: 'lora' });
  });

  it('works from CommonJS and loads nothing but core and zod', () => {
    const out = node(
      'cjs.cjs',
      "const { optimalRecipe } = require('@repurpose/core');\nconst r = optimalRecipe(1e16);\nconst loaded = Object.keys(require.cache).map((p) => p.split('node_modules/')[1]?.split('/').slice(0, 2).join('/')).filter(Boolean);\nconsole.log(JSON.stringify({ kind: r.method.kind, loaded: [...new Set(loaded.map((p) => (p.startsWith('@') ? p : p.split('/')[0])))].sort() }));\n",
    );
    expect(JSON.parse(out)).toEqual({ kind: 'full', loaded: ['@repurpose/core', 'zod'] });
  });

  it('ships types for both module systems and no test files', () => {
    const files = readdirSync(join(project, 'node_modules/@repurpose/core/dist'));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']));
    expect(files.some((f) => f.includes('test'))).toBe(false);
  });
});
