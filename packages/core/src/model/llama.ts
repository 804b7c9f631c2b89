/**
 * The Llama family (Hugging Face LlamaModel, MistralModel, Qwen2Model, Qwen3Model) written once
 * against the GraphBuilder, with HF parameter names:
 *
 *   x = embed_tokens[ids]
 *   per block:  a = x + o_proj(attn(rope(qn(q_proj(rms1(x)))), rope(kn(k_proj(rms1(x)))), v_proj(rms1(x))))
 *               x = a + down_proj(silu(gate_proj(rms2(a))) ⊙ up_proj(rms2(a)))
 *   out = norm(x)
 * rms(x) = w ⊙ x / √(mean(x²) + eps) (weight only); qn/kn are Qwen3's per-head RMSNorms over HS;
 * rope rotates the whole head (rotate-half); k/v heads are repeated NH/KV times (grouped-query
 * attention, HF's repeat_kv) before the shared attention composite.
 *
 * Symbols: B batch, T tokens, C hidden, NH query heads, KV k/v heads, G = NH/KV, HS head size, I MLP width.
 * Forward only so far: the method plans, LoRA rewrite, checkpoint loading and trainer wiring of this
 * family are not built yet (model/engine-architecture.ts refuses it there). No lm_head, KV cache or dropout.
 */
import type { LlamaArchitecture } from '../catalog/llama-architecture.js';
import type { GraphBuilder, Tensor } from '../engine/builder.js';
import { GraphError } from '../engine/errors.js';
import { rotaryEmbedding } from './rotary.js';

/** The parameters by HF name (without the `model.` prefix); `has` tells whether an optional bias exists. */
export interface LlamaWeights {
  param(name: string): Tensor;
}

/** Every parameter of the embedding model in HF order, with its shape [out, in] for Linear weights. */
export function llamaParameters(arch: LlamaArchitecture): { name: string; shape: number[] }[] {
  const { hiddenSize: C, intermediateSize: I, vocabSize: V, numHeads: NH, numKeyValueHeads: KV, headDim: HS } = arch;
  const Q = NH * HS;
  const K = KV * HS;
  const specs: { name: string; shape: number[] }[] = [{ name: 'embed_tokens.weight', shape: [V, C] }];
  for (let i = 0; i < arch.numLayers; i++) {
    const p = `layers.${i}`;
    const lin = (m: string, out: number, inp: number, bias: boolean) => {
      specs.push({ name: `${p}.${m}.weight`, shape: [out, inp] });
      if (bias) specs.push({ name: `${p}.${m}.bias`, shape: [out] });
    };
    lin('self_attn.q_proj', Q, C, arch.qkvBias);
    lin('self_attn.k_proj', K, C, arch.qkvBias);
    lin('self_attn.v_proj', K, C, arch.qkvBias);
    lin('self_attn.o_proj', C, Q, arch.outputBias);
    if (arch.qkNorm) specs.push({ name: `${p}.self_attn.q_norm.weight`, shape: [HS] }, { name: `${p}.self_attn.k_norm.weight`, shape: [HS] });
    lin('mlp.gate_proj', I, C, arch.mlpBias);
    lin('mlp.up_proj', I, C, arch.mlpBias);
    lin('mlp.down_proj', C, I, arch.mlpBias);
    specs.push({ name: `${p}.input_layernorm.weight`, shape: [C] }, { name: `${p}.post_attention_layernorm.weight`, shape: [C] });
  }
  specs.push({ name: 'norm.weight', shape: [C] });
  return specs;
}

/** ids [B, T] i32, mask [B, T] i32 (1 = real token) → last hidden state [B, T, C]. */
export function llamaForward(b: GraphBuilder, arch: LlamaArchitecture, w: LlamaWeights, ids: Tensor, mask: Tensor): Tensor {
  if (ids.rank !== 2 || mask.rank !== 2 || ids.shape[0] !== mask.shape[0] || ids.shape[1] !== mask.shape[1]) {
    throw new GraphError('forward ids/mask shapes', `[${ids.shape}] / [${mask.shape}]`, 'two tensors of the same shape [B, T]');
  }
  const [B, T] = ids.shape as [number, number];
  const rotary = b.scope('rotary', () => rotaryEmbedding(b, T, arch.headDim, 1, arch.rotaryEmbBase));
  const keyMask = b.reshape(mask, [B, 1, 1, T]); //                                   [B, 1, 1, T]
  let x = b.scope('embed_tokens', () => b.gather(w.param('embed_tokens.weight'), ids)); // [B, T, C]
  for (let i = 0; i < arch.numLayers; i++) {
    const p = `layers.${i}`;
    x = b.scope(p, () => {
      const h1 = b.scope('input_layernorm', () => rmsNorm(b, x, w.param(`${p}.input_layernorm.weight`), arch.layerNormEps)); // [B, T, C]
      const a = b.add(x, b.scope('self_attn', () => attention(b, arch, w, p, h1, keyMask, rotary))); //                      [B, T, C]
      const h2 = b.scope('post_attention_layernorm', () => rmsNorm(b, a, w.param(`${p}.post_attention_layernorm.weight`), arch.layerNormEps)); // [B, T, C]
      return b.add(a, b.scope('mlp', () => mlp(b, arch, w, p, h2))); //                                                    [B, T, C]
    });
  }
  return b.scope('norm', () => rmsNorm(b, x, w.param('norm.weight'), arch.layerNormEps)); // [B, T, C]
}

