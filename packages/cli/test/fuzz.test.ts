/**
 * The CLI fuzz suite: every flag of every command with malformed values and hostile files (cases in
 * fuzz-cases.ts; the flags of the commands that train, write and export in fuzz-run-specs.ts), unknown and duplicated flags, stray arguments, outputs that would overwrite an
 * input or each other. Cases run in child processes through the built CLI's main() (fuzz-runner.mjs),
 * each with a timeout, so a hang fails as a hang. Every one must end with exit 1 or 2, exactly one line on stderr that starts with
 * `repurpose <command>: ` and names the flag and the value, nothing on stdout, no stack trace, and
 * no file left behind. A test also checks every flag the commands declare has cases here.
 */
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FLAGS as EMBED_IDS_FLAGS } from '../src/commands/embed-ids.js';
import { FLAGS as EMBED_FLAGS } from '../src/commands/embed.js';
import { FLAGS as EVAL_FLAGS } from '../src/commands/eval.js';
import { FLAGS as EXPORT_FLAGS } from '../src/commands/export.js';
import { FLAGS as TRAIN_FLAGS } from '../src/commands/train.js';
import { FLAGS as EXPORT_RECIPE_FLAGS } from '../src/commands/export-recipe.js';
import { FLAGS as FIT_FLAGS } from '../src/commands/fit.js';
import { FLAGS as SWEEP_FLAGS } from '../src/commands/sweep.js';
import { FLAGS as FLOPS_FLAGS } from '../src/commands/flops.js';
import { FLAGS as PLAN_FLAGS } from '../src/commands/plan.js';
import { flagCases, hostileFiles, modelDirWithZeroWeights, type FlagSpec, type FuzzCase } from './fuzz-cases.js';
import { runCommandSpecs, runFixtures, runPaths } from './fuzz-run-specs.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/repurpose.js');
const GOLDEN = join(ROOT, 'packages/core/test/fixtures/golden');
const TIMEOUT_MS = 15_000;
/** Child processes running cases side by side. */
const SHARDS = 4;

const dir = mkdtempSync(join(tmpdir(), 'repurpose-fuzz-'));
mkdirSync(join(dir, 'hostile'));
const files = hostileFiles(join(dir, 'hostile'));
modelDirWithZeroWeights(GOLDEN, files.zeroModel);
const fx = { dir, golden: GOLDEN, ledger: join(dir, 'runs.jsonl'), law: join(dir, 'law.json'), config: join(dir, 'config.json') };
const OUT = join(dir, 'out');
mkdirSync(OUT);
const RUN_PATHS = runPaths(dir, OUT, ROOT);
runFixtures(RUN_PATHS, ROOT, BIN);
const RUN_COMMANDS = runCommandSpecs(RUN_PATHS);

