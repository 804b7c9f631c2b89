/**
 * Every fenced code block of README.md and docs/*.md, run as a user would run it (read from the
 * Markdown at test time, see doc-blocks.ts): shell lines through the built `repurpose` binary, JS/TS
 * modules against the built packages with each value a comment claims (`recipe.model.name; //
 * 'pythia-160m'`) compared, JSONL ledgers through parseLedger. Blocks fenced `no-run` are sketches
 * and `text` is prose; any other language fails here, so a new block cannot be skipped by accident.
 *
 * The one thing the test supplies is what the docs call a placeholder: a model directory (`DIR`,
 * `path/to/gpt-neox`, `my-model/config.json`) is the tiny golden GPT-NeoX fixture, and `runs.jsonl` is the synthetic ledger
 * examples/synthetic-ledger.mjs writes (as docs/fitting.md says to make it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLedger } from '@repurpose/core';
import { docBlocks, instrumentJs, matchesClaim, shellCommands } from './doc-blocks.js';

const ROOT = join(import.meta.dirname, '../../..');
const GOLDEN = join(ROOT, 'packages/core/test/fixtures/golden');
/** A block runs several commands (a fit among them); on a loaded machine that takes a while. */
const SLOW = 240_000;
const RUNNABLE = new Set(['sh', 'js', 'ts', 'jsonl', 'text']);
const blocks = docBlocks(ROOT);

const placeholders = (code: string) =>
  code
    .replace(/--model DIR\b/g, `--model ${GOLDEN}`)
    .replace(/'path\/to\/gpt-neox'/g, JSON.stringify(GOLDEN))
    .replace(/\bmy-model\/config\.json\b/g, join(GOLDEN, 'config.json'));

let template = '';
let env: NodeJS.ProcessEnv = {};
beforeAll(() => {
  template = mkdtempSync(join(tmpdir(), 'repurpose-docs-'));
  const bin = join(template, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'repurpose'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'packages/cli/bin/repurpose.js'))} "$@"\n`);
  chmodSync(join(bin, 'repurpose'), 0o755);
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const ledger = spawnSync(process.execPath, [join(ROOT, 'examples/synthetic-ledger.mjs')], { encoding: 'utf8' });
  writeFileSync(join(template, 'runs.jsonl'), ledger.stdout);
});

/** Each block gets its own folder (so blocks can run side by side): the repo's examples and packages, core, the ONNX backend and onnxruntime-node as dependencies, runs.jsonl. */
function workDir(): string {
  const work = mkdtempSync(join(template, 'block-'));
  for (const dir of ['examples', 'packages']) symlinkSync(join(ROOT, dir), join(work, dir));
  mkdirSync(join(work, 'node_modules/@repurpose'), { recursive: true });
  symlinkSync(join(ROOT, 'packages/core'), join(work, 'node_modules/@repurpose/core'));
  symlinkSync(join(ROOT, 'packages/backend-onnx'), join(work, 'node_modules/@repurpose/backend-onnx'));
  symlinkSync(join(ROOT, 'packages/backend-onnx/node_modules/onnxruntime-node'), join(work, 'node_modules/onnxruntime-node'));
  copyFileSync(join(template, 'runs.jsonl'), join(work, 'runs.jsonl'));
  return work;
}

/** spawn, awaited, so concurrent tests do not block each other. */
function run(command: string, args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('the docs', () => {
  it('has code blocks, each in a language the test runs (or marked no-run)', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const b of blocks) expect(RUNNABLE.has(b.lang) || b.noRun ? b.lang : `${b.where}: unknown language "${b.lang}"`).toBe(b.lang);
    // The few deliberate sketches, so a new one is a visible change to this number.
    expect(blocks.filter((b) => b.noRun).map((b) => b.where)).toEqual(['README.md:13', 'docs/onnx.md:23', 'docs/onnx.md:123']);
  });

  it('docs/architecture.md names every command the CLI has, and no other', () => {
    const help = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/repurpose.js'), '--help'], { encoding: 'utf8' }).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).sort();
    const row = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8').split('\n').find((l) => l.startsWith('| `repurpose` (packages/cli)'))!;
    expect([...row.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).filter((c) => c !== 'repurpose').sort()).toEqual(commands);
    expect(commands).toHaveLength(12);
  });

  it.concurrent('docs/training.md: `node examples/finetune-tiny.mjs` prints the held-out losses the docs quote', async () => {
    const doc = readFileSync(join(ROOT, 'docs/training.md'), 'utf8');
    const claim = /`node examples\/finetune-tiny\.mjs`[^]*?held-out loss ([\d.]+) → ([\d.]+) in (\d+) steps/.exec(doc)!;
    expect(claim).not.toBeNull();
    const r = await run(process.execPath, [join(ROOT, 'examples/finetune-tiny.mjs')], ROOT);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`held-out InfoNCE loss ${claim[1]} → ${claim[2]}`);
    expect(r.stdout).toContain(`step ${claim[3]} `);
  }, SLOW);

  // One test per shell block, its lines in order (a later line may read what an earlier one wrote).
  for (const block of blocks.filter((b) => !b.noRun && b.lang === 'sh')) {
    const commands = shellCommands(placeholders(block.code));
    it.concurrent(`${block.where}: ${commands.length} command lines run (${commands.map((c) => c.split(' ').slice(0, 2).join(' ')).join(', ').slice(0, 80)})`, async () => {
      const work = workDir();
      for (const command of commands) {
        const r = await run('bash', ['-c', command], work);
        expect(`$ ${command}\nexit ${r.status}: ${r.stderr}`).toBe(`$ ${command}\nexit 0: `);
        if (!command.includes('>')) expect(r.stdout.length, `$ ${command} printed nothing`).toBeGreaterThan(0);
      }
    }, SLOW);
  }

  for (const block of blocks.filter((b) => !b.noRun && (b.lang === 'js' || b.lang === 'ts'))) {
    it.concurrent(`${block.where}: the ${block.lang} block runs and gives the values its comments show`, async () => {
      const work = workDir();
      const { module, claims } = instrumentJs(placeholders(block.code));
      const file = join(work, 'block.mjs');
      writeFileSync(file, module);
      const r = await run(process.execPath, [file], work);
      expect(`exit ${r.status}: ${r.stderr}`).toBe('exit 0: ');
      const actual = JSON.parse(/__CLAIMS__(.*)$/m.exec(r.stdout)![1]!) as Record<string, unknown>;
      for (const c of claims) {
        const got = actual[c.line];
        expect(matchesClaim(got, c.claimed) ? 'as documented' : `${block.where} line ${c.line}: ${c.expression} is ${JSON.stringify(got)}, the docs say ${c.text}`).toBe('as documented');
      }
    }, SLOW);
  }

  for (const block of blocks.filter((b) => !b.noRun && b.lang === 'jsonl')) {
    it(`${block.where}: the ledger lines parse`, () => {
      const lines = block.code.split('\n').filter((l) => l.trim() !== '');
      expect(parseLedger(block.code)).toHaveLength(lines.length);
    });
  }
});
