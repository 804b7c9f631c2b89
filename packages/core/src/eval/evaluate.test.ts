/**
 * evaluate() on the reference backend with a tiny random GPT-NeoX and the text fixtures: the
 * held-out loss computed on the host equals the training graph's own loss on the same batch, the
 * retrieval metrics are those of the embeddings (re-derived here from the inference graph), and
 * identical inputs give identical reports.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../catalog/architecture.js';
import { hostTensor } from '../engine/host-tensor.js';
import { buildLossGraph, LOSS_OUTPUT, TRAINING_INPUTS } from '../model/training-graph.js';
import { parameterFeeds } from '../model/parameter-map.js';
import { referenceBackend } from '../reference/index.js';
import { loadTokenizerDir, readPairFilePath } from '../text/files.js';
import { randomGptNeoXParameters } from '../train/random-parameters.js';
import { embedTexts } from './embed-texts.js';
import { evaluate } from './evaluate.js';
import { parseScoredPairs } from './scored-pairs.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/text');
const architecture = architectureFromConfig({ num_hidden_layers: 1, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32, vocab_size: 1027, max_position_embeddings: 32 }, 'tiny-eval');
const parameters = randomGptNeoXParameters(architecture, { seed: 5, dtype: 'f64' });

describe('evaluate', async () => {
  const tokenizer = await loadTokenizerDir(join(FIXTURES, 'tiny-bpe'), { maxTokens: 12 });
  const pairs = (await readPairFilePath(join(FIXTURES, 'sotu-pairs.jsonl'))).pairs.slice(0, 24);
  const backend = referenceBackend();
  const model = { architecture, parameters, dtype: 'f64' as const };

  it('held-out loss equals the training graph’s InfoNCE on the same batches', async () => {
    const report = await evaluate({ backend, model, tokenizer, pairs, lossBatchSize: 12, bootstrap: { replicates: 0 } });
    expect(report.heldOutLoss!.batchSize).toBe(12);
    expect(report.heldOutLoss!.batches).toBe(2);
    let total = 0;
    for (let b = 0; b < 2; b++) {
      const batch = pairs.slice(b * 12, b * 12 + 12);
      const q = tokenizer.encodeBatch(batch.map((p) => p.query));
      const p = tokenizer.encodeBatch(batch.map((x) => x.positive));
      const g = buildLossGraph(architecture, { kind: 'full' }, { B: 12, Tq: q.length, Tp: p.length }, { dtype: 'f64' });
      const exe = await backend.compile(g.graph);
      const out = await exe.run({
        ...parameterFeeds(g.graph, parameters),
        [TRAINING_INPUTS.queryIds]: hostTensor('i32', [12, q.length], q.ids.flat()),
        [TRAINING_INPUTS.queryMask]: hostTensor('i32', [12, q.length], q.attentionMask.flat()),
        [TRAINING_INPUTS.positiveIds]: hostTensor('i32', [12, p.length], p.ids.flat()),
        [TRAINING_INPUTS.positiveMask]: hostTensor('i32', [12, p.length], p.attentionMask.flat()),
      });
      total += out[LOSS_OUTPUT]!.data[0]!;
    }
    expect(report.heldOutLoss!.loss).toBeCloseTo(total / 2, 10);
  });

  it('retrieval metrics are those of the embeddings, and the report is deterministic', async () => {
    const { rows: q, C } = await embedTexts(backend, model, tokenizer, pairs.map((p) => p.query), { batchSize: 5 });
    const { rows: d } = await embedTexts(backend, model, tokenizer, pairs.map((p) => p.positive), { batchSize: 7 });
    let hits = 0;
    for (let i = 0; i < pairs.length; i++) {
      const score = (j: number) => q.subarray(i * C, (i + 1) * C).reduce((s, x, c) => s + x * d[j * C + c]!, 0);
      const mine = score(i);
      let better = 0;
      for (let j = 0; j < pairs.length; j++) if (j !== i && score(j) >= mine) better++;
      if (better === 0) hits++;
    }
    const a = await evaluate({ backend, model, tokenizer, pairs, bootstrap: { replicates: 100, seed: 1 } });
    const b = await evaluate({ backend, model, tokenizer, pairs, bootstrap: { replicates: 100, seed: 1 } });
    expect(a.retrieval!.recallAt1.value).toBeCloseTo(hits / pairs.length, 12);
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
  });

  it('scores STS pairs by Spearman, and refuses nothing to evaluate', async () => {
    const scored = parseScoredPairs(pairs.slice(0, 8).map((p, i) => `${p.query}\t${pairs[(i * 3) % 8]!.positive}\t${i % 4}`).join('\n'));
    const report = await evaluate({ backend, model, tokenizer, scored, bootstrap: { replicates: 50 } });
    expect(report.sts!.pairs).toBe(8);
    expect(Math.abs(report.sts!.spearman.value)).toBeLessThanOrEqual(1);
    await expect(evaluate({ backend, model, tokenizer })).rejects.toThrow(/held-out pairs or scored pairs/);
  });
});
