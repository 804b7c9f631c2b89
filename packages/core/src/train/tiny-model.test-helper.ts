/**
 * Test helper: a tiny GPT-NeoX (vocab 128, C 32, 2 blocks, 4 heads) with HF-style random weights and
 * synthetic paired data for it. Not a test itself.
 */
import { type ModelArchitecture, architectureFromConfig } from '../catalog/architecture.js';
import type { FloatDType } from '../engine/dtype.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { seededRandom, uniformValues } from '../engine/seeded-random.js';
import { randomGptNeoXParameters } from './random-parameters.js';

export const TINY: ModelArchitecture = architectureFromConfig(
  { num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 128, vocab_size: 128, max_position_embeddings: 64 },
  'tiny',
);

/**
 * HF-initialised weights, made anisotropic the way pretrained LMs are: the final LayerNorm's output
 * is a shared random direction (bias ~ U(−1, 1)) plus a small token-dependent part (weight 0.2), so
 * every pooled embedding starts near one direction, cosines near 1, and the in-batch InfoNCE starts
 * at chance, ≈ ln B. (With LayerNorm weight 1 and bias 0, random embeddings are far apart and the
 * loss at initialisation is ≈ 5·ln B instead.)
 */
export function tinyParameters(dtype: FloatDType = 'f32', seed = 1): Map<string, HostTensor> {
  const params = randomGptNeoXParameters(TINY, { seed, dtype });
  const C = TINY.hiddenSize;
  params.set('final_layer_norm.weight', hostTensor(dtype, [C], new Array(C).fill(0.2)));
  params.set('final_layer_norm.bias', hostTensor(dtype, [C], uniformValues(seededRandom(seed + 100), C)));
  return params;
}