const plan = (...rest: string[]) => ['plan', ...rest];
const flopsBase = (...rest: string[]) => ['flops', '--model', 'pythia-70m', '--method', 'full', '--tokens', '1e9', ...rest];
const SPECS: FlagSpec[] = [
  { command: 'plan', flag: '--budget', kind: 'number-list', base: plan(), good: '1e17' },
  { command: 'plan', flag: '--paper-budgets', kind: 'boolean', base: plan() },
  { command: 'plan', flag: '--gpu-hours', kind: 'number', base: plan('--gpu', 'H100'), good: '10' },
  { command: 'plan', flag: '--dollars', kind: 'number', base: plan('--gpu', 'H100', '--price', '2'), good: '100' },
  { command: 'plan', flag: '--price', kind: 'number', base: plan('--gpu', 'H100', '--dollars', '100'), good: '2' },
  { command: 'plan', flag: '--gpu', kind: 'name', base: plan('--gpu-hours', '10'), good: 'H100' },
  { command: 'plan', flag: '--mfu', kind: 'number', base: plan('--gpu-hours', '10', '--gpu', 'H100'), good: '0.4' },
  { command: 'plan', flag: '--dtype', kind: 'choice', base: plan('--gpu-hours', '10', '--gpu', 'H100'), good: 'bf16' },
  { command: 'plan', flag: '--law', kind: 'json-file', base: plan('--budget', '1e17'), good: fx.law },
  { command: 'plan', flag: '--models', kind: 'name-list', base: plan('--budget', '1e17'), good: 'pythia-70m' },
  { command: 'plan', flag: '--family', kind: 'name', base: plan('--budget', '1e17'), good: 'qwen3' },
  { command: 'plan', flag: '--model-config', kind: 'json-file', base: plan('--budget', '1e17'), good: fx.config, multiple: true },
  { command: 'plan', flag: '--methods', kind: 'choice-list', base: plan('--budget', '1e17'), good: 'full,lora' },
  { command: 'plan', flag: '--ranks', kind: 'int-list', base: plan('--budget', '1e17'), good: '8,16' },
  { command: 'plan', flag: '--accounting', kind: 'choice', base: plan('--budget', '1e17'), good: 'paper' },
  { command: 'plan', flag: '--batch-size', kind: 'int', base: plan('--budget', '1e17'), good: '1024' },
  { command: 'plan', flag: '--runners-up', kind: 'int', base: plan('--budget', '1e17'), good: '5' },
  { command: 'plan', flag: '--inference-tokens', kind: 'number', base: plan('--budget', '1e17'), good: '1e9' },
  { command: 'plan', flag: '--max-memory', kind: 'bytes', base: plan('--budget', '1e17'), good: '24GB' },
  { command: 'plan', flag: '--grad-cache', kind: 'int', base: plan('--budget', '1e17'), good: '64' },
  { command: 'plan', flag: '--no-checkpointing', kind: 'boolean', base: plan('--budget', '1e17') },
  { command: 'plan', flag: '--max-pairs', kind: 'int', base: plan('--budget', '1e17'), good: '5e6' },
  { command: 'plan', flag: '--throughput', kind: 'pairs', base: plan('--gpu-hours', '10', '--gpu', 'H100'), good: 'lora=0.7' },
  { command: 'plan', flag: '--json', kind: 'boolean', base: plan('--budget', '1e17') },
  { command: 'plan', flag: '--plot', kind: 'out-file', base: plan('--budget', '1e17'), good: join(OUT, 'p.svg') },
  { command: 'fit', flag: 'RUNS', kind: 'json-file', base: ['fit', '--bootstrap', '0', '--no-cv'] },
  { command: 'fit', flag: '--out', kind: 'out-file', base: ['fit', fx.ledger], good: join(OUT, 'law.json') },
  { command: 'fit', flag: '--plot', kind: 'out-file', base: ['fit', fx.ledger], good: join(OUT, 'fit.svg') },
  { command: 'fit', flag: '--name', kind: 'text', base: ['fit', fx.ledger], good: 'mine' },
  { command: 'fit', flag: '--bootstrap', kind: 'int', base: ['fit', fx.ledger], good: '10' },
  { command: 'fit', flag: '--seed', kind: 'int', base: ['fit', fx.ledger, '--bootstrap', '10'], good: '1' },
  { command: 'fit', flag: '--no-cv', kind: 'boolean', base: ['fit', fx.ledger] },
  { command: 'fit', flag: '--exclude', kind: 'int-list', base: ['fit', fx.ledger], good: '0' },
  { command: 'fit', flag: '--model-config', kind: 'json-file', base: ['fit', fx.ledger], good: fx.config, multiple: true },
  { command: 'fit', flag: '--json', kind: 'boolean', base: ['fit', fx.ledger] },
  { command: 'flops', flag: '--model', kind: 'name', base: ['flops', '--method', 'full', '--tokens', '1e9'], good: 'pythia-70m' },
  { command: 'flops', flag: '--model-config', kind: 'json-file', base: ['flops', '--method', 'full', '--tokens', '1e9'], good: fx.config },
  { command: 'flops', flag: '--method', kind: 'choice', base: ['flops', '--model', 'pythia-70m', '--tokens', '1e9'], good: 'full' },
  { command: 'flops', flag: '--rank', kind: 'int', base: ['flops', '--model', 'pythia-70m', '--method', 'lora', '--tokens', '1e9'], good: '8' },
  { command: 'flops', flag: '--alpha', kind: 'number', base: ['flops', '--model', 'pythia-70m', '--method', 'lora', '--rank', '8', '--tokens', '1e9'], good: '8' },
  { command: 'flops', flag: '--trainable-blocks', kind: 'int', base: ['flops', '--model', 'pythia-70m', '--method', 'freeze', '--tokens', '1e9'], good: '2' },
  { command: 'flops', flag: '--tokens', kind: 'number', base: ['flops', '--model', 'pythia-70m', '--method', 'full'], good: '1e9' },
  { command: 'flops', flag: '--pairs', kind: 'int', base: ['flops', '--model', 'pythia-70m', '--method', 'full'], good: '1000' },
  { command: 'flops', flag: '--accounting', kind: 'choice', base: flopsBase(), good: 'paper' },
  { command: 'flops', flag: '--seq-len', kind: 'int', base: flopsBase('--accounting', 'detailed'), good: '75' },
  { command: 'flops', flag: '--json', kind: 'boolean', base: flopsBase() },
  { command: 'embed-ids', flag: '--model', kind: 'model-dir', base: ['embed-ids', '--ids', '[[1,2]]'], good: GOLDEN },
  { command: 'embed-ids', flag: '--ids', kind: 'ids', base: ['embed-ids', '--model', GOLDEN], good: '[[1,2]]' },
  { command: 'embed-ids', flag: '--method-checkpoint', kind: 'binary-file', base: ['embed-ids', '--model', GOLDEN, '--ids', '[[1,2]]'], good: files.garbage },
  { command: 'embed-ids', flag: '--backend', kind: 'choice', base: ['embed-ids', '--model', GOLDEN, '--ids', '[[1,2]]'], good: 'reference' },
  { command: 'embed-ids', flag: '--threads', kind: 'int', base: ['embed-ids', '--model', GOLDEN, '--ids', '[[1,2]]'], good: '1' },
  { command: 'embed-ids', flag: '--dtype', kind: 'choice', base: ['embed-ids', '--model', GOLDEN, '--ids', '[[1,2]]'], good: 'f32' },
  { command: 'embed-ids', flag: '--json', kind: 'boolean', base: ['embed-ids', '--model', GOLDEN, '--ids', '[[1,2]]'] },
  { command: 'models', flag: '--json', kind: 'boolean', base: ['models'] },
  { command: 'gpus', flag: '--json', kind: 'boolean', base: ['gpus'] },
  ...RUN_COMMANDS.specs,
];

