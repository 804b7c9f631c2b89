import { describe, expect, it } from 'vitest';
import { trainingFlops } from '../flops/training-flops.js';
import { optimalRecipe } from '../recipe/optimal-recipe.js';
import { parseLedger } from './ledger.js';
import { measuredThroughput } from './measured-throughput.js';

/** Runs timed so that LoRA reaches 60% of full fine-tuning's FLOP/s (2 GPUs each). */
function ledger(): string {
  const rate = { full: 4e14, lora: 2.4e14 } as const;
  const lines = [];
  for (const [i, model] of ['pythia-70m', 'pythia-160m', 'pythia-410m'].entries()) {
    for (const method of [{ kind: 'full' }, { kind: 'lora', rank: 32 }] as const) {
      const tokens = 1e8 * (i + 1);
      const seconds = trainingFlops(model, method, tokens).total / (rate[method.kind] * 2);
      lines.push(JSON.stringify({ model, method, tokens, loss: 0.8, seconds, hardware: { gpu: 'H100', count: 2 } }));
    }
  }
  return lines.join('\n');
}

describe('measuredThroughput', () => {
  it('recovers per-method FLOP/s and the ratio to full fine-tuning', () => {
    const t = measuredThroughput(parseLedger(ledger()));
    expect(t.factors.full).toBe(1);
    expect(t.factors.lora).toBeCloseTo(0.6, 12);
    expect(t.flopsPerSecond.full).toBeCloseTo(4e14, 0);
    expect(t.runs).toEqual({ full: 3, lora: 3 });
  });

  it('feeds GPU-hour planning', () => {
    const { factors } = measuredThroughput(parseLedger(ledger()));
    const r = optimalRecipe({ gpuHours: 0.5, gpu: 'H100' }, { throughput: factors });
    expect(r.explanation).toMatch(/lora ×0\.60/);
  });

  it('refuses mixed hardware and a ledger without timed full fine-tuning', () => {
    const mixed = ledger().replace('"gpu":"H100"', '"gpu":"A100"');
    expect(() => measuredThroughput(parseLedger(mixed))).toThrow(/different hardware \(A100, H100\)/);
    const noFull = ledger().split('\n').filter((l) => l.includes('lora')).join('\n');
    expect(() => measuredThroughput(parseLedger(noFull))).toThrow(/needs timed runs of full fine-tuning/);
  });
});