function linear(b: GraphBuilder, w: LlamaWeights, module: string, x: Tensor, bias: boolean): Tensor {
  return b.linear(x, w.param(`${module}.weight`), bias ? w.param(`${module}.bias`) : undefined); // [..., out]
}

/** HF's LlamaRMSNorm: x / √(mean(x², last axis) + eps), times the weight. */
function rmsNorm(b: GraphBuilder, x: Tensor, weight: Tensor, eps: number): Tensor {
  const ms = b.mean(b.square(x), -1, { keepDims: true }); //                           [..., 1]
  return b.mul(b.mul(x, b.rsqrt(b.add(ms, eps))), weight); //                         [..., C]
}

function attention(b: GraphBuilder, arch: LlamaArchitecture, w: LlamaWeights, p: string, h: Tensor, keyMask: Tensor, rotary: (x: Tensor) => Tensor): Tensor {
  const [B, T] = h.shape as [number, number, number];
  const { numHeads: NH, numKeyValueHeads: KV, headDim: HS } = arch;
  const G = NH / KV;
  const heads = (t: Tensor, n: number) => b.transpose(b.reshape(t, [B, T, n, HS]), [0, 2, 1, 3]); // [B, n, T, HS]
  let q = heads(b.scope('q_proj', () => linear(b, w, `${p}.self_attn.q_proj`, h, arch.qkvBias)), NH); // [B, NH, T, HS]
  let k = heads(b.scope('k_proj', () => linear(b, w, `${p}.self_attn.k_proj`, h, arch.qkvBias)), KV); // [B, KV, T, HS]
  const v0 = heads(b.scope('v_proj', () => linear(b, w, `${p}.self_attn.v_proj`, h, arch.qkvBias)), KV); // [B, KV, T, HS]
  if (arch.qkNorm) {
    q = b.scope('q_norm', () => rmsNorm(b, q, w.param(`${p}.self_attn.q_norm.weight`), arch.layerNormEps)); // [B, NH, T, HS]
    k = b.scope('k_norm', () => rmsNorm(b, k, w.param(`${p}.self_attn.k_norm.weight`), arch.layerNormEps)); // [B, KV, T, HS]
  }
  q = b.scope('rotary', () => rotary(q)); //                                         [B, NH, T, HS]
  k = b.scope('rotary', () => rotary(k)); //                                         [B, KV, T, HS]
  // repeat_kv: k/v head j serves query heads j·G … j·G + G − 1.
  const expand = (t: Tensor) => (G === 1 ? t : b.reshape(b.broadcast(b.reshape(t, [B, KV, 1, T, HS]), [B, KV, G, T, HS]), [B, NH, T, HS])); // [B, NH, T, HS]
  const context = b.scope('core', () => b.attention(q, expand(k), expand(v0), { causal: true, mask: keyMask })); // [B, NH, T, HS]
  const merged = b.reshape(b.transpose(context, [0, 2, 1, 3]), [B, T, NH * HS]); //   [B, T, NH·HS]
  return b.scope('o_proj', () => linear(b, w, `${p}.self_attn.o_proj`, merged, arch.outputBias)); // [B, T, C]
}

/** SwiGLU: down_proj(silu(gate_proj(h)) ⊙ up_proj(h)), silu(g) = g / (1 + e^(−g)). */
function mlp(b: GraphBuilder, arch: LlamaArchitecture, w: LlamaWeights, p: string, h: Tensor): Tensor {
  const gate = b.scope('gate_proj', () => linear(b, w, `${p}.mlp.gate_proj`, h, arch.mlpBias)); // [B, T, I]
  const up = b.scope('up_proj', () => linear(b, w, `${p}.mlp.up_proj`, h, arch.mlpBias)); //       [B, T, I]
  const act = b.scope('act', () => b.div(gate, b.add(b.exp(b.neg(gate)), 1))); //                  [B, T, I]
  return b.scope('down_proj', () => linear(b, w, `${p}.mlp.down_proj`, b.mul(act, up), arch.mlpBias)); // [B, T, C]
}