const COMMAND_BASES: Record<string, string[]> = {
  plan: plan('--budget', '1e17'),
  fit: ['fit', fx.ledger],
  flops: flopsBase(),
  'embed-ids': ['embed-ids', '--model', GOLDEN, '--ids', '[[1,2]]'],
  models: ['models'],
  gpus: ['gpus'],
  ...RUN_COMMANDS.bases,
};

/** Outputs that would overwrite an input or each other, directly, through a symlink, or a hard link. */
function collisionCases(): FuzzCase[] {
  const link = join(dir, 'ledger-link.jsonl');
  const hard = join(dir, 'ledger-hard.jsonl');
  const lawLink = join(dir, 'law-link.json');
  const c = (name: string, argv: string[], mentions: string[]): FuzzCase => ({ name, cls: 'output overwrites input', argv, mentions });
  return [
    c('fit --out is the ledger', ['fit', fx.ledger, '--out', fx.ledger], ['--out', 'the ledger']),
    c('fit --plot is the ledger', ['fit', fx.ledger, '--plot', fx.ledger], ['--plot', 'the ledger']),
    c('fit --out is a symlink to the ledger', ['fit', fx.ledger, '--out', link], ['--out', 'the ledger']),
    c('fit --out is a hard link to the ledger', ['fit', fx.ledger, '--out', hard], ['--out', 'the ledger']),
    c('fit --out and --plot are one file', ['fit', fx.ledger, '--out', join(OUT, 'same'), '--plot', join(OUT, 'same')], ['--plot', '--out']),
    c('fit --out and --plot are one file by another spelling', ['fit', fx.ledger, '--out', join(OUT, 'same2'), '--plot', join(OUT, '.', 'sub', '..', 'same2')], ['--plot', '--out']),
    c('fit --out is the --model-config', ['fit', fx.ledger, '--model-config', fx.config, '--out', fx.config], ['--out', '--model-config']),
    c('plan --plot is the --law', plan('--budget', '1e17', '--law', fx.law, '--plot', fx.law), ['--plot', '--law']),
    c('plan --plot is a symlink to the --law', plan('--budget', '1e17', '--law', fx.law, '--plot', lawLink), ['--plot', '--law']),
    c('plan --plot is the --model-config', plan('--budget', '1e17', '--model-config', fx.config, '--plot', fx.config), ['--plot', '--model-config']),
  ];
}

