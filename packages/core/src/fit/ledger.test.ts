import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHIA } from '../catalog/pythia.js';
import { ValidationError } from '../errors.js';
import { LedgerError } from './fit-errors.js';
import { readLedgerFile } from './ledger-file.js';
import { formatLedgerLine, parseLedger, toObservation } from './ledger.js';

const GOOD = [
  '{"id":"r1","model":"pythia-70m","method":{"kind":"full"},"tokens":1.2e8,"loss":0.91,"budget":6e15}',
  '',
  '{"model":"pythia-160m","method":{"kind":"lora","rank":32,"alpha":8},"pairs":500000,"loss":0.8,"lossKind":"final","seconds":5400,"hardware":{"gpu":"A100-80GB","count":2},"provenance":{"commit":"abc123","date":"2024-05-01"}}',
  '   ',
  '{"model":{"name":"my-neox","numLayers":2,"hiddenSize":64,"numHeads":4,"intermediateSize":256,"vocabSize":1000,"maxPositionEmbeddings":128,"rotaryPct":0.25,"rotaryEmbBase":10000,"layerNormEps":1e-5,"useParallelResidual":true},"method":{"kind":"freeze","trainableBlocks":1},"tokens":5e6,"loss":1.5}',
].join('\r\n');

describe('parseLedger', () => {
  it('reads one observation per non-blank line, keeping line numbers and resolving models', () => {
    const obs = parseLedger(GOOD);
    expect(obs.map((o) => o.line)).toEqual([1, 3, 5]);
    expect(obs[0]!.model).toEqual(PYTHIA['pythia-70m']);
    expect(obs[0]!.pairs).toBeCloseTo(1.2e8 / 78, 6);
    expect(obs[0]!.lossKind).toBe('held-out');
    expect(obs[1]!.tokens).toBe(500000 * 78);
    expect(obs[1]!.lossKind).toBe('final');
    expect(obs[1]!.hardware).toEqual({ gpu: 'A100-80GB', count: 2 });
    expect(obs[2]!.model.name).toBe('my-neox');
  });

  it('collects EVERY malformed line into one error, with line numbers, and returns nothing partial', () => {
    const text = [
      '{"model":"pythia-70m","method":{"kind":"full"},"tokens":1e8,"loss":0.9}', // 1 fine
      '{"model":"pythia-70m","method":{"kind":"full"},"tokens":1e8,"loss":NaN}', // 2 NaN is not JSON
      '{"model":"pythia-70m","method":{"kind":"full"},"tokens":-5,"loss":0.9}', // 3 negative tokens
      '{"model":"pythia-7b","method":{"kind":"full"},"tokens":1e8,"loss":0.9}', // 4 unknown model
      '{"model":"pythia-70m","method":{"kind":"lora","rank":0},"tokens":1e8,"loss":0.9}', // 5 bad rank
      '{"model":"pythia-70m","method":{"kind":"full"},"toknes":1e8,"loss":0.9}', // 6 typo
      '[1,2]', // 7 not an object
      '{"model":"pythia-70m","method":{"kind":"freeze","trainableBlocks":9},"tokens":1e8,"loss":0.9}', // 8 k > L
      '{"model":"pythia-70m","method":{"kind":"full"},"loss":0.9}', // 9 no tokens
      '{"model":"pythia-70m","method":{"kind":"full"},"tokens":1e8,"pairs":3,"loss":0.9}', // 10 disagree
      '{"model":"pythia-70m","method":{"kind":"full"},"tokens":1e8,"loss":null}', // 11 null loss
    ].join('\n');
    let error: unknown;
    try {
      parseLedger(text, { source: 'runs.jsonl' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LedgerError);
    const e = error as LedgerError;
    expect(e.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(e.message).toMatch(/^runs\.jsonl: 10 malformed lines/);
    expect(e.message).toMatch(/line 2: not valid JSON/);
    expect(e.message).toMatch(/line 3: invalid line\.tokens: expected a positive finite number of tokens, got -5/);
    expect(e.message).toMatch(/line 4: invalid line\.model: expected one of pythia-14m.*got "pythia-7b"/);
    expect(e.message).toMatch(/line 5: invalid line\.method\.rank/);
    expect(e.message).toMatch(/line 6: .*no key "toknes"/);
    expect(e.message).toMatch(/line 7: expected a JSON object/);
    expect(e.message).toMatch(/line 8: invalid line\.method\.trainableBlocks.*1\.\.6/);
    expect(e.message).toMatch(/line 9: invalid line\.tokens: expected .*or `pairs`/);
    expect(e.message).toMatch(/line 10: invalid line\.tokens/);
    expect(e.message).toMatch(/line 11: invalid line\.loss/);
  });

  it('round-trips through formatLedgerLine (Pythia models by name, others as objects)', () => {
    const obs = parseLedger(GOOD);
    const again = parseLedger(obs.map(formatLedgerLine).join('\n'));
    expect(again.map(({ line: _, ...o }) => o)).toEqual(obs.map(({ line: _, ...o }) => o));
    expect(formatLedgerLine(obs[0]!)).toMatch(/"model":"pythia-70m"/);
  });

  it('an empty ledger parses to no observations (fitLaw then says it is empty)', () => {
    expect(parseLedger('\n  \n')).toEqual([]);
  });
});

describe('toObservation', () => {
  it('names the field for programmatic input: NaN loss, negative tokens, unknown model', () => {
    const ok = { model: 'pythia-70m', method: { kind: 'full' }, tokens: 1e8, loss: 0.9 };
    expect(() => toObservation({ ...ok, loss: NaN }, 'observations.3')).toThrow(/invalid observations\.3\.loss: expected a positive finite number \(contrastive loss\), got NaN/);
    expect(() => toObservation({ ...ok, tokens: -1 }, 'observations.0')).toThrow(ValidationError);
    expect(() => toObservation({ ...ok, model: 'gpt-2' })).toThrow(/observation\.model.*"gpt-2"/);
  });
});

describe('readLedgerFile', () => {
  it('reads a file and names the path in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, GOOD);
    expect(await readLedgerFile(good)).toHaveLength(3);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${GOOD}\n{"oops":1}\n`);
    await expect(readLedgerFile(bad)).rejects.toThrow(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1 malformed line[\\s\\S]*line 6`));
  });
});
