/**
 * Common-subexpression elimination merges nodes of equal kind, inputs and attributes (transitively)
 * and nothing else; it leaves values unchanged; and it makes a decomposed attention backward share
 * the forward's probabilities, so the training FLOP count has no recomputation in it.
 */
import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../reference/backend.js';
import { GraphBuilder } from '../builder.js';
import { countGraphFlops } from '../flops.js';
import { grad } from '../grad.js';
import { hostTensor } from '../host-tensor.js';
import { decomposeUnclaimed } from './decompose.js';
import { eliminateCommonSubexpressions } from './cse.js';

describe('eliminateCommonSubexpressions', () => {
  it('merges repeated subgraphs transitively, keeps distinct attributes and operand orders apart', () => {
    const b = new GraphBuilder({ dtype: 'f64' });
    const x = b.data('x', [3], 'f64');
    const y = b.data('y', [3], 'f64');
    const e1 = b.exp(b.mul(x, y));
    const e2 = b.exp(b.mul(x, y)); // same as e1, through a repeated mul and scalar-free inputs
    const other = b.exp(b.mul(y, x)); // operands swapped: not merged
    const s = b.sum(b.add(e1, e2), [0], { keepDims: true });
    const s2 = b.sum(b.add(e1, e2), [0]); // keepDims differs
    b.output('s', s);
    b.output('s2', s2);
    b.output('o', other);
    const g = b.build();
    const merged = eliminateCommonSubexpressions(g);
    expect(g.nodes.map((n) => n.kind)).toEqual(['mul', 'exp', 'mul', 'exp', 'mul', 'exp', 'add', 'sum', 'add', 'sum']);
    expect(merged.nodes.map((n) => n.kind)).toEqual(['mul', 'exp', 'mul', 'exp', 'add', 'sum', 'sum']);
    const feeds = { x: hostTensor('f64', [3], [1, 2, 3]), y: hostTensor('f64', [3], [0.5, -1, 0.25]) };
    const run = (graph: typeof g) => referenceBackend().compileSync(graph).runSync(feeds);
    expect(run(merged)).toEqual(run(g));
  });

  it('lets a decomposed attention backward reuse the forward probabilities (no extra matmul)', () => {
    const b = new GraphBuilder();
    const q = b.param('q', [2, 3, 4]);
    b.output('loss', b.sum(b.attention(q, q, q, { causal: true })));
    const g = grad(b.build(), { loss: 'loss', wrt: ['q'] });
    const lowered = decomposeUnclaimed(g, []);
    const matmuls = (graph: typeof g) => graph.nodes.filter((n) => n.kind === 'matmul').length;
    expect(matmuls(lowered)).toBe(2 + 5); // forward q·kᵀ, p·v; backward recomputes q·kᵀ, then four
    expect(matmuls(eliminateCommonSubexpressions(lowered))).toBe(2 + 4);
    const [t, d] = [3, 4];
    expect(countGraphFlops(g).matmul).toBe(2 * (6 * 2 * t * t * d)); // six [3,3,4] products per batch element
  });
});
