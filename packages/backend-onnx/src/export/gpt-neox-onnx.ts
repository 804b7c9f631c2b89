/**
 * GPT-NeoX as one standalone ONNX model in the layout transformers.js (and Optimum) expect of a
 * feature-extraction model: inputs `input_ids` and `attention_mask` (int64, [batch_size,
 * sequence_length], both axes dynamic), output `last_hidden_state` (float32, [batch_size,
 * sequence_length, hidden_size]), every weight an initializer. It computes what core's gptNeoXForward
 * computes (model/gpt-neox.ts): parallel or sequential residual, rotary on the first rotary_pct of each
 * head with rotate-half pairing, causal attention with a key padding mask, exact GELU, the final
 * LayerNorm. Positions are 0..T−1 for every row (right padding, as the tokenizer pads).
 *
 * Written by hand rather than lowered from an engine graph because engine graphs have static shapes
 * and an exported model must take any batch and length. Pure (no Node APIs). Not a training graph, no
 * KV cache, no LM head; f32 only; refuses models whose weights would not fit one protobuf (2 GiB) —
 * external data is not written.
 */
import { ValidationError } from '@repurpose/core';
import type { GptNeoxArchitecture, ModelArchitecture } from '@repurpose/core';
import { castParameters, gptNeoXParameters, type HostTensor, type ParameterMap, rotaryDims, rotaryTables } from '@repurpose/core/engine';
import { Emitter } from '../lower/emitter.js';
import { encodeModel, graphProto, modelProto, tensorProto, valueInfo } from '../onnx/proto.js';

/** The names transformers.js feeds and reads. */
export const EXPORT_INPUTS = { ids: 'input_ids', mask: 'attention_mask' } as const;
export const EXPORT_OUTPUT = 'last_hidden_state';
export const EXPORT_DIMS = { batch: 'batch_size', sequence: 'sequence_length' } as const;

/** A protobuf message cannot exceed 2 GiB; we keep a margin for the graph itself. */
export const MAX_INLINE_WEIGHT_BYTES = 2 ** 31 - 64 * 2 ** 20;

/** f32 weights of every parameter; the map must hold exactly the architecture's parameters (LoRA already merged). */
function checkedWeights(arch: GptNeoxArchitecture, parameters: ParameterMap): Map<string, Float32Array> {
  const specs = gptNeoXParameters(arch);
  let bytes = 0;
  for (const s of specs) bytes += 4 * s.shape.reduce((a, b) => a * b, 1);
  if (bytes > MAX_INLINE_WEIGHT_BYTES) {
    throw new ValidationError('architecture', `${arch.name}: ${(bytes / 2 ** 30).toFixed(2)} GiB of f32 weights`, `a model whose f32 weights fit one ONNX protobuf (under ${(MAX_INLINE_WEIGHT_BYTES / 2 ** 30).toFixed(2)} GiB); ONNX external data is not written yet`);
  }
  const known = new Set(specs.map((s) => s.name));
  for (const name of parameters.keys()) {
    if (!known.has(name)) throw new ValidationError(`parameters.${name}`, name, 'only parameters of the architecture (merge LoRA adapters first: exportOnnxModel does it when given the method)');
  }
  const cast = castParameters(new Map([...parameters].filter(([n]) => known.has(n))), 'f32');
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const t: HostTensor | undefined = cast.get(s.name);
    if (!t) throw new ValidationError(`parameters.${s.name}`, undefined, `a tensor of shape [${s.shape.join(', ')}]`);
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) throw new ValidationError(`parameters.${s.name}`, `shape [${t.shape.join(', ')}]`, `shape [${s.shape.join(', ')}]`);
    out.set(s.name, t.data as Float32Array);
  }
  return out;
}

/** W [out, in] (torch Linear layout) → Wᵀ [in, out], so the model multiplies without a Transpose node. */
function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}

/** Mean-pooled embeddings [batch_size, hidden_size] (masked mean over real tokens), for our embedder. */
export const POOLED_OUTPUT = 'embedding';

export interface GptNeoXOnnxOptions {
  /**
   * 'last_hidden_state' (default; the transformers.js layout) or 'pooled': the masked mean over
   * tokens, optionally L2-normalised (x / max(‖x‖, 1e-12), as core's pooling), under `embedding` —
   * so only [B, C] leaves ONNX Runtime instead of [B, T, C].
   */
  readonly output?: 'last_hidden_state' | 'pooled';
  readonly normalize?: boolean;
}

