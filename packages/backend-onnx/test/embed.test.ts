/**
 * createEmbedder on the ONNX backend: equals the reference backend's one-batch embedding of the golden
 * model (f64, to 1e-12), for mixed lengths batched by length — results in input order, one compiled
 * shape per bucket, padding never changing an embedding — and validates its inputs.
 */
import { describe, expect, it } from 'vitest';
import { buildEmbeddingGraph, EMBEDDING_INPUTS, hostTensor, parameterFeeds } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { goldenModel } from '../../core/src/model/golden.test-helper.js';
import { createEmbedder } from '../src/embed.js';
import { testBackend } from '../src/test-ort.test-helper.js';

const model = goldenModel();
const SEQUENCES = [[5, 9, 3, 7, 1], [2], [8, 8, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [4, 4], [9, 1, 9, 1, 9, 1, 9]];

/** The reference: each sequence alone, unpadded. */
async function referenceEmbedding(seq: number[], normalized: boolean): Promise<Float64Array> {
  const { graph } = buildEmbeddingGraph(model.architecture, { B: 1, T: seq.length }, { dtype: 'f64', normalized });
  const out = referenceBackend().compileSync(graph).runSync({
    [EMBEDDING_INPUTS.ids]: hostTensor('i32', [1, seq.length], seq),
    [EMBEDDING_INPUTS.mask]: hostTensor('i32', [1, seq.length], seq.map(() => 1)),
    ...parameterFeeds(graph, model.parameters),
  });
  return Float64Array.from(out[normalized ? 'embedding_normalized' : 'embedding']!.data);
}

describe('createEmbedder', () => {
  for (const normalize of [false, true]) {
    it(`mixed lengths in length buckets equal each sequence embedded alone (normalize ${normalize})`, async () => {
      const embedder = await createEmbedder(testBackend(1), { architecture: model.architecture, parameters: model.parameters, dtype: 'f64', normalize, batchSize: 2, bucket: 4 });
      const got = await embedder.embed(SEQUENCES);
      expect(got).toHaveLength(SEQUENCES.length);
      for (let i = 0; i < SEQUENCES.length; i++) {
        const want = await referenceEmbedding(SEQUENCES[i]!, normalize);
        const scale = Math.max(...Array.from(want, Math.abs));
        const err = Math.max(...Array.from(want, (w, j) => Math.abs(w - got[i]![j]!)));
        expect(err / scale, `sequence ${i}`).toBeLessThan(1e-6); // results are f32 arrays
      }
      // sorted by length: [2] [4,4] | [8,8,4] [5,9,3,7,1] | [9,1,…] [1..11] → T = 4, 8, 12
      expect(embedder.shapes).toEqual(['2x4', '2x8', '2x12']);
      if (normalize) for (const e of got) expect(Math.hypot(...e)).toBeCloseTo(1, 6);
      embedder.dispose();
    });
  }

  it('rejects bad options and ids, naming them', async () => {
    await expect(createEmbedder(testBackend(1), { architecture: model.architecture, parameters: model.parameters, batchSize: 0 })).rejects.toThrow(/options\.batchSize/);
    const embedder = await createEmbedder(testBackend(1), { architecture: model.architecture, parameters: model.parameters });
    await expect(embedder.embed([[1, 2], []])).rejects.toThrow(/sequences\.1: expected a non-empty array/);
    await expect(embedder.embed([[1, model.architecture.vocabSize]])).rejects.toThrow(/sequences\.0\.1: expected a token id/);
  });
});
