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
 * Methods change the forward only through `ModelWeights` (model-weights.ts), exactly as for GPT-NeoX:
 * every projection goes through `w.linear` (so LoRA adapts it) and the lookup through `w.embed`.
 * No lm_head (the embedding model has none, tied or not), no KV cache, no dropout.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { LlamaArchitecture } from '../catalog/llama-architecture.js';
import type { GraphBuilder, Tensor } from '../engine/builder.js';
import { GraphError } from '../engine/errors.js';
import { requireLlama } from './engine-architecture.js';
import type { ModelWeights } from './model-weights.js';
import type { ParameterSpec } from './parameter-layout.js';
import { rotaryEmbedding } from './rotary.js';

/** The token embedding (HF LlamaModel.embed_tokens) and the final RMSNorm (LlamaModel.norm). */
export const LLAMA_EMBEDDING = 'embed_tokens';
export const LLAMA_FINAL_NORM = 'norm';

/** The seven Linears of a block as PEFT names them (also its LoRA targets), in HF order, with in/out features. */
export function llamaLinearModules(architecture: ModelArchitecture): { name: string; inFeatures: number; outFeatures: number; bias: boolean }[] {
  const arch = requireLlama(architecture, 'llamaLinearModules');
  const { hiddenSize: C, intermediateSize: I, numHeads: NH, numKeyValueHeads: KV, headDim: HS } = arch;
  const Q = NH * HS;
  const K = KV * HS;
  const lin = (name: string, inFeatures: number, outFeatures: number, bias: boolean) => ({ name, inFeatures, outFeatures, bias });
  return [
    lin('self_attn.q_proj', C, Q, arch.qkvBias),
    lin('self_attn.k_proj', C, K, arch.qkvBias),
    lin('self_attn.v_proj', C, K, arch.qkvBias),
    lin('self_attn.o_proj', Q, C, arch.outputBias),
    lin('mlp.gate_proj', C, I, arch.mlpBias),
    lin('mlp.up_proj', C, I, arch.mlpBias),
    lin('mlp.down_proj', I, C, arch.mlpBias),
  ];
}

/** Every parameter of the embedding model in HF order (transformers' named_parameters), Linear weights [out, in]. */
export function llamaParameters(architecture: ModelArchitecture): ParameterSpec[] {
  const arch = requireLlama(architecture, 'llamaParameters');
  const { hiddenSize: C, vocabSize: V, headDim: HS } = arch;
  const specs: ParameterSpec[] = [{ name: `${LLAMA_EMBEDDING}.weight`, shape: [V, C] }];
  const linears = llamaLinearModules(arch);
  for (let i = 0; i < arch.numLayers; i++) {
    const p = `layers.${i}`;
    for (const m of linears) {
      specs.push({ name: `${p}.${m.name}.weight`, shape: [m.outFeatures, m.inFeatures] });
      if (m.bias) specs.push({ name: `${p}.${m.name}.bias`, shape: [m.outFeatures] });
      // transformers registers q_norm / k_norm after o_proj, before the MLP.
      if (m.name === 'self_attn.o_proj' && arch.qkNorm) specs.push({ name: `${p}.self_attn.q_norm.weight`, shape: [HS] }, { name: `${p}.self_attn.k_norm.weight`, shape: [HS] });
    }
    specs.push({ name: `${p}.input_layernorm.weight`, shape: [C] }, { name: `${p}.post_attention_layernorm.weight`, shape: [C] });
  }
  specs.push({ name: `${LLAMA_FINAL_NORM}.weight`, shape: [C] });
  return specs;
}

