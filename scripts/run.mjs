#!/usr/bin/env node
// The one entry point behind `npm run demo`, `npm test`, `npm run bench` and `npm run build`.
// It makes a fresh clone usable by itself: pinned pnpm (through npx when absent), install, build,
// then the job. It is deliberately not a task runner: four fixed jobs, no options.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(cmd, args) {
  const status = run(cmd, args);
  if (status !== 0) {
    console.error(`repurpose: '${cmd} ${args.join(' ')}' exited with ${status}`);
    process.exit(status);
  }
}

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm', []];
  return ['npx', ['-y', `pnpm@${PNPM_VERSION}`]];
}

const [pnpm, pnpmPrefix] = pnpmCommand();
const pn = (...args) => must(pnpm, [...pnpmPrefix, ...args]);

function setUp() {
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  pn('install', ...frozen);
  pn('-r', 'build');
}

/** Vitest's own summary is not the plain `N passed, N failed` line CI reads, so we print one. */
function test() {
  // vitest strips types without checking them, so a test file's type error would pass unseen.
  pn('-r', 'typecheck');
  const out = join(root, '.tmp');
  mkdirSync(out, { recursive: true });
  const report = join(out, 'vitest.json');
  const status = run(pnpm, [...pnpmPrefix, 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  if (!existsSync(report)) {
    console.error('repurpose: vitest wrote no report');
    process.exit(status || 1);
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  const failedSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  const failed = r.numFailedTests + failedSuites;
  console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(status !== 0 || failed > 0 || r.numPassedTests === 0 ? 1 : 0);
}

const job = process.argv[2];
switch (job) {
  case 'build':
    setUp();
    break;
  case 'test':
    setUp();
    test();
    break;
  case 'demo':
    setUp();
    must('node', ['examples/demo.mjs']);
    break;
  case 'bench':
    setUp();
    must('node', ['bench/run.mjs', ...process.argv.slice(3)]);
    break;
  default:
    console.error(`usage: node scripts/run.mjs build|test|demo|bench (got ${job})`);
    process.exit(2);
}
