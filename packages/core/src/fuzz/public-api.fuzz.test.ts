/**
 * The fuzz suite of @repurpose/core's public API (root, the engine's loaders, ./node): every entry
 * point of entry-points.test-helper.ts × every bad value of bad-values.test-helper.ts, in every
 * argument and every field of an object argument, plus an unknown key in every strict object and a
 * table of hostile files for the readers. Every case must end in the library's own error naming the
 * field, the value and what was expected, or be a value the argument legitimately takes; nothing may
 * hang or escape as a TypeError. The counts per class are printed at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as core from '../index.js';
import * as engine from '../engine-api.js';
import { BAD_VALUES, type FuzzClass, UNKNOWN_KEY } from './bad-values.test-helper.js';
import { ENTRY_POINTS, NODE, RUNS } from './entry-points.test-helper.js';
import { count, outcomeOf, problemWith, TALLY } from './fuzz-runner.test-helper.js';

afterAll(() => {
  const rows = [...TALLY.entries()].map(([cls, t]) => ({ class: cls, cases: t.cases, 'own error': t.ownErrors, 'accepted (valid)': t.accepted }));
  const total = rows.reduce((s, r) => s + r.cases, 0);
  console.info(`fuzz: ${total} cases, all passed`);
  console.table(rows);
});

interface Case {
  readonly name: string;
  readonly cls: FuzzClass;
  readonly acceptable: boolean;
  readonly call: () => unknown;
}

function casesFor(entry: (typeof ENTRY_POINTS)[number]): Case[] {
  const out: Case[] = [];
  const validArgs = () => entry.args.map((a) => a.valid());
  const run = (args: unknown[]) => () => (entry.call as (...a: unknown[]) => unknown)(...args);
  entry.args.forEach((arg, i) => {
    for (const bad of BAD_VALUES) {
      if (arg.skip?.includes(bad.label)) continue;
      const args = validArgs();
      args[i] = bad.make();
      out.push({ name: `${entry.name}: ${arg.name} = ${bad.label}`, cls: bad.class, acceptable: arg.accepts?.includes(bad.label) ?? false, call: run(args) });
    }
    for (const field of arg.fields ?? []) {
      for (const bad of BAD_VALUES) {
        const args = validArgs();
        args[i] = { ...(args[i] as object), [field]: bad.make() };
        out.push({ name: `${entry.name}: ${arg.name}.${field} = ${bad.label}`, cls: bad.class, acceptable: arg.fieldAccepts?.[field]?.includes(bad.label) ?? false, call: run(args) });
      }
    }
    if (arg.strict) {
      const args = validArgs();
      args[i] = { ...(args[i] as object), [UNKNOWN_KEY]: 1 };
      out.push({ name: `${entry.name}: ${arg.name} with an unknown key`, cls: 'unknown-key', acceptable: false, call: run(args) });
    }
  });
  return out;
}

async function expectAll(cases: readonly Case[]): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const outcome = await outcomeOf(c.call);
    const problem = problemWith(outcome, c.acceptable);
    if (problem) failures.push(`${c.name} ${problem}`);
    else count(c.cls, outcome);
  }
  expect(failures).toEqual([]);
}

describe('public API × bad values', () => {
  for (const entry of ENTRY_POINTS) {
    it(`${entry.name}: every bad argument and field ends in the library's own error`, async () => {
      const cases = casesFor(entry);
      expect(cases.length).toBeGreaterThan(0);
      // The valid call itself must succeed, or the table proves nothing.
      expect((await outcomeOf(() => (entry.call as (...a: unknown[]) => unknown)(...entry.args.map((a) => a.valid())))).kind).toBe('accepted');
      await expectAll(cases);
    }, 60_000);
  }
});

describe('./node entry points × bad values and hostile files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'repurpose-fuzz-'));
  const file = (name: string, content: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const zero = join(dir, 'zero-link');
  symlinkSync('/dev/zero', zero);
  const law = core.fitLaw(RUNS, { bootstrap: false, crossValidation: false, maxIterations: 40 });
  const goodLaw = JSON.parse(JSON.stringify(core.saveLaw(law)));
  const config = { num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 128, vocab_size: 128, max_position_embeddings: 64, rotary_pct: 0.25, rotary_emb_base: 10000 };
  const modelDir = (name: string, cfg: string, weights: 'fifo' | 'zero' | 'missing' | Uint8Array) => {
    const d = join(dir, name);
    mkdirSync(d);
    writeFileSync(join(d, 'config.json'), cfg);
    if (weights === 'fifo') execFileSync('mkfifo', [join(d, 'model.safetensors')]);
    else if (weights === 'zero') symlinkSync('/dev/zero', join(d, 'model.safetensors'));
    else if (weights !== 'missing') writeFileSync(join(d, 'model.safetensors'), weights);
    return d;
  };
  const arch = core.architectureFromConfig(config, 'tiny');
  const weights = engine.writeSafetensors(new Map(engine.gptNeoXParameters(arch).map((p) => [p.name, { shape: p.shape, data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)) }])));

  const HOSTILE: Record<string, string> = {
    'a FIFO': fifo,
    'a link to /dev/zero': zero,
    'a directory': dir,
    'a missing file': join(dir, 'missing'),
    'an empty file': file('empty', ''),
    'a truncated safetensors file': file('trunc.safetensors', new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 123])),
    'a header length of 2^40': file('huge-header.safetensors', new Uint8Array([0, 0, 0, 0, 0, 1, 0, 0])),
    '100,000-deep JSON': file('deep.json', deep(100_000)),
    'binary garbage': file('garbage', new Uint8Array(4096).fill(0xff)),
  };
  const HOSTILE_DIRS: Record<string, string> = {
    'a model.safetensors that is a FIFO': modelDir('m-fifo', JSON.stringify(config), 'fifo'),
    'a model.safetensors linked to /dev/zero': modelDir('m-zero', JSON.stringify(config), 'zero'),
    'a config with 300,000 layers beside weights for 2': modelDir('m-layers', JSON.stringify({ ...config, num_hidden_layers: 300_000 }), weights),
    'a config with 1,000 layers beside weights for 2': modelDir('m-1000', JSON.stringify({ ...config, num_hidden_layers: 1000 }), weights),
    'a 100,000-deep config.json': modelDir('m-deep', deep(100_000), weights),
    'no weights': modelDir('m-none', JSON.stringify(config), 'missing'),
    'config with hidden_act gelu_new': modelDir('m-act', JSON.stringify({ ...config, hidden_act: 'gelu_new' }), weights),
    'a file, not a directory': HOSTILE['an empty file']!,
  };
  const LAWS: Record<string, string> = {
    'a law with negative E': file('neg.json', JSON.stringify({ ...goodLaw, coefficients: { ...goodLaw.coefficients, E: -1 } })),
    'a law with a null coefficient': file('null.json', JSON.stringify({ ...goodLaw, coefficients: { ...goodLaw.coefficients, A: null } })),
    'a law with an unknown key': file('key.json', JSON.stringify({ ...goodLaw, extra: 1 })),
  };
  const LEDGERS: Record<string, string> = {
    'a ledger line nested 100,000 deep': file('deep.jsonl', `${JSON.stringify(RUNS[0])}\n${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}\n`),
    'a ledger line of 2 MB': file('long.jsonl', `{"id":"${'x'.repeat(2_000_000)}"}\n`),
    'a ledger with a typo key': file('typo.jsonl', `${JSON.stringify({ ...RUNS[0], toknes: 5 })}\n`),
  };

  /** Hostile-file cases a reader legitimately takes: an empty ledger is a ledger of no runs. */
  const readerAccepts: Record<string, readonly string[]> = { readLedgerFile: ['an empty file'] };
  const readers: [string, (p: unknown) => unknown, Record<string, string>][] = [
    ['readSafetensorsFile', (p) => NODE.readSafetensorsFile(p as string), { ...HOSTILE }],
    ['readSafetensorsHeaderFile', (p) => NODE.readSafetensorsHeaderFile(p as string), { ...HOSTILE }],
    ['readLedgerFile', (p) => NODE.readLedgerFile(p as string), { ...HOSTILE, ...LEDGERS }],
    ['readLawFile', (p) => NODE.readLawFile(p as string), { ...HOSTILE, ...LAWS }],
    ['readRegularFile', (p) => NODE.readRegularFile(p as string, { maxBytes: 1000 }), { 'a FIFO': fifo, 'a link to /dev/zero': zero, 'a directory': dir, 'a missing file': join(dir, 'missing'), 'a file over maxBytes': file('big', 'x'.repeat(2000)) }],
    ['loadCheckpointDir', (p) => NODE.loadCheckpointDir(p as string), HOSTILE_DIRS],
  ];
  for (const [name, read, files] of readers) {
    it(`${name}: bad paths and hostile files end in the library's own error, without hanging`, async () => {
      const cases: Case[] = [
        ...BAD_VALUES.map((b) => ({ name: `${name}(${b.label})`, cls: b.class, acceptable: false, call: () => read(b.make()) })),
        ...Object.entries(files).map(([what, path]) => ({ name: `${name}(${what})`, cls: 'hostile-file' as const, acceptable: readerAccepts[name]?.includes(what) ?? false, call: () => read(path) })),
      ];
      await expectAll(cases);
    }, 60_000);
  }

  const writers: [string, (p: unknown, x: unknown) => unknown, () => unknown][] = [
    ['writeFileAtomic', (p, x) => NODE.writeFileAtomic(p as string, x as never), () => 'data'],
    ['writeSafetensorsFile', (p, x) => NODE.writeSafetensorsFile(p as string, x as never), () => ({ a: { shape: [1], data: [1] } })],
    ['writeLawFile', (p, x) => NODE.writeLawFile(p as string, x as never), () => law],
  ];
  for (const [name, write, valid] of writers) {
    it(`${name}: bad paths, bad data and unwritable places end in the library's own error`, async () => {
      const target = join(dir, `${name}.out`);
      const cases: Case[] = [
        // "text" is a valid relative path (it would write into the working directory), so it is left out.
        ...BAD_VALUES.filter((b) => b.label !== '"text"').map((b) => ({ name: `${name}(path = ${b.label})`, cls: b.class, acceptable: false, call: () => write(b.make(), valid()) })),
        ...BAD_VALUES.map((b) => ({
          name: `${name}(data = ${b.label})`,
          cls: b.class,
          acceptable: (name === 'writeFileAtomic' && ['""', '"text"'].includes(b.label)) || (name === 'writeSafetensorsFile' && b.label === '{}'),
          call: () => write(target, b.make()),
        })),
        { name: `${name}(a missing directory)`, cls: 'hostile-file', acceptable: false, call: () => write(join(dir, 'no', 'such', 'x'), valid()) },
        { name: `${name}(a directory as target)`, cls: 'hostile-file', acceptable: false, call: () => write(dir, valid()) },
        { name: `${name}(a FIFO as target)`, cls: 'hostile-file', acceptable: false, call: () => write(fifo, valid()) },
      ];
      await expectAll(cases);
      await write(target, valid());
    }, 60_000);
  }
});
