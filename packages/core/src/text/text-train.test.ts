/**
 * The glue end to end on today's trainer: a pair file and a tokenizer folder become a PairSource that
 * train() consumes on the CPU reference backend. Kept small (a tiny random GPT-NeoX, 16 tokens, a few
 * steps); the recall-improves acceptance test belongs with `repurpose train`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../catalog/architecture.js';
import { referenceBackend } from '../reference/index.js';
import { randomGptNeoXParameters } from '../train/random-parameters.js';
import { train } from '../train/trainer.js';
import { loadTokenizerDir, readPairFilePath } from './files.js';
import { textPairSource } from './text-pair-source.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/text');

describe('text pairs → train()', () => {
  it('trains on a JSONL file through the tokenizer, with a finite loss every step and parameters that move', async () => {
    const tokenizer = await loadTokenizerDir(join(FIXTURES, 'tiny-bpe'), { maxTokens: 16 });
    const { pairs } = await readPairFilePath(join(FIXTURES, 'sotu-pairs.jsonl'));
    const B = 8;
    const data = textPairSource(pairs.slice(0, 64), tokenizer, { batchSize: B, seed: 1, vocabSize: 1027 });
    const architecture = architectureFromConfig({ num_hidden_layers: 1, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32, vocab_size: 1027, max_position_embeddings: 32 }, 'tiny-text');
    const losses: number[] = [];
    const result = await train(
      {
        backend: referenceBackend(),
        architecture,
        method: { kind: 'full' },
        parameters: randomGptNeoXParameters(architecture, { seed: 2, dtype: 'f32' }),
        data,
        batch: { B, ...data.maxShape },
        steps: 3,
        peakLearningRate: 1e-3,
        padId: tokenizer.padId,
        dtype: 'f32',
      },
      (e) => void (e.kind === 'step' && losses.push(e.loss)),
    );
    expect(data.maxShape).toEqual({ Tq: 16, Tp: 16 });
    expect(result.reason).toBe('steps');
    expect(losses).toHaveLength(3);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    const before = randomGptNeoXParameters(architecture, { seed: 2, dtype: 'f32' }).get('embed_in.weight')!.data;
    const after = result.parameters.get('embed_in.weight')!.data;
    expect(Array.from(after).some((v, i) => v !== before[i])).toBe(true);
  });
});
