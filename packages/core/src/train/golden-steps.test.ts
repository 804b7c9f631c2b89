/**
 * The trainer against PyTorch: 3 AdamW steps (torch.optim.AdamW, warm-up + cosine lr, 10-step
 * schedule) on the golden batch for full, freeze, bias and LoRA, through the real GPT-NeoX training
 * graph with the update appended, on the reference backend in f64. The golden fixtures
 * (test/fixtures/golden, tools/golden/make_golden.py) record the loss before each step and every
 * trainable parameter after the third; acceptance is 1e-5 relative to each tensor's scale.
 */
import { describe, expect, it } from 'vitest';
import type { FineTuningMethod } from '../methods/method.js';
import { goldenFile, goldenManifest, goldenModel, goldenTensors, goldenValues, scaledError } from '../model/golden.test-helper.js';
import { referenceBackend } from '../reference/index.js';
import { arrayPairSource, type TokenPair } from './pairs.js';
import { type TrainerEvent, train } from './trainer.js';

type Method = 'full' | 'freeze' | 'bias' | 'lora';
const manifest = goldenManifest as unknown as typeof goldenManifest & {
  schedule: { peak_lr: number; total_steps: number };
  methods: Record<Method, { after_file: string; losses_before_each_step: number[]; lrs: number[]; trainable: string[] }>;
};

/** The golden batch as unpadded pairs (the trainer pads them back to Tq 6, Tp 9). */
function goldenPairs(): TokenPair[] {
  const { query, positive } = goldenManifest.batch;
  const unpad = (ids: number[], mask: number[]) => ids.filter((_, i) => mask[i] === 1);
  return query.input_ids.map((ids, i) => ({ query: unpad(ids, query.attention_mask[i]!), positive: unpad(positive.input_ids[i]!, positive.attention_mask[i]!) }));
}

const CASES: Record<Method, FineTuningMethod> = {
  full: { kind: 'full' },
  freeze: { kind: 'freeze', trainableBlocks: 1 },
  bias: { kind: 'bias' },
  lora: { kind: 'lora', rank: 4, alpha: 8 },
};

describe('3 AdamW steps against torch (golden fixtures)', () => {
  for (const [name, method] of Object.entries(CASES) as [Method, FineTuningMethod][]) {
    it(`${name}: losses, learning rates and parameters after 3 steps`, async () => {
      const golden = manifest.methods[name];
      const model = goldenModel();
      const pairs = goldenPairs();
      const events: TrainerEvent[] = [];
      const result = await train(
        {
          backend: referenceBackend(),
          architecture: model.architecture,
          method,
          parameters: model.parameters,
          ...(name === 'lora' ? { adapters: goldenTensors('lora-init.safetensors', 'f64'), loraEmbedIn: false } : {}),
          data: arrayPairSource([...pairs, ...pairs, ...pairs]), // the same batch each step, as the fixture
          batch: { B: 4, Tq: 6, Tp: 9 },
          steps: manifest.schedule.total_steps,
          peakLearningRate: manifest.schedule.peak_lr,
          dtype: 'f64',
        },
        (e) => events.push(e),
      );
      expect(result.reason).toBe('data');
      const steps = events.filter((e) => e.kind === 'step');
      expect(steps.map((e) => e.learningRate)).toEqual(golden.lrs);
      steps.forEach((e, i) => expect(Math.abs(e.loss! - golden.losses_before_each_step[i]!) / golden.losses_before_each_step[i]!).toBeLessThan(1e-9));

      const after = goldenFile(golden.after_file);
      expect([...after.tensors.keys()].sort()).toEqual([...golden.trainable].sort());
      let worst = 0;
      for (const p of golden.trainable) worst = Math.max(worst, scaledError(result.parameters.get(p)!.data, goldenValues(after, p)));
      console.log(`${name}: parameters after 3 AdamW steps vs torch, max scaled error ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-5);
      // Frozen tensors are exactly the checkpoint's.
      for (const [p, t] of model.parameters) if (!golden.trainable.includes(p)) expect(result.parameters.get(p)!.data).toEqual(t.data);
    });
  }
});
