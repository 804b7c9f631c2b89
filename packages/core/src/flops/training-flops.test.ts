import { describe, expect, it } from 'vitest';
import { PYTHIA, PYTHIA_NAMES } from '../catalog/pythia.js';
import { hfParameters, sumWhere } from '../catalog/hf-parameter-names.test-helper.js';
import { DEFAULT_LORA_RANKS } from '../recipe/search-space.js';
import { elementwisePerBlock, trainingFlops } from './training-flops.js';
import { pairsToSteps, pairsToTokens, tokensToPairs, tokensToSteps } from './units.js';

const D = 1.23456789e9;

describe('paper accounting equals the paper’s formulas exactly', () => {
  for (const name of PYTHIA_NAMES) {
    const m = PYTHIA[name];
    const { numLayers: L, hiddenSize: d } = m;
    // Independent counts: the paper's formulas (docs/flops.md) and the HF parameter list.
    const N = L * (12 * d * d + 13 * d) + 2 * d;
    const Nbias = sumWhere(hfParameters(m), (n) => n.endsWith('bias'));

    it(`${name}: full = 6·N·D`, () => {
      expect(trainingFlops(name, { kind: 'full' }, D).total).toBe(6 * N * D);
    });

    it(`${name}: freeze k of L = (2N + 4·N_tr)·D for every k`, () => {
      for (let k = 1; k <= L; k++) {
        const Ntr = k * (12 * d * d + 13 * d) + 2 * d;
        expect(trainingFlops(name, { kind: 'freeze', trainableBlocks: k }, D).total).toBe((2 * N + 4 * Ntr) * D);
      }
    });

    it(`${name}: bias = (4N + 2·N_tr)·D`, () => {
      expect(trainingFlops(name, { kind: 'bias' }, D).total).toBe((4 * N + 2 * Nbias) * D);
    });

    it(`${name}: lora r = (4N + 6·16·L·d·r)·D for every rank`, () => {
      for (const r of [1, 2, 4, ...DEFAULT_LORA_RANKS]) {
        expect(trainingFlops(name, { kind: 'lora', rank: r }, D).total).toBe((4 * N + 6 * 16 * L * d * r) * D);
      }
    });
  }

  it('splits the total into forward and the two backward parts', () => {
    const f = trainingFlops('pythia-160m', { kind: 'freeze', trainableBlocks: 3 }, 1);
    expect(f.forward).toBe(2 * 85_056_000);
    expect(f.backwardActivations).toBe(f.backwardWeights);
    expect(f.forward + f.backwardActivations + f.backwardWeights).toBe(f.total);
  });
});

describe('detailed accounting', () => {
  const T = 78;
  const m = PYTHIA['pythia-14m'];
  const { numLayers: L, hiddenSize: d } = m;
  const E = 8 * 4 * T + 5 * 512 + 12 * 128; // elementwise per block: NH 4, I 512, d 128

  it('estimates elementwise work from op counts: 8 per attention score, 5 per GELU unit, 12 per channel', () => {
    expect(elementwisePerBlock(m, T)).toBe(E);
  });

  it('adds attention scores to forward and, through every block with a gradient, to backward', () => {
    const paper = trainingFlops(m, { kind: 'full' }, 1);
    const detailed = trainingFlops(m, { kind: 'full' }, 1, { accounting: 'detailed', sequenceLength: T });
    expect(detailed.forward - paper.forward).toBe(L * (4 * T * d + E));
    expect(detailed.backwardActivations - paper.backwardActivations).toBe(2 * L * (4 * T * d + E));
    expect(detailed.backwardWeights - paper.backwardWeights).toBe(d); // embedding scatter-add
  });

  it('freezing skips attention backward in frozen blocks; LoRA counts its embed_in adapter', () => {
    const frozen = trainingFlops(m, { kind: 'freeze', trainableBlocks: 2 }, 1, { accounting: 'detailed', sequenceLength: T });
    const paperFrozen = trainingFlops(m, { kind: 'freeze', trainableBlocks: 2 }, 1);
    expect(frozen.backwardActivations - paperFrozen.backwardActivations).toBe(2 * 2 * (4 * T * d + E));
    const lora = trainingFlops(m, { kind: 'lora', rank: 8 }, 1, { accounting: 'detailed', sequenceLength: T });
    const paperLora = trainingFlops(m, { kind: 'lora', rank: 8 }, 1);
    expect(lora.forward - paperLora.forward).toBe(L * (4 * T * d + E) + 2 * 8 * d);
    expect(lora.backwardWeights - paperLora.backwardWeights).toBe(4 * 8 * d);
  });

  it('defaults T to 75 and rejects a non-integer T', () => {
    const a = trainingFlops(m, { kind: 'full' }, 1, { accounting: 'detailed' });
    const b = trainingFlops(m, { kind: 'full' }, 1, { accounting: 'detailed', sequenceLength: 75 });
    expect(a).toEqual(b);
    expect(() => trainingFlops(m, { kind: 'full' }, 1, { accounting: 'detailed', sequenceLength: 7.5 })).toThrow(/options\.sequenceLength/);
  });
});

describe('bad input names the field', () => {
  it.each([
    ['negative tokens', () => trainingFlops('pythia-14m', { kind: 'full' }, -1), /invalid tokens: expected a positive finite number of tokens, got -1/],
    ['NaN tokens', () => trainingFlops('pythia-14m', { kind: 'full' }, Number.NaN), /invalid tokens.*got NaN/],
    ['unknown model', () => trainingFlops('pythia-7b', { kind: 'full' }, 1), /invalid model.*"pythia-7b"/],
    ['rank 0', () => trainingFlops('pythia-14m', { kind: 'lora', rank: 0 }, 1), /invalid method\.rank: expected an integer ≥ 1.*got 0/],
    ['fractional rank', () => trainingFlops('pythia-14m', { kind: 'lora', rank: 2.5 }, 1), /invalid method\.rank.*got 2\.5/],
    ['0 trainable blocks', () => trainingFlops('pythia-14m', { kind: 'freeze', trainableBlocks: 0 }, 1), /invalid method\.trainableBlocks.*got 0/],
    ['too many trainable blocks', () => trainingFlops('pythia-14m', { kind: 'freeze', trainableBlocks: 7 }, 1), /invalid method\.trainableBlocks: expected an integer in 1\.\.6.*got 7/],
    ['unknown method', () => trainingFlops('pythia-14m', { kind: 'prefix' } as never, 1), /invalid method\.kind.*"prefix"/],
    ['unknown accounting', () => trainingFlops('pythia-14m', { kind: 'full' }, 1, { accounting: 'kaplan' as never }), /invalid options\.accounting.*"paper" or "detailed".*"kaplan"/],
  ])('%s', (_label, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('tokens, pairs and steps', () => {
  it('counts 78 tokens a pair and 1024 pairs a step, a partial last batch as a step', () => {
    expect(pairsToTokens(1000)).toBe(78_000);
    expect(tokensToPairs(78_000)).toBe(1000);
    expect(pairsToSteps(2048)).toBe(2);
    expect(pairsToSteps(2049)).toBe(3);
    expect(tokensToSteps(78 * 1024 * 10)).toBe(10);
    expect(() => pairsToSteps(10, 0)).toThrow(/invalid batchSize/);
  });
});