function otherCases(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const [command, base] of Object.entries(COMMAND_BASES)) {
    cases.push({ name: `${command} unknown flag`, cls: 'unknown flag', argv: [...base, '--frobnicate', '1'], mentions: ['--frobnicate'] });
    cases.push({ name: `${command} unknown short flag`, cls: 'unknown flag', argv: [...base, '-z'], mentions: ['-z'] });
    // fit's ledger and embed's texts are positional.
    if (command !== 'fit' && command !== 'embed') cases.push({ name: `${command} stray argument`, cls: 'unknown flag', argv: [...base, 'stray'], mentions: ['stray'] });
  }
  cases.push({ name: 'fit two ledgers', cls: 'unknown flag', argv: ['fit', fx.ledger, fx.ledger], mentions: ['one ledger'] });
  cases.push({ name: 'fit no ledger', cls: 'missing file', argv: ['fit'], mentions: ['ledger'] });
  cases.push({ name: 'unknown command', cls: 'unknown flag', argv: ['frobnicate'], mentions: ['frobnicate'] });
  cases.push({ name: 'plan without a budget', cls: 'empty', argv: ['plan'], mentions: ['--budget'] });
  cases.push({ name: 'plan with two budget forms', cls: 'duplicated flag', argv: plan('--budget', '1e17', '--paper-budgets'), mentions: ['--budget', '--paper-budgets'] });
  cases.push({ name: 'plan --mfu without --gpu', cls: 'silently ignored', argv: plan('--budget', '1e17', '--mfu', '0.5'), mentions: ['--mfu', '--gpu'] });
  cases.push({ name: 'plan --price without --gpu', cls: 'silently ignored', argv: plan('--budget', '1e17', '--price', '2'), mentions: ['--price', '--gpu'] });
  cases.push({ name: 'plan --dtype without --gpu', cls: 'silently ignored', argv: plan('--budget', '1e17', '--dtype', 'fp16'), mentions: ['--dtype', '--gpu'] });
  cases.push({ name: 'plan --mfu 1.5', cls: 'huge', argv: plan('--gpu-hours', '1', '--gpu', 'H100', '--mfu', '1.5'), mentions: ['--mfu', '1.5'] });
  cases.push({ name: 'plan --family with --models', cls: 'silently ignored', argv: plan('--budget', '1e17', '--family', 'qwen3', '--models', 'pythia-70m'), mentions: ['--family', '--models'] });
  cases.push({ name: 'plan --ranks without lora', cls: 'silently ignored', argv: plan('--budget', '1e17', '--methods', 'full', '--ranks', '8'), mentions: ['--ranks'] });
  cases.push({ name: 'flops --seq-len without detailed', cls: 'silently ignored', argv: flopsBase('--seq-len', '75'), mentions: ['--seq-len'] });
  cases.push({ name: 'flops --rank without lora', cls: 'silently ignored', argv: flopsBase('--rank', '8'), mentions: ['--rank'] });
  cases.push({ name: 'flops --model and --model-config', cls: 'duplicated flag', argv: ['flops', '--model', 'pythia-70m', '--model-config', fx.config, '--method', 'full', '--tokens', '1e9'], mentions: ['--model', '--model-config'] });
  cases.push({ name: 'fit --bootstrap 1e7', cls: 'huge', argv: ['fit', fx.ledger, '--bootstrap', '1e7'], mentions: ['--bootstrap', '1e7', '10,000'] });
  cases.push({ name: 'fit --exclude beyond the ledger', cls: 'huge', argv: ['fit', fx.ledger, '--bootstrap', '0', '--exclude', '5000'], mentions: ['5000'] });
  cases.push({ name: 'embed-ids --method-checkpoint of another model kind', cls: 'wrong type', argv: ['embed-ids', '--model', GOLDEN, '--ids', '[[1]]', '--method-checkpoint', fx.law], mentions: [fx.law] });
  return cases;
}

