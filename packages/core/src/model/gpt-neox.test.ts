/**
 * The forward against PyTorch (golden fixtures, f64): last hidden states, pooled and normalised
 * embeddings, the score matrix and the InfoNCE loss, for the main config (4 heads) and the 2-head
 * variant that pins down rotate-half vs interleaved rotary; plus f32 agreement and the
 * sequential-residual variant's wiring.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { requireGptNeox } from './engine-architecture.js';
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../engine/host-tensor.js';
import { referenceBackend } from '../reference/backend.js';
import { hostTensor } from '../engine/host-tensor.js';
import { castParameters, parameterFeeds, type ParameterMap } from './parameter-map.js';
import { EMBEDDING_INPUTS, buildEmbeddingGraph } from './embedding-graph.js';
import { buildLossGraph } from './training-graph.js';
import { goldenBatchFeeds, goldenFile, goldenManifest, goldenModel, goldenValues, ids2d, scaledError } from './golden.test-helper.js';

const backend = referenceBackend();

function embed(config: 'config.json' | 'config-heads2.json', side: 'query' | 'positive', dtype: 'f32' | 'f64' = 'f64') {
  const model = goldenModel(config);
  const batch = goldenManifest.batch[side];
  const shape = { B: batch.input_ids.length, T: batch.input_ids[0]!.length };
  const { graph } = buildEmbeddingGraph(model.architecture, shape, { dtype, normalized: true, hiddenStates: true });
  const params = castParameters(model.parameters, dtype);
  return backend.compileSync(graph).runSync({
    [EMBEDDING_INPUTS.ids]: ids2d(batch.input_ids),
    [EMBEDDING_INPUTS.mask]: ids2d(batch.attention_mask),
    ...parameterFeeds(graph, params),
  });
}

function loss(config: 'config.json' | 'config-heads2.json', dtype: 'f32' | 'f64' = 'f64'): Record<string, HostTensor> {
  const model = goldenModel(config);
  const { graph } = buildLossGraph(model.architecture, { kind: 'full' }, { B: 4, Tq: 6, Tp: 9 }, { dtype });
  return backend.compileSync(graph).runSync({ ...goldenBatchFeeds(), ...parameterFeeds(graph, castParameters(model.parameters, dtype)) });
}

describe('GPT-NeoX forward vs PyTorch (golden, f64)', () => {
  const forward = goldenFile('forward.safetensors');

  for (const side of ['query', 'positive'] as const) {
    it(`${side}: last hidden state, mean-pooled and normalised embeddings to 1e-5 relative`, () => {
      const out = embed('config.json', side);
      const errors = {
        hidden: scaledError(out.last_hidden_state!.data, goldenValues(forward, `${side}.last_hidden_state`)),
        embedding: scaledError(out.embedding!.data, goldenValues(forward, `${side}.embedding`)),
        normalized: scaledError(out.embedding_normalized!.data, goldenValues(forward, `${side}.embedding_normalized`)),
      };
      console.info(`golden forward ${side} (f64) scaled errors`, errors);
      for (const e of Object.values(errors)) expect(e).toBeLessThan(1e-5);
    });
  }

  it('scores and symmetric InfoNCE loss to 1e-5 relative', () => {
    const out = loss('config.json');
    const scoreError = scaledError(out.scores!.data, goldenValues(forward, 'scores'));
    const lossError = Math.abs(out.loss!.data[0]! - goldenManifest.loss) / goldenManifest.loss;
    console.info('golden loss (f64)', { loss: out.loss!.data[0], expected: goldenManifest.loss, lossError, scoreError });
    expect(lossError).toBeLessThan(1e-5);
    expect(scoreError).toBeLessThan(1e-5);
    expect(goldenValues(forward, 'loss')[0]).toBe(goldenManifest.loss);
  });

  it('2-head variant (4 rotary dims: rotate-half, not interleaved) matches', () => {
    const heads2 = goldenFile('forward-heads2.safetensors');
    const q = embed('config-heads2.json', 'query');
    const p = embed('config-heads2.json', 'positive');
    const out = loss('config-heads2.json');
    const errors = {
      queryHidden: scaledError(q.last_hidden_state!.data, goldenValues(heads2, 'query.last_hidden_state')),
      positiveHidden: scaledError(p.last_hidden_state!.data, goldenValues(heads2, 'positive.last_hidden_state')),
      positiveEmbedding: scaledError(p.embedding!.data, goldenValues(heads2, 'positive.embedding')),
      loss: Math.abs(out.loss!.data[0]! - goldenManifest.variants.heads2.loss) / goldenManifest.variants.heads2.loss,
    };
    console.info('golden heads2 (f64) scaled errors', errors);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(1e-5);
    // The variant really differs from the main config, so matching both is not an accident.
    expect(scaledError(q.last_hidden_state!.data, goldenValues(forward, 'query.last_hidden_state'))).toBeGreaterThan(1e-2);
  });

  it('f32 agrees with the f64 reference to 1e-5 relative', () => {
    const out = loss('config.json', 'f32');
    expect(out.loss!.dtype).toBe('f32');
    const lossError = Math.abs(out.loss!.data[0]! - goldenManifest.loss) / goldenManifest.loss;
    const hidden = embed('config.json', 'positive', 'f32');
    const hiddenError = scaledError(hidden.last_hidden_state!.data, goldenValues(forward, 'positive.last_hidden_state'));
    console.info('golden (f32)', { lossError, hiddenError });
    expect(lossError).toBeLessThan(1e-5);
    expect(hiddenError).toBeLessThan(1e-5);
  });
});

describe('sequential residual (use_parallel_residual = false)', () => {
  it('one sequential block equals two parallel blocks that split it into attention, then MLP', () => {
    // sequential: a = x + attn(ln1(x)); y = a + mlp(ln2(a)). Parallel block 0 with its MLP zeroed gives
    // a; parallel block 1 with its attention output zeroed and block 0's ln2/MLP gives y — bit for bit.
    const model = goldenModel();
    const p = model.parameters;
    const zero = (name: string) => hostTensor('f64', p.get(name)!.shape);
    const sequentialArch = { ...requireGptNeox(model.architecture, 'test'), numLayers: 1, useParallelResidual: false };
    const sequential = new Map([...p].filter(([n]) => !n.startsWith('layers.1.')));
    const split = new Map(p);
    for (const n of ['weight', 'bias']) {
      split.set(`layers.0.mlp.dense_4h_to_h.${n}`, zero(`layers.0.mlp.dense_4h_to_h.${n}`));
      split.set(`layers.1.attention.dense.${n}`, zero(`layers.1.attention.dense.${n}`));
      for (const m of ['post_attention_layernorm', 'mlp.dense_h_to_4h', 'mlp.dense_4h_to_h']) split.set(`layers.1.${m}.${n}`, p.get(`layers.0.${m}.${n}`)!);
    }
    const run = (arch: ModelArchitecture, params: ParameterMap) => {
      const batch = goldenManifest.batch.positive;
      const { graph } = buildEmbeddingGraph(arch, { B: 4, T: 9 }, { dtype: 'f64', hiddenStates: true });
      return backend.compileSync(graph).runSync({
        [EMBEDDING_INPUTS.ids]: ids2d(batch.input_ids),
        [EMBEDDING_INPUTS.mask]: ids2d(batch.attention_mask),
        ...parameterFeeds(graph, params),
      }).last_hidden_state!.data;
    };
    const a = run(sequentialArch, sequential);
    expect(Array.from(a)).toEqual(Array.from(run(model.architecture, split)));
    // and it is not the parallel block: the MLP really reads ln2(a), not ln2(x)
    const parallelOne = run({ ...sequentialArch, useParallelResidual: true }, sequential);
    expect(scaledError(parallelOne, a)).toBeGreaterThan(1e-3);
  });
});
