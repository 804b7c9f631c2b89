/**
 * @repurpose/core as a user gets it: `npm pack`, install the tarball into a fresh project outside the
 * workspace, then call optimalRecipe from ESM and from CommonJS. Also checks the published manifest
 * depends on zod and the tokenizer library alone and that loading the root entry pulls in nothing but core
 * and zod (no backend, no tokenizer).
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
  it('depends on zod and @huggingface/tokenizers only (docs/architecture.md says why)', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@repurpose/core/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@huggingface/tokenizers', 'zod']);
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

  it('the engine entry tokenizes with the installed tokenizer library, from ESM and CommonJS', () => {
    const dir = JSON.stringify(join(CORE, 'test/fixtures/text/tiny-bpe'));
    const esm = node('tok.mjs', `import { loadTokenizerDir } from '@repurpose/core/node';\nconst t = await loadTokenizerDir(${dir});\nconsole.log(JSON.stringify(t.encode('Hello, world!')));\n`);
    const cjs = node('tok.cjs', `const { loadTokenizerDir } = require('@repurpose/core/node');\nloadTokenizerDir(${dir}).then((t) => console.log(JSON.stringify(t.encode('Hello, world!'))));\n`);
    expect(JSON.parse(esm)).toEqual([41, 70, 348, 80, 13, 678, 2]);
    expect(JSON.parse(cjs)).toEqual(JSON.parse(esm));
  });

  it('ships types for both module systems and no test files', () => {
    const files = readdirSync(join(project, 'node_modules/@repurpose/core/dist'));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']));
    expect(files.some((f) => f.includes('test'))).toBe(false);
  });
});