/** The ONNX model bytes for `architecture` with `parameters` (HF names, any float dtype; cast to f32). */
export function buildGptNeoXOnnx(architecture: ModelArchitecture, parameters: ParameterMap, options: GptNeoXOnnxOptions = {}): Uint8Array {
  if (architecture.kind === 'llama') throw new ValidationError('architecture.kind', 'llama', 'a GPT-NeoX architecture (the export writes GPT-NeoX models only)');
  const arch = architecture as GptNeoxArchitecture;
  const weights = checkedWeights(arch, parameters);
  const C = arch.hiddenSize;
  const NH = arch.numHeads;
  const HS = C / NH;
  const R = rotaryDims(HS, arch.rotaryPct);
  const P = arch.maxPositionEmbeddings;
  const e = new Emitter('v');
  const shapes = new Map(gptNeoXParameters(arch).map((s) => [s.name, s.shape]));
  // Initializers keep the HF parameter names (Linear weights transposed, named `….weight_t`).
  const w = (name: string): string => {
    const data = weights.get(name)!;
    const shape = shapes.get(name)!;
    if (shape.length === 2 && name !== 'embed_in.weight') {
      const [outF, inF] = shape as [number, number];
      e.initializers.push(tensorProto(`${name}_t`, 'f32', [inF, outF], transposed(data, outF, inF)));
      return `${name}_t`;
    }
    e.initializers.push(tensorProto(name, 'f32', shape, data));
    return name;
  };
  const linear = (prefix: string, x: string) => e.op('Add', [e.op('MatMul', [x, w(`${prefix}.weight`)]), w(`${prefix}.bias`)]);
  const layerNorm = (prefix: string, x: string) => e.op('LayerNormalization', [x, w(`${prefix}.weight`), w(`${prefix}.bias`)], { axis: -1, epsilon: { float: arch.layerNormEps } });

  // Sequence length as a 1-element int64 vector, for slicing the position tables and the causal mask.
  const T1 = e.op('Slice', [e.op('Shape', [EXPORT_INPUTS.ids]), e.int64s([1]), e.int64s([2])]); //   [1]
  // Causal ∧ key padding mask, [B, 1, T, T] bool: key j is visible to query i when j ≤ i and mask[j].
  const causalTable = new Uint8Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) causalTable[i * P + j] = 1;
  const causalAll = e.tensor('bool', [P, P], causalTable);
  const causal = e.op('Slice', [e.op('Slice', [causalAll, e.int64s([0]), T1, e.int64s([0])]), e.int64s([0]), T1, e.int64s([1])]); // [T, T]
  const keys = e.op('Unsqueeze', [e.op('Cast', [EXPORT_INPUTS.mask], { to: 9 /* BOOL */ }), e.int64s([1, 2])]); // [B, 1, 1, T]
  const visible = e.op('And', [causal, keys]); //                                                       [B, 1, T, T]
  const lowest = e.scalar('f32', -3.4028234663852886e38);
  const scale = e.scalar('f32', 1 / Math.sqrt(HS));

  let cos = '';
  let sin = '';
  if (R > 0) {
    const tables = rotaryTables(P, R, arch.rotaryEmbBase);
    cos = e.op('Slice', [e.tensor('f32', [P, R], Float32Array.from(tables.cos)), e.int64s([0]), T1, e.int64s([0])]); // [T, R]
    sin = e.op('Slice', [e.tensor('f32', [P, R], Float32Array.from(tables.sin)), e.int64s([0]), T1, e.int64s([0])]); // [T, R]
  }
  const slice = (x: string, from: number, to: number) => e.op('Slice', [x, e.int64s([from]), e.int64s([to]), e.int64s([-1])]);
  const rotary = (x: string): string => {
    if (R === 0) return x; //                                                                             [B, NH, T, HS]
    const xr = R === HS ? x : slice(x, 0, R);
    const rotated = e.op('Concat', [e.op('Neg', [slice(xr, R / 2, R)]), slice(xr, 0, R / 2)], { axis: -1 });
    const out = e.op('Add', [e.op('Mul', [xr, cos]), e.op('Mul', [rotated, sin])]);
    return R === HS ? out : e.op('Concat', [out, slice(x, R, HS)], { axis: -1 });
  };
  const attention = (p: string, h: string): string => {
    const qkv = linear(`${p}.attention.query_key_value`, h); //                                          [B, T, 3C]
    const heads = e.op('Transpose', [e.op('Reshape', [qkv, e.int64s([0, 0, NH, 3 * HS])])], { perm: [0, 2, 1, 3] }); // [B, NH, T, 3HS]
    const [q, k, v] = e.ops('Split', [heads, e.int64s([HS, HS, HS])], { axis: -1 }, { outputs: 3 }) as [string, string, string];
    const scores = e.op('Mul', [e.op('MatMul', [rotary(q), e.op('Transpose', [rotary(k)], { perm: [0, 1, 3, 2] })]), scale]); // [B, NH, T, T]
    const probs = e.op('Softmax', [e.op('Where', [visible, scores, lowest])], { axis: -1 });
    const context = e.op('MatMul', [probs, v]); //                                                        [B, NH, T, HS]
    const merged = e.op('Reshape', [e.op('Transpose', [context], { perm: [0, 2, 1, 3] }), e.int64s([0, 0, C])]); // [B, T, C]
    return linear(`${p}.attention.dense`, merged);
  };
  const mlp = (p: string, h: string) => linear(`${p}.mlp.dense_4h_to_h`, e.op('Gelu', [linear(`${p}.mlp.dense_h_to_4h`, h)], { approximate: 'none' }));

  let x = e.op('Gather', [w('embed_in.weight'), EXPORT_INPUTS.ids], { axis: 0 }); //                   [B, T, C]
  for (let i = 0; i < arch.numLayers; i++) {
    const p = `layers.${i}`;
    const attn = attention(p, layerNorm(`${p}.input_layernorm`, x));
    if (arch.useParallelResidual) {
      const m = mlp(p, layerNorm(`${p}.post_attention_layernorm`, x));
      x = e.op('Add', [e.op('Add', [m, attn]), x]);
    } else {
      const a = e.op('Add', [attn, x]);
      x = e.op('Add', [mlp(p, layerNorm(`${p}.post_attention_layernorm`, a)), a]);
    }
  }
  const { batch, sequence } = EXPORT_DIMS;
  let output = valueInfo(EXPORT_OUTPUT, 'f32', [batch, sequence, C]);
  if (options.output === 'pooled') {
    const h = layerNorm('final_layer_norm', x); //                                                         [B, T, C]
    const m = e.op('Unsqueeze', [e.op('Cast', [EXPORT_INPUTS.mask], { to: 1 /* FLOAT */ }), e.int64s([2])]); // [B, T, 1]
    const sum = e.op('ReduceSum', [e.op('Mul', [h, m]), e.int64s([1])], { keepdims: 0 }); //                 [B, C]
    const count = e.op('Max', [e.op('ReduceSum', [m, e.int64s([1])], { keepdims: 0 }), e.scalar('f32', 1)]); // [B, 1]
    if (options.normalize) {
      const mean = e.op('Div', [sum, count]);
      const norm = e.op('Sqrt', [e.op('ReduceSum', [e.op('Mul', [mean, mean]), e.int64s([1])], { keepdims: 1 })]);
      e.opInto('Div', [mean, e.op('Max', [norm, e.scalar('f32', 1e-12)])], POOLED_OUTPUT);
    } else e.opInto('Div', [sum, count], POOLED_OUTPUT);
    output = valueInfo(POOLED_OUTPUT, 'f32', [batch, C]);
  } else {
    e.opInto('LayerNormalization', [x, w('final_layer_norm.weight'), w('final_layer_norm.bias')], EXPORT_OUTPUT, { axis: -1, epsilon: { float: arch.layerNormEps } });
  }

  const graph = graphProto({
    name: arch.name,
    nodes: e.nodes,
    inputs: [valueInfo(EXPORT_INPUTS.ids, 'i64', [batch, sequence]), valueInfo(EXPORT_INPUTS.mask, 'i64', [batch, sequence])],
    outputs: [output],
    initializers: e.initializers,
  });
  return encodeModel(modelProto(graph, `GPT-NeoX ${arch.name} embedding model (last_hidden_state), exported by repurpose`));
}
