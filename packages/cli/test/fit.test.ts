/**
 * `repurpose fit` and `repurpose plan --law` end to end on the synthetic ledger the examples write
 * (losses from the ziarko2024 preset + 1% noise): fit, save, plan with the saved law, plot.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/repurpose.js');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let dir = '';
let ledger = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'repurpose-fit-'));
  ledger = join(dir, 'runs.jsonl');
  const r = spawnSync(process.execPath, [join(ROOT, 'examples/synthetic-ledger.mjs')], { encoding: 'utf8' });
  writeFileSync(ledger, r.stdout);
});

describe('repurpose fit', () => {
  it('fits, saves and plots; plan --law then plans with the fitted law and its intervals', () => {
    const law = join(dir, 'law.json');
    const plot = join(dir, 'fit.svg');
    const fit = run('fit', ledger, '--out', law, '--plot', plot, '--bootstrap', '40');
    expect(fit.code).toBe(0);
    expect(fit.stdout).toMatch(/fitted to 96 runs of full, lora/);
    expect(fit.stdout).toMatch(/^beta\.lora\s+0\.3\d+\s+\[/m);
    expect(readFileSync(plot, 'utf8')).toContain('isoFLOP curves');
    const plan = JSON.parse(run('plan', '--law', law, '--budget', '1e17', '--json').stdout);
    expect(plan.law).toBe('runs');
    expect(plan.lossInterval.level).toBe(0.9);
    expect(['full', 'lora']).toContain(plan.method.kind);
    expect(plan.runnersUp.every((u: { method: { kind: string } }) => ['full', 'lora'].includes(u.method.kind))).toBe(true);
  });

  it('--json prints the fit as one object', () => {
    const r = run('fit', ledger, '--json', '--bootstrap', '0', '--no-cv');
    expect(r.code).toBe(0);
    const fit = JSON.parse(r.stdout);
    expect(fit.methods).toEqual(['full', 'lora']);
    expect(fit.diagnostics.rmse).toBeLessThan(0.02);
    expect(fit.intervals).toBeUndefined();
  });

  it.each([
    ['a missing file', () => [join(dir, 'nope.jsonl')], /ENOENT|no such file|cannot read/i],
    ['an empty ledger', () => [writeTo('empty.jsonl', '')], /empty|no runs/i],
    ['a NaN loss', () => [writeTo('nan.jsonl', '{"model":"pythia-70m","method":{"kind":"full"},"tokens":1e8,"loss":"NaN"}\n')], /line 1.*loss/],
    ['one method only', () => [writeTo('one.jsonl', readFileSync(ledger, 'utf8').split('\n').filter((l) => l.includes('"full"')).join('\n'))], /method/i],
  ])('%s is a clear error', (_label, args, message) => {
    const r = run('fit', ...args());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('plan --law names a bad file', () => {
    expect(run('plan', '--law', join(dir, 'missing.json'), '--budget', '1e17').stderr).toMatch(/--law: cannot read .*missing\.json.*no such file/);
    expect(run('plan', '--law', writeTo('bad.json', '{"format":"x"}'), '--budget', '1e17').stderr).toMatch(/invalid law\.format/);
  });
});

function writeTo(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
