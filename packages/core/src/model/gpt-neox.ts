/**
 * GPT-NeoX (Pythia) written once against the GraphBuilder, following Hugging Face's GPTNeoXModel:
 *
 *   x = embed_in[ids]
 *   per block, parallel residual:  x = mlp(ln2(x)) + attn(ln1(x)) + x
 *              sequential:         a = attn(ln1(x)) + x;  x = mlp(ln2(a)) + a
 *   attn: fused QKV viewed [B, T, NH, 3·HS] and split per head into [q | k | v]; rotary on the first
 *         rotary_pct of each head; causal softmax(q·kᵀ/√HS) with a key padding mask; dense
 *   mlp:  dense_4h_to_h(gelu(dense_h_to_4h(·))) with exact (erf) GELU
 *   out = final_layer_norm(x)
 *
 * Symbols: B batch, T tokens, C hidden size, NH heads, HS = C/NH head size, I intermediate size.
 * Each node is built in a scope named like the HF module it belongs to
 * (`layers.3.attention.query_key_value`), so FLOPs and gradient nodes can be attributed by module.
 * Methods change the forward only through `ModelWeights` (model-weights.ts).
 *
 * Not an LM: there is no embed_out / logits head (the embedding model does not need one), no KV cache
 * and no dropout (Pythia's is 0).
 */
import type { GptNeoxArchitecture, ModelArchitecture } from '../catalog/architecture.js';
import { requireGptNeox } from './engine-architecture.js';
import type { GraphBuilder, Tensor } from '../engine/builder.js';
import { GraphError } from '../engine/errors.js';
import type { ModelWeights } from './model-weights.js';
import { FINAL_LAYER_NORM, blockPrefix } from './parameter-layout.js';
import { rotaryEmbedding } from './rotary.js';

/** ids [B, T] i32, mask [B, T] i32 (1 = real token, 0 = pad) → last hidden state [B, T, C]. */
export function gptNeoXForward(b: GraphBuilder, architecture: ModelArchitecture, w: ModelWeights, ids: Tensor, mask: Tensor): Tensor {
  const arch = requireGptNeox(architecture, 'gptNeoXForward');
  if (ids.rank !== 2 || mask.rank !== 2 || ids.shape[0] !== mask.shape[0] || ids.shape[1] !== mask.shape[1]) {
    throw new GraphError('forward ids/mask shapes', `[${ids.shape}] / [${mask.shape}]`, 'two tensors of the same shape [B, T]');
  }
  const [B, T] = ids.shape as [number, number];
  const HS = arch.hiddenSize / arch.numHeads;
  const rotary = b.scope('rotary', () => rotaryEmbedding(b, T, HS, arch.rotaryPct, arch.rotaryEmbBase));
  const keyMask = b.reshape(mask, [B, 1, 1, T]); //                                   [B, 1, 1, T]
  let x = b.scope('embed_in', () => w.embed(ids)); //                                 [B, T, C]
  for (let i = 0; i < arch.numLayers; i++) {
    x = b.scope(blockPrefix(i), () => gptNeoXBlock(b, arch, w, i, x, keyMask, rotary)); // [B, T, C]
  }
  return b.scope(FINAL_LAYER_NORM, () => layerNorm(b, arch, w, FINAL_LAYER_NORM, x)); //    [B, T, C]
}

function gptNeoXBlock(
  b: GraphBuilder,
  arch: GptNeoxArchitecture,
  w: ModelWeights,
  i: number,
  x: Tensor, //                                                                        [B, T, C]
  keyMask: Tensor, //                                                                  [B, 1, 1, T]
  rotary: (x: Tensor) => Tensor,
): Tensor {
  const p = blockPrefix(i);
  const h1 = b.scope('input_layernorm', () => layerNorm(b, arch, w, `${p}.input_layernorm`, x)); //      [B, T, C]
  const attn = b.scope('attention', () => attention(b, arch, w, p, h1, keyMask, rotary)); //            [B, T, C]
  if (arch.useParallelResidual) {
    const h2 = b.scope('post_attention_layernorm', () => layerNorm(b, arch, w, `${p}.post_attention_layernorm`, x)); // [B, T, C]
    const m = b.scope('mlp', () => mlp(b, w, p, h2)); //                               [B, T, C]
    return b.add(b.add(m, attn), x); // HF's order: mlp_output + attn_output + hidden  [B, T, C]
  }
  const a = b.add(attn, x); //                                                         [B, T, C]
  const h2 = b.scope('post_attention_layernorm', () => layerNorm(b, arch, w, `${p}.post_attention_layernorm`, a)); // [B, T, C]
  return b.add(b.scope('mlp', () => mlp(b, w, p, h2)), a); //                         [B, T, C]
}

function attention(
  b: GraphBuilder,
  arch: GptNeoxArchitecture,
  w: ModelWeights,
  p: string,
  h: Tensor, //                                                                        [B, T, C]
  keyMask: Tensor, //                                                                  [B, 1, 1, T]
  rotary: (x: Tensor) => Tensor,
): Tensor {
  const [B, T, C] = h.shape as [number, number, number];
  const NH = arch.numHeads;
  const HS = C / NH;
  const qkv = b.scope('query_key_value', () => w.linear(`${p}.attention.query_key_value`, h)); // [B, T, 3C]
  const heads = b.transpose(b.reshape(qkv, [B, T, NH, 3 * HS]), [0, 2, 1, 3]); //    [B, NH, T, 3HS]
  const q = b.scope('rotary', () => rotary(b.sliceAxis(heads, -1, 0, HS))); //         [B, NH, T, HS]
  const k = b.scope('rotary', () => rotary(b.sliceAxis(heads, -1, HS, 2 * HS))); //    [B, NH, T, HS]
  const v = b.sliceAxis(heads, -1, 2 * HS, 3 * HS); //                                 [B, NH, T, HS]
  const context = b.scope('core', () => b.attention(q, k, v, { causal: true, mask: keyMask })); // [B, NH, T, HS]
  const merged = b.reshape(b.transpose(context, [0, 2, 1, 3]), [B, T, C]); //          [B, T, C]
  return b.scope('dense', () => w.linear(`${p}.attention.dense`, merged)); //          [B, T, C]
}

function mlp(b: GraphBuilder, w: ModelWeights, p: string, h: Tensor /* [B, T, C] */): Tensor {
  const up = b.scope('dense_h_to_4h', () => w.linear(`${p}.mlp.dense_h_to_4h`, h)); // [B, T, I]
  const act = b.scope('act', () => b.gelu(up)); //                                    [B, T, I]
  return b.scope('dense_4h_to_h', () => w.linear(`${p}.mlp.dense_4h_to_h`, act)); //  [B, T, C]
}

function layerNorm(b: GraphBuilder, arch: GptNeoxArchitecture, w: ModelWeights, name: string, x: Tensor): Tensor {
  return b.layerNorm(x, w.param(`${name}.weight`), w.param(`${name}.bias`), arch.layerNormEps); // [B, T, C]
}
