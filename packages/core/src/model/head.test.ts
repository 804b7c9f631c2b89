/**
 * The embedding head on hand-computed literals: mean and last-token pooling over right-padded rows,
 * L2 normalisation, and symmetric InfoNCE (including the temperature); and the input validation of
 * the graph builders.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../engine/builder.js';
import { hostTensor } from '../engine/host-tensor.js';
import { ValidationError } from '../errors.js';
import { referenceBackend } from '../reference/backend.js';
import { buildEmbeddingGraph } from './embedding-graph.js';
import { symmetricInfoNce, similarityScores } from './info-nce.js';
import { l2Normalize, lastTokenPool, meanPool } from './pooling.js';
import { buildTrainingGraph } from './training-graph.js';
import { goldenModel } from './golden.test-helper.js';

const backend = referenceBackend();

describe('pooling', () => {
  // hidden [B=2, T=3, C=2]; row 0 has 2 real tokens, row 1 has 3
  const hidden = [1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10];
  const mask = [1, 1, 0, 1, 1, 1];
  function run(poolFn: typeof meanPool) {
    const b = new GraphBuilder({ dtype: 'f64' });
    const h = b.data('h', [2, 3, 2], 'f64');
    const m = b.data('m', [2, 3]);
    const pooled = poolFn(b, h, m);
    b.output('pooled', pooled);
    b.output('normalized', l2Normalize(b, pooled));
    return backend.compileSync(b.build()).runSync({ h: hostTensor('f64', [2, 3, 2], hidden), m: hostTensor('i32', [2, 3], mask) });
  }

  it('mean pooling averages only the real tokens; L2 normalisation gives unit rows', () => {
    const out = run(meanPool);
    expect(Array.from(out.pooled!.data)).toEqual([2, 3, 7, 8]);
    const n = Array.from(out.normalized!.data);
    expect(n[0]).toBeCloseTo(2 / Math.sqrt(13), 14);
    expect(n[3]).toBeCloseTo(8 / Math.sqrt(113), 14);
  });

  it('last-token pooling picks each row’s last real token (right padding)', () => {
    expect(Array.from(run(lastTokenPool).pooled!.data)).toEqual([3, 4, 9, 10]);
  });
});

describe('symmetric InfoNCE', () => {
  it('equals ½[CE(S, diag) + CE(Sᵀ, diag)] computed by hand, at the given inverse temperature', () => {
    const q = [1, 0, 0.6, 0.8];
    const p = [0.8, 0.6, 0, 1];
    const b = new GraphBuilder({ dtype: 'f64' });
    const qn = b.data('q', [2, 2], 'f64');
    const pn = b.data('p', [2, 2], 'f64');
    const s = similarityScores(b, qn, pn, 20);
    b.output('loss', symmetricInfoNce(b, s));
    const out = backend.compileSync(b.build()).runSync({ q: hostTensor('f64', [2, 2], q), p: hostTensor('f64', [2, 2], p) });
    const S = [
      [20 * 0.8, 0],
      [20 * (0.48 + 0.48), 20 * 0.8],
    ];
    const ce = (rows: number[][]) => rows.reduce((acc, row, i) => acc - (row[i]! - Math.log(row.reduce((z, v) => z + Math.exp(v), 0))), 0) / rows.length;
    const transposed = [
      [S[0]![0]!, S[1]![0]!],
      [S[0]![1]!, S[1]![1]!],
    ];
    expect(out.loss!.data[0]).toBeCloseTo(0.5 * (ce(S) + ce(transposed)), 12);
  });
});

describe('builder validation', () => {
  const arch = goldenModel().architecture;
  it('rejects bad batch shapes and head options with a named field', () => {
    expect(() => buildTrainingGraph(arch, { kind: 'full' }, { B: 0, Tq: 3, Tp: 3 })).toThrow(/shape\.B/);
    expect(() => buildTrainingGraph(arch, { kind: 'full' }, { B: 2, Tq: 3.5, Tp: 3 })).toThrow(ValidationError);
    expect(() => buildTrainingGraph(arch, { kind: 'full' }, { B: 2, Tq: 3, Tp: 3 }, { inverseTemperature: -1 })).toThrow(/inverseTemperature/);
    expect(() => buildEmbeddingGraph(arch, { B: 2, T: 3 }, { pooling: 'cls' as 'mean' })).toThrow(/pooling/);
    expect(() => buildTrainingGraph(arch, { kind: 'freeze', trainableBlocks: 3 }, { B: 2, Tq: 3, Tp: 3 })).toThrow(/trainableBlocks/);
  });
});
