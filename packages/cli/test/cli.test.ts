/**
 * The `repurpose` command as a user runs it: the built binary through the checked-in shim
 * (npm test builds first). Output shapes, JSON contracts, the plot, and one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optimalRecipe, trainingFlops } from '@repurpose/core';

const BIN = join(import.meta.dirname, '../bin/repurpose.js');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('repurpose plan', () => {
  it('--json prints exactly one JSON object: the recipe optimalRecipe returns', () => {
    const r = run('plan', '--budget', '1e17', '--json');
    expect(r.code).toBe(0);
    const recipe = JSON.parse(r.stdout);
    expect(recipe).toEqual(JSON.parse(JSON.stringify(optimalRecipe(1e17))));
    expect(r.stdout.trim().startsWith('{') && r.stdout.trim().endsWith('}')).toBe(true);
  });

  it('prints a readable table for the paper budgets', () => {
    const r = run('plan', '--paper-budgets');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s+\d\.\d\de1[5-8]/.test(l));
    expect(rows).toHaveLength(6);
    expect(r.stdout).toMatch(/pythia-\d+m\s+full/);
    expect(r.stdout).toMatch(/LoRA r=(32|128)/);
    expect(r.stdout).toMatch(/calibrated/);
  });

  it('plans a GPU-hour budget on a named GPU at an MFU', () => {
    const r = run('plan', '--gpu-hours', '10', '--gpu', 'H100', '--mfu', '0.4', '--json');
    expect(r.code).toBe(0);
    const recipe = JSON.parse(r.stdout);
    expect(recipe.budget.flop).toBeCloseTo(10 * 3600 * 989.4e12 * 0.4, -8);
    expect(recipe.budget.gpuHours).toBeCloseTo(10, 9);
    expect(recipe.budget.hardware).toMatchObject({ gpu: 'H100', mfu: 0.4 });
  });

  it('describes a single recipe for people, runners-up included', () => {
    const r = run('plan', '--budget', '1e17');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Budget\s+1\.00e17 FLOP/m);
    expect(r.stdout).toMatch(/^Runners-up:/m);
  });

  it('--plot writes the frontier SVG: four methods, the frontier, the crossover', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'repurpose-')), 'frontier.svg');
    const r = run('plan', '--paper-budgets', '--plot', file);
    expect(r.code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const label of ['full fine-tuning', 'block freezing', 'bias-only', 'LoRA', 'optimal frontier']) expect(svg).toContain(label);
    expect(svg).toMatch(/full → lora at 9\.0\d\de16 FLOP/);
    expect(svg.match(/<circle /g)!.length).toBe(6 + 1); // six planned budgets + the legend marker
  });
});

describe('repurpose plan beyond the paper', () => {
  it('--inference-tokens, --max-memory and --max-pairs reach the planner and its explanation', () => {
    const inference = JSON.parse(run('plan', '--budget', '1.536e18', '--inference-tokens', '1e9', '--json').stdout);
    expect(inference).toEqual(JSON.parse(JSON.stringify(optimalRecipe(1.536e18, { inferenceTokens: 1e9 }))));
    const memory = JSON.parse(run('plan', '--budget', '2.4e16', '--max-memory', '4.6GB', '--json').stdout);
    expect(memory.memory.total).toBeLessThanOrEqual(4.6e9);
    expect(memory.explanation).toMatch(/Memory cap 4\.6 GB binds/);
    const data = JSON.parse(run('plan', '--budget', '2.4e16', '--max-pairs', '5e5', '--json').stdout);
    expect(data.pairs).toBeLessThanOrEqual(5e5);
    const human = run('plan', '--budget', '2.4e16', '--max-memory', '4.6GiB');
    expect(human.stdout).toMatch(/^Why\s+.*Memory cap 4\.9 GB/m);
  });

  it('--throughput changes what a GPU-hour budget buys', () => {
    const r = JSON.parse(run('plan', '--gpu-hours', '0.5', '--gpu', 'H100', '--throughput', 'lora=0.5', '--json').stdout);
    expect(r.method.kind).toBe('full');
  });
});

describe('repurpose flops', () => {
  it.each([
    [['--method', 'full'], { kind: 'full' }],
    [['--method', 'bias'], { kind: 'bias' }],
    [['--method', 'freeze', '--trainable-blocks', '12'], { kind: 'freeze', trainableBlocks: 12 }],
    [['--method', 'lora', '--rank', '32'], { kind: 'lora', rank: 32 }],
  ] as const)('%j --json prints the breakdown trainingFlops gives', (flags, method) => {
    const r = run('flops', '--model', 'pythia-410m', ...flags, '--tokens', '1e9', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(trainingFlops('pythia-410m', method as never, 1e9));
  });

  it('prints a table without --json', () => {
    const r = run('flops', '--model', 'pythia-410m', '--method', 'lora', '--rank', '32', '--tokens', '1e9');
    expect(r.stdout).toMatch(/^total\s+1\.2847e18$/m);
  });
});

describe('repurpose models and gpus', () => {
  it('lists the eight Pythia models', () => {
    const r = run('models', '--json');
    expect(JSON.parse(r.stdout).models.map((m: { name: string }) => m.name)).toHaveLength(8);
    expect(run('models').stdout).toMatch(/pythia-2\.8b\s+32\s+2560\s+32\s+2,517,652,480/);
    expect(run('gpus').stdout).toMatch(/H100/);
  });
});

describe('bad input: one readable line on stderr, non-zero exit, no stack trace', () => {
  it.each([
    [['plan', '--budget', '-1'], /--budget: expected a number ≥ 1 .*\(FLOP\), got "-1"/],
    [['plan', '--budget', '0'], /--budget: expected a number ≥ 1.*got "0"/],
    [['plan', '--budget', 'NaN'], /--budget: expected a number, got "NaN"/],
    [['plan', '--budget', 'Infinity'], /--budget: expected a number, got "Infinity"/],
    [['plan', '--budget', '1e400'], /--budget: expected a finite number, got "1e400"/],
    [['plan', '--budget', 'lots'], /--budget: expected a number, got "lots"/],
    [['plan', '--gpu-hours', '10', '--gpu', 'H900'], /invalid budget\.gpu: expected a known GPU.*got "H900"/],
    [['plan', '--budget', '1e17', '--models', 'pythia-7b'], /invalid options\.models\.0.*"pythia-7b"/],
    [['plan', '--budget', '1e17', '--ranks', '0'], /--ranks: expected a whole number ≥ 1 .*\(LoRA rank\), got "0"/],
    [['plan', '--budget', '1e17', '--bogus'], /Unknown option '--bogus'/],
    [['flops', '--model', 'pythia-7b', '--method', 'full', '--tokens', '1e9'], /invalid model.*"pythia-7b"/],
    [['flops', '--model', 'pythia-14m', '--method', 'lora', '--rank', '0', '--tokens', '1e9'], /--rank: expected a whole number ≥ 1 .*got "0"/],
    [['flops', '--model', 'pythia-14m', '--method', 'lora', '--rank', '2.5', '--tokens', '1e9'], /--rank: expected a whole number.*got "2\.5"/],
    [['flops', '--model', 'pythia-14m', '--method', 'freeze', '--trainable-blocks', '0', '--tokens', '1e9'], /--trainable-blocks: expected a whole number ≥ 1.*got "0"/],
    [['flops', '--model', 'pythia-14m', '--method', 'freeze', '--trainable-blocks', '7', '--tokens', '1e9'], /--trainable-blocks: invalid method\.trainableBlocks: expected an integer in 1\.\.6.*got 7/],
    [['flops', '--model', 'pythia-14m', '--method', 'lora', '--tokens', '1e9'], /--rank is required/],
    [['flops', '--model', 'pythia-14m', '--method', 'full', '--tokens', '-5'], /--tokens: expected a number > 0.*got "-5"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['plan', '--budget', '1e17', '--max-memory', '24 parsecs'], /--max-memory: expected a size greater than 0 such as 24GB.*got "24 parsecs"/],
    [['plan', '--budget', '1e17', '--max-pairs', '-3'], /--max-pairs: expected a whole number ≥ 1.*got "-3"/],
    [['plan', '--budget', '1e17', '--inference-tokens', '0'], /--inference-tokens: expected a number > 0.*got "0"/],
    [['plan', '--gpu-hours', '1', '--gpu', 'H100', '--throughput', 'lora'], /--throughput: expected method=factor pairs/],
  ])('%j', (args, message) => {
    const r = run(...args);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
