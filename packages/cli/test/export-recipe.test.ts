/**
 * `repurpose export-recipe` and `repurpose sweep` at the command line, without Python: what they write,
 * what they print, and the one-line errors for bad flags — each refused before anything is written.
 * The run under torchrun is export-recipe-torchrun.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/repurpose.js');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
};

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'repurpose-export-cli-'));
  writeFileSync(join(dir, 'recipe.json'), spawnSync(process.execPath, [BIN, 'plan', '--budget', '1e17', '--json'], { encoding: 'utf8' }).stdout);
  writeFileSync(join(dir, 'two.json'), spawnSync(process.execPath, [BIN, 'plan', '--budget', '1e16,1e17', '--json'], { encoding: 'utf8' }).stdout);
  writeFileSync(join(dir, 'pairs.jsonl'), '{"query": "a", "pos": ["b"]}\n');
  writeFileSync(join(dir, 'notes.txt'), 'a recipe, surely\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repurpose export-recipe', () => {
  it('writes an executable train.py and recipe.json, with the data paths made absolute, and says how to launch it', () => {
    const r = run('export-recipe', '--recipe', 'recipe.json', '--to', 'sentence-transformers', '--out', 'run', '--train', 'pairs.jsonl', '--gpus', '4', '--peak-lr', '5e-4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('torchrun --nproc_per_node 4 run/train.py');
    expect(r.stdout).toContain('accelerate launch --num_processes 4 run/train.py');
    expect(statSync(join(dir, 'run/train.py')).mode & 0o111).not.toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'run/recipe.json'), 'utf8'));
    expect(config.data.train).toBe(join(dir, 'pairs.jsonl'));
    expect(config.schedule.peakLearningRate).toBe(5e-4);
    expect(config.gpus).toBe(4);
    expect(config.ledger.path).toBe('runs.jsonl');
  });

  it('takes one recipe of a several-budget file with --index, and prints the config with --json', () => {
    const r = run('export-recipe', '--recipe', 'two.json', '--index', '0', '--to', 'sentence-transformers', '--out', 'run0', '--json');
    expect(r.code, r.stderr).toBe(0);
    const two = JSON.parse(readFileSync(join(dir, 'two.json'), 'utf8'));
    expect(JSON.parse(r.stdout).pairs).toBe(two.recipes[0].pairs);
  });

  it.each([
    [['--recipe', 'recipe.json', '--out', 'x'], 2, /--to is required/],
    [['--recipe', 'recipe.json', '--to', 'deepspeed', '--out', 'x'], 2, /--to: expected sentence-transformers, got "deepspeed"/],
    [['--to', 'sentence-transformers', '--out', 'x'], 2, /--recipe is required/],
    [['--recipe', 'two.json', '--to', 'sentence-transformers', '--out', 'x'], 2, /holds 2 recipes .* --index 0\.\.1/],
    [['--recipe', 'two.json', '--index', '2', '--to', 'sentence-transformers', '--out', 'x'], 2, /--index: expected a whole number/],
    [['--recipe', 'recipe.json', '--to', 'sentence-transformers', '--out', 'x', '--gpus', '3'], 1, /--gpus: invalid options.gpus: expected a GPU count that divides the global batch of 1024/],
    [['--recipe', 'recipe.json', '--to', 'sentence-transformers', '--out', 'x', '--train', 'nope.jsonl'], 2, /--train: cannot read "nope.jsonl" \(no such file\)/],
    [['--recipe', 'recipe.json', '--to', 'sentence-transformers', '--out', 'recipe.json'], 2, /--out: "recipe.json" is not a folder/],
    [['--recipe', 'recipe.json', '--to', 'sentence-transformers', '--out', 'no/such/x'], 2, /its parent does not exist/],
    [['--recipe', 'notes.txt', '--to', 'sentence-transformers', '--out', 'x'], 2, /--recipe: expected a recipe .* not JSON/],
    [['--recipe', 'pairs.jsonl', '--to', 'sentence-transformers', '--out', 'x'], 1, /--recipe: invalid recipe\.\w+: expected/],
    [['--recipe', 'recipe.json', '--to', 'sentence-transformers', '--out', 'x', '--precision', 'int8'], 2, /--precision: expected one of auto, fp32, bf16, fp16/],
  ])('refuses %j before writing anything', (args, code, message) => {
    const r = run('export-recipe', ...(args as string[]));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('refuses a recipe whose steps do not match its pairs, naming the field', () => {
    const recipe = JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8'));
    writeFileSync(join(dir, 'edited.json'), JSON.stringify({ ...recipe, steps: recipe.steps + 1 }));
    const r = run('export-recipe', '--recipe', 'edited.json', '--to', 'sentence-transformers', '--out', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--recipe: invalid recipe.steps: expected ceil\(pairs \/ batchSize\)/);
  });
});

describe('repurpose sweep', () => {
  it('writes the grid, one config per run, the listing and the runner', () => {
    const r = run('sweep', '--out', 'sweep', '--models', 'pythia-14m,pythia-31m', '--methods', 'full,lora', '--ranks', '8,32', '--budgets', '1.5e15,6e15', '--json');
    expect(r.code, r.stderr).toBe(0);
    const { runs } = JSON.parse(r.stdout) as { runs: { id: string; budget: number }[] };
    expect(runs).toHaveLength(2 * 3 * 2);
    expect(readdirSync(join(dir, 'sweep/runs')).sort()).toEqual(runs.map((x) => x.id).sort());
    expect(readFileSync(join(dir, 'sweep/sweep.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
    expect(statSync(join(dir, 'sweep/run-all.sh')).mode & 0o111).not.toBe(0);
  });

  it.each([
    [['--out', 'y', '--model', 'pythia-14m'], /--model names one model; a sweep has several/],
    [['--out', 'y', '--models', 'pythia-14m', '--family', 'qwen3'], /--family and --models/],
    [['--out', 'y', '--methods', 'full', '--ranks', '8'], /--ranks applies only when --methods includes lora/],
    [['--out', 'y', '--ledger', 'l.jsonl'], /--ledger: a sweep always appends to runs.jsonl/],
    [['--out', 'y', '--budgets', 'lots'], /--budgets: expected a number/],
  ])('refuses %j', (args, message) => {
    const r = run('sweep', ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(existsSync(join(dir, 'y'))).toBe(false);
  });
});
