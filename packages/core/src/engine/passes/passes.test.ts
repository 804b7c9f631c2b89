/**
 * Graph passes: dead-code elimination, decomposition of unclaimed composites (scopes kept, nested
 * composites handled, claimed ones left), and checkGraph catching a tampered graph.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../builder.js';
import type { Graph, GraphNode } from '../graph.js';
import { isComposite } from '../ops.js';
import { checkGraph } from './check.js';
import { eliminateDeadCode } from './dce.js';
import { decomposeUnclaimed } from './decompose.js';

function attentionGraph(): Graph {
  const b = new GraphBuilder();
  const q = b.data('q', [1, 2, 3, 4], 'f32');
  const mask = b.data('mask', [1, 1, 1, 3], 'i32');
  const y = b.scope('layers.0.attention', () => b.attention(q, q, q, { causal: true, mask }));
  b.output('y', b.scope('final_layer_norm', () => b.layerNorm(y, b.param('w', [4]), b.param('b', [4]))));
  return b.build();
}

describe('eliminateDeadCode', () => {
  it('drops nodes no output needs, keeps every input and the ids of live nodes', () => {
    const b = new GraphBuilder();
    const x = b.data('x', [2], 'f32');
    b.param('unused', [3]);
    const dead = b.exp(x);
    b.neg(dead);
    const live = b.sqrt(x);
    b.output('y', live);
    const g = eliminateDeadCode(b.build());
    expect(g.nodes.map((n) => n.id)).toEqual([live.id]);
    expect(g.inputs.map((i) => i.id)).toEqual(['x', 'unused']);
  });
  it('returns the same graph when nothing is dead', () => {
    const b = new GraphBuilder();
    b.output('y', b.exp(b.data('x', [2], 'f32')));
    const g = b.build();
    expect(eliminateDeadCode(g)).toBe(g);
  });
});

describe('decomposeUnclaimed', () => {
  it('leaves only primitives when nothing is claimed, in the composites’ scopes', () => {
    const g = decomposeUnclaimed(attentionGraph(), []);
    expect(g.nodes.some((n: GraphNode) => isComposite(n.kind))).toBe(false);
    expect(new Set(g.nodes.map((n) => n.scope))).toEqual(new Set(['layers.0.attention', 'final_layer_norm']));
    expect(g.nodes.filter((n) => n.kind === 'matmul')).toHaveLength(2);
    checkGraph(g);
  });
  it('keeps claimed composites, including ones a decomposition emits (softmax from attention)', () => {
    const g = decomposeUnclaimed(attentionGraph(), ['softmax', 'layerNorm']);
    expect(g.nodes.filter((n) => isComposite(n.kind)).map((n) => n.kind).sort()).toEqual(['layerNorm', 'softmax']);
  });
});

describe('checkGraph', () => {
  it('rejects a node whose recorded type disagrees with inference', () => {
    const g = attentionGraph();
    const [first, ...rest] = g.nodes;
    const bad = { ...g, nodes: [{ ...first!, type: { dtype: 'f32', shape: [9] } } as GraphNode, ...rest] };
    expect(() => checkGraph(bad)).toThrow(/type.*as inferred/);
  });
  it('rejects nodes out of topological order', () => {
    const g = attentionGraph();
    expect(() => checkGraph({ ...g, nodes: [...g.nodes].reverse() })).toThrow(/topological order/);
  });
});
