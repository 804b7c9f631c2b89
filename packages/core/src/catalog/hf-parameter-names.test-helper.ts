/**
 * Test helper: the Hugging Face GPTNeoXModel parameter list (name → element count) built from the
 * naming scheme of Hugging Face's GPTNeoXModel (docs/flops.md), independent of parameter-counts.ts, so counts can be checked against it.
 */
import type { ModelArchitecture } from './architecture.js';

export function hfParameters(m: ModelArchitecture): Map<string, number> {
  const { numLayers: L, hiddenSize: d, intermediateSize: I, vocabSize: V } = m;
  const p = new Map<string, number>([['embed_in.weight', V * d]]);
  for (let i = 0; i < L; i++) {
    const b = `layers.${i}`;
    p.set(`${b}.input_layernorm.weight`, d).set(`${b}.input_layernorm.bias`, d);
    p.set(`${b}.post_attention_layernorm.weight`, d).set(`${b}.post_attention_layernorm.bias`, d);
    p.set(`${b}.attention.query_key_value.weight`, 3 * d * d).set(`${b}.attention.query_key_value.bias`, 3 * d);
    p.set(`${b}.attention.dense.weight`, d * d).set(`${b}.attention.dense.bias`, d);
    p.set(`${b}.mlp.dense_h_to_4h.weight`, I * d).set(`${b}.mlp.dense_h_to_4h.bias`, I);
    p.set(`${b}.mlp.dense_4h_to_h.weight`, d * I).set(`${b}.mlp.dense_4h_to_h.bias`, d);
  }
  p.set('final_layer_norm.weight', d).set('final_layer_norm.bias', d);
  return p;
}

export const sumWhere = (p: Map<string, number>, keep: (name: string) => boolean) =>
  [...p].filter(([name]) => keep(name)).reduce((s, [, n]) => s + n, 0);
