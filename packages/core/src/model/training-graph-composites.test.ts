/**
 * A backend that claims attention and layerNorm fused (with their backward composites) receives
 * training graphs that contain them: node counts of full, LoRA and bias-only GPT-NeoX training
 * graphs (pythia-14m shape, L = 6, two forward passes — queries and positives — per graph), before
 * and after `prepareForBackend`. Graph construction only; nothing runs.
 */
import { describe, expect, it } from 'vitest';
import { PYTHIA } from '../catalog/pythia.js';
import { prepareForBackend } from '../engine/backend.js';
import { DTYPES } from '../engine/dtype.js';
import type { Graph, GraphNode } from '../engine/graph.js';
import type { FineTuningMethod } from '../methods/method.js';
import { buildTrainingGraph } from './training-graph.js';

const arch = PYTHIA['pythia-14m'];
const L = arch.numLayers;
const PASSES = 2; // queries and positives
const LAYER_NORMS = PASSES * (2 * L + 1); // two per block and the final one, per pass
const fused = { dtypes: DTYPES, composites: ['attention', 'layerNorm', 'attentionGrad', 'layerNormGrad'] as const };

const count = (g: Graph, kind: GraphNode['kind']) => g.nodes.filter((n) => n.kind === kind).length;
const gradsOf = (g: Graph, kind: 'layerNormGrad' | 'attentionGrad') =>
  g.nodes.flatMap((n) => (n.kind === kind ? [`${n.scope}: ${n.attrs.grads.map((x) => (x ? 1 : 0)).join('')}`] : []));

const build = (m: FineTuningMethod) => buildTrainingGraph(arch, m, { B: 2, Tq: 5, Tp: 7 }).graph;

describe('training graphs keep attention and layerNorm, and carry their backward composites', () => {
  it('full fine-tuning: L attention + L attentionGrad and every layerNorm + its layerNormGrad per pass', () => {
    const g = build({ kind: 'full' });
    expect(count(g, 'attention')).toBe(PASSES * L);
    expect(count(g, 'attentionGrad')).toBe(PASSES * L);
    expect(count(g, 'layerNorm')).toBe(LAYER_NORMS);
    expect(count(g, 'layerNormGrad')).toBe(LAYER_NORMS);
    expect(count(g, 'geluGrad')).toBe(PASSES * L);
    // Every gradient is wanted: q, k, v all depend on trainable weights; x, weight and bias train.
    expect(new Set(gradsOf(g, 'attentionGrad').map((s) => s.split(': ')[1]))).toEqual(new Set(['111']));
    expect(new Set(gradsOf(g, 'layerNormGrad').map((s) => s.split(': ')[1]))).toEqual(new Set(['111']));
  });

  it('bias-only: the same composites; layerNormGrad packs no dweight, and no dx in block 0', () => {
    const g = build({ kind: 'bias' });
    expect(count(g, 'attention')).toBe(PASSES * L);
    expect(count(g, 'attentionGrad')).toBe(PASSES * L);
    expect(count(g, 'layerNorm')).toBe(LAYER_NORMS);
    expect(count(g, 'layerNormGrad')).toBe(LAYER_NORMS);
    const ln = gradsOf(g, 'layerNormGrad');
    // The embeddings are frozen and both of block 0's LayerNorms read the block input (parallel
    // residual), so they get only dbias; every other LayerNorm gets dx and dbias.
    const block0 = ['layers.0.post_attention_layernorm.grad', 'layers.0.input_layernorm.grad'];
    expect(ln.filter((s) => s.endsWith(': 001')).map((s) => s.split(': ')[0])).toEqual([...block0, ...block0]);
    expect(ln.filter((s) => s.endsWith(': 101'))).toHaveLength(LAYER_NORMS - 2 * PASSES);
  });

  it('LoRA: attention and its backward in every block; LayerNorms pass dx only', () => {
    const g = build({ kind: 'lora', rank: 4 });
    expect(count(g, 'attention')).toBe(PASSES * L);
    expect(count(g, 'attentionGrad')).toBe(PASSES * L);
    expect(count(g, 'layerNorm')).toBe(LAYER_NORMS);
    const ln = gradsOf(g, 'layerNormGrad');
    expect(new Set(ln.map((s) => s.split(': ')[1]))).toEqual(new Set(['100']));
    expect(ln).toHaveLength(LAYER_NORMS); // the embed_in adapter puts even block 0's input on the path
  });

  it('prepareForBackend keeps the claimed composites and lowers the rest (no softmax, gelu or geluGrad left)', () => {
    for (const m of [{ kind: 'full' }, { kind: 'lora', rank: 4 }, { kind: 'bias' }] as const) {
      const g = build(m);
      const prepared = prepareForBackend(g, fused);
      for (const kind of ['attention', 'attentionGrad', 'layerNorm', 'layerNormGrad'] as const) {
        expect(count(prepared, kind), `${m.kind}: ${kind}`).toBe(count(g, kind));
      }
      for (const kind of ['softmax', 'softmaxGrad', 'gelu', 'geluGrad', 'logSoftmax', 'logSoftmaxGrad'] as const) {
        expect(count(prepared, kind), `${m.kind}: ${kind}`).toBe(0);
      }
    }
  });
});
