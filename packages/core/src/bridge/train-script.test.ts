/**
 * train.py's own Python, checked with a Python interpreter (the venv's, else python3 on PATH; skipped
 * with a printed reason when neither exists): it compiles, its schedule equals learning-rate.ts step
 * for step, it reads the pair formats, and concurrent ledger appends give lines parseLedger accepts.
 * Torch is not needed here; the torchrun run is packages/cli/test/export-recipe-torchrun.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLedger } from '../fit/ledger.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { learningRate } from '../train/learning-rate.js';
import { architectureFromConfig } from '../catalog/architecture.js';
import { methodPlan } from '../model/method-plan.js';
import type { FineTuningMethod } from '../methods/method.js';
import { exportRecipe } from './export-recipe.js';
import { TRAIN_SCRIPT_TEMPLATE } from './train-script.js';

const VENV_PYTHON = fileURLToPath(new URL('../../../../.tmp/venv/bin/python', import.meta.url));

function findPython(): string | undefined {
  if (existsSync(VENV_PYTHON)) return VENV_PYTHON;
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return 'python3';
  } catch {
    return undefined;
  }
}

const python = findPython();
if (!python) console.log('train-script tests skipped: no Python (.tmp/venv/bin/python or python3 on PATH)');

const dir = mkdtempSync(join(tmpdir(), 'repurpose-train-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { files, config } = exportRecipe(JSON.parse(JSON.stringify(optimalRecipe(1e17))));
const script = join(dir, 'train.py');
writeFileSync(script, files.find((f) => f.path === 'train.py')!.text);

/** Runs `code` with train.py importable as module `train`; returns stdout. */
function py(code: string): string {
  return execFileSync(python!, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import train\n${code}`], { encoding: 'utf8', timeout: 60_000 });
}

describe.skipIf(!python)('train.py (Python)', () => {
  it('compiles, and carries the recipe summary in place of the marker', () => {
    execFileSync(python!, ['-m', 'py_compile', script], { timeout: 60_000 });
    const text = readFileSync(script, 'utf8');
    expect(TRAIN_SCRIPT_TEMPLATE).toContain('# @@RECIPE@@');
    expect(text).not.toContain('@@RECIPE@@');
    expect(text).toContain(`# Recipe: pythia-160m (EleutherAI/pythia-160m), LoRA r=32 alpha=8`);
    expect(text).toContain(`# Recipe: pythia-160m`);
    expect(text.split('\n')[3]).toContain(`${config.pairs} pairs in ${config.steps} steps of 1024`);
  });

  it('has the schedule of learning-rate.ts, every step of several run lengths', () => {
    const lengths = [1, 2, 3, 5, 10, 15, 25, 37, 100, 1001, config.steps];
    const out = JSON.parse(py(`import json; print(json.dumps({str(S): [train.learning_rate(i, S, 1e-3, 0.1) for i in range(S)] for S in ${JSON.stringify(lengths)}}))`)) as Record<string, number[]>;
    let worst = 0;
    for (const S of lengths) {
      const theirs = out[String(S)]!;
      expect(theirs).toHaveLength(S);
      theirs.forEach((lr, i) => (worst = Math.max(worst, Math.abs(lr - learningRate(i, S, { peak: 1e-3 })))));
    }
    expect(worst).toBeLessThanOrEqual(1e-18);
  });

  it('trains the tensors methodPlan trains, for full, every freezing depth and bias-only (LoRA is PEFT\'s)', () => {
    const arch = architectureFromConfig({ num_hidden_layers: 4, hidden_size: 32, num_attention_heads: 4, intermediate_size: 128, vocab_size: 64, max_position_embeddings: 64 });
    const methods: FineTuningMethod[] = [{ kind: 'full' }, { kind: 'bias' }, ...[1, 2, 3, 4].map((k) => ({ kind: 'freeze' as const, trainableBlocks: k }))];
    const names = methodPlan(arch, { kind: 'full' }).parameters.map((p) => p.name);
    const theirs = JSON.parse(py(`import json; names = ${JSON.stringify(names)}; print(json.dumps([[n for n in names if train.trainable(n, m, {"embedding": "embed_in", "layers": "layers"}, 4)] for m in ${JSON.stringify(methods)}]))`)) as string[][];
    methods.forEach((m, i) => expect(theirs[i], JSON.stringify(m)).toEqual(methodPlan(arch, m).trainable));
  });

  it('reads BGE JSONL (first positive), anchor/positive JSONL and TSV, and refuses a malformed line with its number', () => {
    writeFileSync(join(dir, 'a.jsonl'), '{"query": "q1", "pos": ["p1", "p1b"], "neg": ["n"]}\n\n{"anchor": "q2", "positive": "p2"}\n{"query": "q3", "pos": ["p3"]}\n');
    writeFileSync(join(dir, 'b.tsv'), 'q1\tp1\nq2\tp2\n');
    writeFileSync(join(dir, 'bad.jsonl'), '{"query": "q1", "pos": ["p1"]}\n{"query": 3}\n');
    const out = py(`import json
print(json.dumps([train.read_pairs(${JSON.stringify(join(dir, 'a.jsonl'))}), train.read_pairs(${JSON.stringify(join(dir, 'a.jsonl'))}, limit=1, skip=1), train.read_pairs(${JSON.stringify(join(dir, 'b.tsv'))})]))
try:
    train.read_pairs(${JSON.stringify(join(dir, 'bad.jsonl'))})
except train.RunError as e:
    print(e)`);
    const [first, ...rest] = out.trim().split('\n');
    expect(JSON.parse(first!)).toEqual([[['q1', 'p1'], ['q2', 'p2'], ['q3', 'p3']], [['q2', 'p2']], [['q1', 'p1'], ['q2', 'p2']]]);
    expect(rest.join('\n')).toMatch(/bad\.jsonl:2: expected a string query and a positive/);
  });

  it('appends ledger lines atomically: 4 processes × 25 lines each give 100 whole lines that parseLedger accepts', async () => {
    const ledger = join(dir, 'runs.jsonl');
    writeFileSync(ledger, '{"model": "pythia-70m", "method": {"kind": "full"}, "pairs": 1000, "loss": 1.2}'); // no final newline: the appender adds it
    const writer = (w: number) => `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import train
for i in range(25):
    train.append_ledger_line(${JSON.stringify(ledger)}, {"id": "w${w}-%d" % i, "model": "pythia-70m", "method": {"kind": "lora", "rank": 8, "alpha": 8}, "pairs": 1000 + i, "loss": 1.0 + i / 100})`;
    await Promise.all(
      [0, 1, 2, 3].map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(python!, ['-c', writer(w)], { stdio: ['ignore', 'ignore', 'pipe'] });
            let err = '';
            child.stderr.on('data', (d) => (err += String(d)));
            child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${w} exited ${code}: ${err}`))));
          }),
      ),
    );
    const runs = parseLedger(readFileSync(ledger, 'utf8'));
    expect(runs).toHaveLength(101);
    expect(new Set(runs.slice(1).map((r) => r.id)).size).toBe(100);
  }, 60_000);
});
