/**
 * What the CLI promises at its edges, end to end through the built binary: a closed pipe ends the
 * command quietly, outputs are written whole (no temporary files left, an old file replaced only by a
 * complete new one), --model-config reaches plan, flops and fit, and the plots show only what they
 * draw and say it in the CLI's words. The malformed-input classes are fuzz.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureFromConfig, trainingFlops } from '@repurpose/core';
import { compact, num } from '../src/format/numbers.js';
import { wrap } from '../src/plot/fit-svg.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/repurpose.js');
const run = (args: string[], cwd = dir) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

let dir = '';
const config = { _name_or_path: 'acme/my-neox', num_hidden_layers: 6, hidden_size: 512, num_attention_heads: 8, intermediate_size: 2048, vocab_size: 50304, max_position_embeddings: 2048, rotary_pct: 0.25, rotary_emb_base: 10000, layer_norm_eps: 1e-5, use_parallel_residual: true, hidden_act: 'gelu' };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'repurpose-boundary-'));
  writeFileSync(join(dir, 'runs.jsonl'), spawnSync(process.execPath, [join(ROOT, 'examples/synthetic-ledger.mjs')], { encoding: 'utf8' }).stdout);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
});

describe('a closed pipe', () => {
  it('ends `repurpose plan --json | head -1` quietly, with no EPIPE trace', () => {
    const budgets = Array.from({ length: 300 }, (_, i) => 1e16 * (1 + i / 100)).join(',');
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} plan --budget ${budgets} --json | head -1`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('{\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('outputs', () => {
  it('fit --out replaces an existing law whole and leaves no temporary file', () => {
    const law = join(dir, 'law.json');
    writeFileSync(law, 'an old law\n');
    expect(run(['fit', 'runs.jsonl', '--bootstrap', '5', '--no-cv', '--out', 'law.json', '--plot', 'fit.svg']).status).toBe(0);
    expect(JSON.parse(readFileSync(law, 'utf8')).format).toBeDefined();
    expect(readdirSync(dir).filter((f) => /tmp|probe/.test(f))).toEqual([]);
    // And that law plans.
    expect(run(['plan', '--law', 'law.json', '--budget', '1e17', '--json']).status).toBe(0);
  });

  it('a refused output is refused before any work: the old file is untouched and nothing else is written', () => {
    writeFileSync(join(dir, 'keep.svg'), 'keep me');
    const r = run(['fit', 'runs.jsonl', '--out', 'keep.svg', '--plot', 'keep.svg']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'keep.svg'), 'utf8')).toBe('keep me');
  });
});

describe('--model-config', () => {
  const arch = architectureFromConfig(config, 'my-neox');

  it('flops counts the configured architecture', () => {
    const r = run(['flops', '--model-config', 'config.json', '--method', 'lora', '--rank', '8', '--tokens', '1e9', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).total).toBe(trainingFlops(arch, { kind: 'lora', rank: 8 }, 1e9).total);
  });

  it('plan plans over it (named by _name_or_path), alone or beside --models', () => {
    const alone = JSON.parse(run(['plan', '--budget', '1e17', '--model-config', 'config.json', '--json']).stdout);
    expect(alone.model.name).toBe('my-neox');
    const both = JSON.parse(run(['plan', '--budget', '1e17', '--model-config', 'config.json', '--models', 'pythia-70m', '--runners-up', '50', '--json']).stdout);
    const names = new Set([both.model.name, ...both.runnersUp.map((u: { model: { name: string } }) => u.model.name)]);
    expect([...names].sort()).toEqual(['my-neox', 'pythia-70m']);
  });

  it('fit reads ledger lines that name it', () => {
    const lines = readFileSync(join(dir, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { model: string });
    const renamed = lines.map((o) => JSON.stringify(o.model === 'pythia-70m' ? { ...o, model: 'my-neox' } : o)).join('\n');
    writeFileSync(join(dir, 'custom.jsonl'), `${renamed}\n`);
    const unknown = run(['fit', 'custom.jsonl', '--bootstrap', '0', '--no-cv']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('"my-neox"');
    const r = run(['fit', 'custom.jsonl', '--bootstrap', '0', '--no-cv', '--model-config', 'config.json', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).methods).toEqual(['full', 'lora']);
  });
});

describe('words and pictures', () => {
  it('one number format: no "e+3T", thousands separated in sentences', () => {
    expect(compact(1.979e15)).toBe('1.98e15');
    expect(compact(999.6e9)).toBe('1.00T');
    expect(num(5_000_000)).toBe('5,000,000');
    expect(num(1e30)).toBe('1e+30');
    expect(run(['gpus']).stdout).not.toMatch(/e\+\d+[TBMk]/);
  });

  it('the fit plot is titled with the law and the run count; long notes wrap instead of being cut', () => {
    expect(readFileSync(join(dir, 'fit.svg'), 'utf8')).toContain('Law \u201cruns\u201d fitted to 96 runs');
    const lines = wrap('rho fixed at 0: LoRA ran at one rank only (r = 32), so how the penalty depends on rank cannot be fitted', 62);
    expect(lines.every((l) => l.length <= 62)).toBe(true);
    expect(lines.join(' ')).toContain('cannot be fitted');
  });

  it('the frontier legend lists only the methods it draws', () => {
    expect(run(['plan', '--law', 'law.json', '--budget', '1e17', '--plot', 'fl.svg']).status).toBe(0);
    const svg = readFileSync(join(dir, 'fl.svg'), 'utf8');
    expect(svg).toContain('full fine-tuning');
    expect(svg).toContain('LoRA (best rank)');
    expect(svg).not.toContain('block freezing');
    expect(svg).not.toContain('bias-only');
  });
});