/** ids [B, T] i32, mask [B, T] i32 (1 = real token) → last hidden state [B, T, C]. */
export function llamaForward(b: GraphBuilder, architecture: ModelArchitecture, w: ModelWeights, ids: Tensor, mask: Tensor): Tensor {
  const arch = requireLlama(architecture, 'llamaForward');
  if (ids.rank !== 2 || mask.rank !== 2 || ids.shape[0] !== mask.shape[0] || ids.shape[1] !== mask.shape[1]) {
    throw new GraphError('forward ids/mask shapes', `[${ids.shape}] / [${mask.shape}]`, 'two tensors of the same shape [B, T]');
  }
  const [B, T] = ids.shape as [number, number];
  const rotary = b.scope('rotary', () => rotaryEmbedding(b, T, arch.headDim, 1, arch.rotaryEmbBase));
  const keyMask = b.reshape(mask, [B, 1, 1, T]); //                                   [B, 1, 1, T]
  let x = b.scope(LLAMA_EMBEDDING, () => w.embed(ids)); // [B, T, C]
  for (let i = 0; i < arch.numLayers; i++) {
    const p = `layers.${i}`;
    x = b.scope(p, () => {
      const h1 = b.scope('input_layernorm', () => rmsNorm(b, x, w.param(`${p}.input_layernorm.weight`), arch.layerNormEps)); // [B, T, C]
      const a = b.add(x, b.scope('self_attn', () => attention(b, arch, w, p, h1, keyMask, rotary))); //                      [B, T, C]
      const h2 = b.scope('post_attention_layernorm', () => rmsNorm(b, a, w.param(`${p}.post_attention_layernorm.weight`), arch.layerNormEps)); // [B, T, C]
      return b.add(a, b.scope('mlp', () => mlp(b, w, p, h2))); //                                                    [B, T, C]
    });
  }
  return b.scope(LLAMA_FINAL_NORM, () => rmsNorm(b, x, w.param(`${LLAMA_FINAL_NORM}.weight`), arch.layerNormEps)); // [B, T, C]
}

/** HF's LlamaRMSNorm: x / √(mean(x², last axis) + eps), times the weight. */
function rmsNorm(b: GraphBuilder, x: Tensor, weight: Tensor, eps: number): Tensor {
  const ms = b.mean(b.square(x), -1, { keepDims: true }); //                           [..., 1]
  return b.mul(b.mul(x, b.rsqrt(b.add(ms, eps))), weight); //                         [..., C]
}

function attention(b: GraphBuilder, arch: LlamaArchitecture, w: ModelWeights, p: string, h: Tensor, keyMask: Tensor, rotary: (x: Tensor) => Tensor): Tensor {
  const [B, T] = h.shape as [number, number, number];
  const { numHeads: NH, numKeyValueHeads: KV, headDim: HS } = arch;
  const G = NH / KV;
  const heads = (t: Tensor, n: number) => b.transpose(b.reshape(t, [B, T, n, HS]), [0, 2, 1, 3]); // [B, n, T, HS]
  let q = heads(b.scope('q_proj', () => w.linear(`${p}.self_attn.q_proj`, h)), NH); // [B, NH, T, HS]
  let k = heads(b.scope('k_proj', () => w.linear(`${p}.self_attn.k_proj`, h)), KV); // [B, KV, T, HS]
  const v0 = heads(b.scope('v_proj', () => w.linear(`${p}.self_attn.v_proj`, h)), KV); // [B, KV, T, HS]
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
  return b.scope('o_proj', () => w.linear(`${p}.self_attn.o_proj`, merged)); // [B, T, C]
}

/** SwiGLU: down_proj(silu(gate_proj(h)) ⊙ up_proj(h)), silu(g) = g / (1 + e^(−g)). */
function mlp(b: GraphBuilder, w: ModelWeights, p: string, h: Tensor): Tensor {
  const gate = b.scope('gate_proj', () => w.linear(`${p}.mlp.gate_proj`, h)); // [B, T, I]
  const up = b.scope('up_proj', () => w.linear(`${p}.mlp.up_proj`, h)); //       [B, T, I]
  const act = b.scope('act', () => b.div(gate, b.add(b.exp(b.neg(gate)), 1))); //                  [B, T, I]
  return b.scope('down_proj', () => w.linear(`${p}.mlp.down_proj`, b.mul(act, up))); //               [B, T, C]
}
