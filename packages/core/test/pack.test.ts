/**
 * @repurpose/core, @repurpose/backend-onnx and the `repurpose` CLI as a user gets them: `npm pack` of
 * each (plain npm; the prepack of the CLI and of the backend turns pnpm's workspace:* into the
 * versions), the tarballs installed together with plain npm into a fresh project outside the
 * workspace (ONNXRUNTIME_NODE_INSTALL=skip, as the docs tell users, skips ORT's GPU download), then optimalRecipe from ESM and CommonJS, the
 * engine subpath, and the installed `repurpose` binary. Also checks the published manifests (core:
 * zod and the tokenizer library; no workspace: ranges), README and LICENSE in both tarballs, and that loading the
 * root entry pulls in nothing but core and zod (no backend). Needs the npm registry (for zod), as any
 * install does; `npm test` builds dist first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..');
const CLI = join(import.meta.dirname, '../../cli');
const BACKEND_ONNX = join(import.meta.dirname, '../../backend-onnx');
let project = '';
let tarballs: Record<'core' | 'cli' | 'backendOnnx', string[]> = { core: [], cli: [], backendOnnx: [] };

beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), 'repurpose-pack-'));
  const pack = (dir: string, dest: string) => {
    mkdirSync(dest);
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], { cwd: dir, stdio: 'pipe' });
    return join(dest, readdirSync(dest).find((f) => f.endsWith('.tgz'))!);
  };
  const core = pack(CORE, join(work, 'core'));
  const cli = pack(CLI, join(work, 'cli'));
  const backendOnnx = pack(BACKEND_ONNX, join(work, 'backend-onnx'));
  const list = (tgz: string) => execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean);
  tarballs = { core: list(core), cli: list(cli), backendOnnx: list(backendOnnx) };
  project = join(work, 'user-project');
  execFileSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', core, backendOnnx, cli], {
    cwd: project,
    stdio: 'pipe',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' },
  });
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

describe('the packed repurpose CLI, installed beside it with plain npm', () => {
  it('the three tarballs carry README.md and LICENSE; the CLI and backend manifests have no workspace: ranges', () => {
    for (const files of [tarballs.core, tarballs.cli, tarballs.backendOnnx]) expect(files).toEqual(expect.arrayContaining(['package/README.md', 'package/LICENSE', 'package/package.json']));
    const manifest = readFileSync(join(project, 'node_modules/repurpose/package.json'), 'utf8');
    expect(manifest).not.toContain('workspace:');
    expect(readFileSync(join(project, 'node_modules/@repurpose/backend-onnx/package.json'), 'utf8')).not.toContain('workspace:');
    expect(JSON.parse(manifest).dependencies['@repurpose/core']).toBe(JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')).version);
    // The CLI uses the core installed beside it, not a second copy.
    expect(existsSync(join(project, 'node_modules/repurpose/node_modules/@repurpose/core'))).toBe(false);
  });

  it('the installed `repurpose` binary plans, counts FLOP and refuses bad input in one line', () => {
    const bin = join(project, 'node_modules/.bin/repurpose');
    const recipe = JSON.parse(execFileSync(bin, ['plan', '--budget', '1e17', '--json'], { cwd: project, encoding: 'utf8' }));
    expect(recipe.method.kind).toBe('lora');
    const flops = JSON.parse(execFileSync(bin, ['flops', '--model', 'pythia-410m', '--method', 'lora', '--rank', '32', '--tokens', '1e9', '--json'], { cwd: project, encoding: 'utf8' }));
    expect(flops.total).toBe(1.284743168e18);
    const bad = spawnSync(bin, ['plan', '--budget', 'lots'], { cwd: project, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('repurpose plan: --budget: expected a number, got "lots"\n');
  });

  it('the engine subpath works from the installed core', () => {
    const out = node('engine.mjs', "import { hostTensor } from '@repurpose/core/engine';\nimport * as root from '@repurpose/core';\nconsole.log(JSON.stringify({ shape: hostTensor('f32', [2], [1, 2]).shape, rootHasEngine: 'hostTensor' in root }));\n");
    expect(JSON.parse(out)).toEqual({ shape: [2], rootHasEngine: false });
  });
});