const CASES: FuzzCase[] = [...SPECS.flatMap((s) => flagCases(s, fx, files)), ...collisionCases(), ...otherCases()];
/** Cases per class; FUZZ_COUNTS=file writes them there (for reports). */
const CASE_COUNTS = CASES.reduce<Record<string, number>>((acc, c) => ((acc[c.cls] = (acc[c.cls] ?? 0) + 1), acc), {});
if (process.env.FUZZ_COUNTS) writeFileSync(process.env.FUZZ_COUNTS, `${JSON.stringify({ total: CASES.length, ...CASE_COUNTS }, null, 1)}\n`);

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const RUNNER = join(import.meta.dirname, 'fuzz-runner.mjs');

/**
 * Runs cases in child processes (fuzz-runner.mjs), several cases per process. A case that gives no
 * answer within TIMEOUT_MS is recorded as hung, its process killed, and the rest go to a new one.
 */
function runShard(shard: (readonly [number, FuzzCase])[], outcomes: Map<string, Outcome>): Promise<void> {
  return new Promise((resolve) => {
    if (shard.length === 0) return resolve();
    const child = spawn(process.execPath, [RUNNER], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let buffer = '';
    let current: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const left = new Map(shard.map(([i, c]) => [i, c]));
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (current !== undefined) {
          const c = left.get(current)!;
          outcomes.set(c.name, { code: null, signal: 'SIGKILL', stdout: '', stderr: `no answer within ${TIMEOUT_MS} ms` });
          left.delete(current);
        }
        child.kill('SIGKILL');
      }, TIMEOUT_MS);
    };
    child.stdout.on('data', (d) => {
      buffer += d;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const msg = JSON.parse(buffer.slice(0, nl)) as { index: number; start?: true; code?: number; stdout?: string; stderr?: string };
        buffer = buffer.slice(nl + 1);
        if (msg.start) {
          current = msg.index;
          arm();
        } else {
          const c = left.get(msg.index)!;
          outcomes.set(c.name, { code: typeof msg.code === 'number' ? msg.code : null, signal: null, stdout: msg.stdout ?? '', stderr: msg.stderr ?? '' });
          left.delete(msg.index);
          current = undefined;
        }
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      // Killed on a hang (or crashed): the cases it had not answered go to a fresh process.
      void runShard([...left.entries()], outcomes).then(resolve);
    });
    child.stdin.end(JSON.stringify(shard.map(([i, c]) => [i, c.argv])));
  });
}

