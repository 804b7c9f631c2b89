/**
 * `repurpose plan --family`: planning over one model family through the built binary, the recipe
 * equal to optimalRecipe's with the same family option, and the flag's refusals.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { familyModelNames, optimalRecipe } from '@repurpose/core';

const BIN = join(import.meta.dirname, '../bin/repurpose.js');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('repurpose plan --family', () => {
  it('plans over the Qwen3 family only, as optimalRecipe does, with the cross-family note', () => {
    const r = run('plan', '--budget', '1e18', '--family', 'qwen3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const recipe = JSON.parse(r.stdout);
    expect(recipe).toEqual(JSON.parse(JSON.stringify(optimalRecipe(1e18, { models: 'qwen3' }))));
    expect(familyModelNames('qwen3')).toContain(recipe.model.name);
    expect(recipe.notes.join(' ')).toMatch(/extrapolation across model families/);
  });

  it('refuses an unknown family and --family with --models, in one line', () => {
    const unknown = run('plan', '--budget', '1e18', '--family', 'gemma');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/--family: expected one of pythia, smollm2, qwen2\.5, qwen3, got "gemma"/);
    const both = run('plan', '--budget', '1e18', '--family', 'qwen3', '--models', 'pythia-70m');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/--family and --models/);
  });
});
