/** The paper's grid as run configs: exactly the planner's candidates at each budget, runnable by run-all.sh. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLedger } from '../fit/ledger.js';
import { createPlanner } from '../recipe/planner.js';
import { exportSweep, SWEEP_PAPER_BUDGETS, sweepRuns } from './sweep.js';

describe('sweep', () => {
  it('is every candidate the planner can fill a batch for, at each of the paper budgets', () => {
    const runs = sweepRuns();
    const planner = createPlanner();
    const expected = SWEEP_PAPER_BUDGETS.flatMap((b) => planner.evaluateAll(b).map((e) => ({ budget: b, model: e.candidate.model.name, method: e.candidate.method, pairs: e.pairs })));
    expect(runs.map((r) => ({ budget: r.budgetFlop, model: r.config.model.name, method: r.config.method, pairs: r.config.pairs }))).toEqual(expected);
    // 8 models × (full, 3 freezing depths, bias, 7 ranks) = 96 candidates; even 1.5e15 FLOP buys pythia-2.8b
    // one batch of 1,024 pairs (6·2.5e9·78 FLOP a pair under full fine-tuning), so all 6 × 96 cells run.
    expect(planner.candidates).toHaveLength(96);
    expect(runs).toHaveLength(6 * 96);
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    for (const r of runs) {
      expect(r.config.steps).toBe(Math.ceil(r.config.pairs / r.config.batchSize));
      expect(r.config.ledger).toMatchObject({ path: '../../runs.jsonl', id: r.id, budget: r.budgetFlop });
    }
  });

  it('writes one train.py, a config per run, a listing and a runner; the configs give ledger lines fit reads', () => {
    const { runs, files } = exportSweep({ models: ['pythia-14m', 'pythia-70m'], methods: { full: true, freeze: false, bias: false, lora: { ranks: [32] } }, budgets: [1.5e15, 6e15], modelPaths: { 'pythia-14m': '/models/p14' } });
    expect(runs).toHaveLength(8);
    expect(files.map((f) => f.path)).toEqual(['train.py', ...runs.map((r) => `${r.dir}/recipe.json`), 'sweep.jsonl', 'run-all.sh']);
    expect(runs.filter((r) => r.config.model.name === 'pythia-14m').every((r) => r.config.model.path === '/models/p14')).toBe(true);
    expect(files[0]!.text).toMatch(/^# Sweep: 8 runs;/m);
    expect(files[0]!.text).not.toMatch(/^# Recipe:/m);
    const listing = files.find((f) => f.path === 'sweep.jsonl')!.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(listing.map((l) => l.id)).toEqual(runs.map((r) => r.id));
    // What each run would append, with a made-up loss: the ledger reader takes every line.
    const lines = runs.map((r, i) => JSON.stringify({ id: r.id, model: r.config.ledger.model, method: r.config.method, pairs: r.config.pairs, loss: 1 + i / 10, budget: r.config.ledger.budget }));
    expect(parseLedger(lines.join('\n'))).toHaveLength(8);
  });

  it('writes a runner bash accepts, which skips runs already in the ledger and runs the rest in its shard', () => {
    const { files, runs } = exportSweep({ models: ['pythia-14m'], methods: { full: true, freeze: false, bias: false, lora: false }, budgets: [1.5e15, 6e15, 2.4e16] });
    const dir = mkdtempSync(join(tmpdir(), 'repurpose-sweep-'));
    try {
      writeFileSync(join(dir, 'run-all.sh'), files.find((f) => f.path === 'run-all.sh')!.text);
      writeFileSync(join(dir, 'runs.jsonl'), `{"id": "${runs[1]!.id}", "model": "pythia-14m", "method": {"kind": "full"}, "pairs": 5, "loss": 1}\n`);
      execFileSync('bash', ['-n', join(dir, 'run-all.sh')]);
      const out = execFileSync('bash', [join(dir, 'run-all.sh')], { encoding: 'utf8', env: { ...process.env, LAUNCH: 'echo launch' } });
      expect(out.trim().split('\n')).toEqual([`run ${runs[0]!.id}`, `launch train.py --config runs/${runs[0]!.id}/recipe.json`, `skip ${runs[1]!.id} (in runs.jsonl)`, `run ${runs[2]!.id}`, `launch train.py --config runs/${runs[2]!.id}/recipe.json`]);
      const shard = execFileSync('bash', [join(dir, 'run-all.sh')], { encoding: 'utf8', env: { ...process.env, LAUNCH: 'echo launch', SHARD: '1', SHARDS: '2' } });
      expect(shard.trim().split('\n')).toEqual([`skip ${runs[1]!.id} (in runs.jsonl)`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses budgets that fill no batch and bad options, naming the field', () => {
    expect(() => sweepRuns({ budgets: [1e6] })).toThrow(/invalid options.budgets: expected budgets that pay for at least one batch/);
    expect(() => sweepRuns({ budgets: [] })).toThrow(/options.budgets/);
    expect(() => sweepRuns({ models: ['pythia-9b'] })).toThrow(/pythia-9b/);
    expect(() => sweepRuns({ run: { gpus: 3 } })).toThrow(/options.gpus/);
    expect(() => sweepRuns({ colour: 1 } as never)).toThrow(/no key "colour"/);
  });
});