const outcomes = new Map<string, Outcome>();
let before: string[] = [];

beforeAll(async () => {
  const ledger = await new Promise<string>((resolve) => {
    let text = '';
    const child = spawn(process.execPath, [join(ROOT, 'examples/synthetic-ledger.mjs')]);
    child.stdout.on('data', (d) => (text += d));
    child.on('close', () => resolve(text));
  });
  writeFileSync(fx.ledger, ledger);
  writeFileSync(fx.config, readFileSync(join(GOLDEN, 'config.json')));
  const made = new Map<string, Outcome>();
  await runShard([[0, { name: 'fixture law', cls: '', argv: ['fit', fx.ledger, '--bootstrap', '0', '--no-cv', '--out', fx.law], mentions: [] }]], made);
  expect(made.get('fixture law')?.code).toBe(0);
  symlinkSync(fx.ledger, join(dir, 'ledger-link.jsonl'));
  linkSync(fx.ledger, join(dir, 'ledger-hard.jsonl'));
  symlinkSync(fx.law, join(dir, 'law-link.json'));
  before = readdirSync(dir).sort();
  const shards = Array.from({ length: SHARDS }, (_, k) => CASES.map((c, i) => [i, c] as const).filter(([i]) => i % SHARDS === k));
  await Promise.all(shards.map((shard) => runShard(shard, outcomes)));
}, 600_000);

describe('CLI fuzz: every bad input ends in one line, exit 1 or 2, nothing hangs', () => {
  it('covers every flag every command declares', () => {
    const declared = [
      ...Object.keys(PLAN_FLAGS).map((f) => `plan --${f}`),
      ...Object.keys(FIT_FLAGS).map((f) => `fit --${f}`),
      ...Object.keys(FLOPS_FLAGS).map((f) => `flops --${f}`),
      ...Object.keys(EMBED_IDS_FLAGS).map((f) => `embed-ids --${f}`),
      ...Object.keys(TRAIN_FLAGS).map((f) => `train --${f}`),
      ...Object.keys(EVAL_FLAGS).map((f) => `eval --${f}`),
      ...Object.keys(EMBED_FLAGS).map((f) => `embed --${f}`),
      ...Object.keys(EXPORT_FLAGS).map((f) => `export --${f}`),
      ...Object.keys(EXPORT_RECIPE_FLAGS).map((f) => `export-recipe --${f}`),
      ...Object.keys(SWEEP_FLAGS).map((f) => `sweep --${f}`),
    ];
    const covered = new Set(SPECS.map((s) => `${s.command} ${s.flag}`));
    expect(declared.filter((d) => !covered.has(d))).toEqual([]);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = outcomes.get(c.name)!;
    const summary = `${c.argv.join(' ').slice(0, 200)}\n→ exit ${r.code} signal ${r.signal}\nstderr: ${r.stderr.slice(0, 600)}\nstdout: ${r.stdout.slice(0, 200)}`;
    expect(r.signal, `hung or was killed: ${summary}`).toBeNull();
    expect([1, 2], summary).toContain(r.code);
    expect(r.stdout, summary).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, summary).toHaveLength(1);
    expect(lines[0], summary).toMatch(new RegExp(`^repurpose${c.argv[0] === 'frobnicate' ? '' : ` ${c.argv[0]}`}: `));
    expect(lines[0], summary).not.toMatch(/unexpected error|\bat .*:\d+:\d+/);
    // A value may be shown as typed or inside a JSON string (quotes escaped).
    for (const m of c.mentions) expect(lines[0]!.includes(m) || lines[0]!.includes(JSON.stringify(m).slice(1, -1)), `should mention ${JSON.stringify(m)}: ${summary}`).toBe(true);
  });

  it('leaves no file behind (no partial outputs, no temporary files)', () => {
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readdirSync(OUT)).toEqual([]);
  });
});

