/**
 * The builder: scopes, attribute normalisation, shape/dtype inference and the errors it raises.
 */
import { describe, expect, it } from 'vitest';
import { RepurposeError } from '../errors.js';
import { GraphBuilder } from './builder.js';
import { GraphError } from './errors.js';
import { checkGraph } from './passes/check.js';

describe('GraphBuilder', () => {
  it('records nested scopes as dotted names and restores them after', () => {
    const b = new GraphBuilder();
    const x = b.data('x', [2, 3], 'f32');
    const y = b.scope('layers', () => b.scope('3', () => b.scope('attention', () => b.exp(x))));
    const z = b.neg(y);
    const g = b.build();
    expect(g.nodes.map((n) => n.scope)).toEqual(['layers.3.attention', '']);
    expect(z.shape).toEqual([2, 3]);
  });

  it('infers shapes: broadcasting, matmul batch dims, reductions, gather, reshape -1', () => {
    const b = new GraphBuilder();
    const x = b.data('x', [2, 1, 4], 'f32');
    expect(b.add(x, b.data('y', [3, 1], 'f32')).shape).toEqual([2, 3, 4]);
    expect(b.matmul(b.data('a', [5, 1, 2, 3], 'f32'), b.data('m', [4, 3, 6], 'f32')).shape).toEqual([5, 4, 2, 6]);
    expect(b.sum(x, [0, -1]).shape).toEqual([1]);
    expect(b.mean(x, -1, { keepDims: true }).shape).toEqual([2, 1, 1]);
    expect(b.gather(b.param('emb', [10, 8]), b.data('ids', [2, 5])).shape).toEqual([2, 5, 8]);
    expect(b.reshape(x, [-1, 2]).shape).toEqual([4, 2]);
    expect(b.compare(x, 0, 'gt').dtype).toBe('i32');
    expect(b.attention(b.data('q', [2, 4, 3, 8], 'f32'), b.data('k', [2, 4, 3, 8], 'f32'), b.data('v', [2, 4, 3, 8], 'f32'), { causal: true }).shape)
      .toEqual([2, 4, 3, 8]);
    checkGraph(b.build());
  });

  it('raises GraphErrors that name the field, the value and what was expected', () => {
    const b = new GraphBuilder();
    const x = b.data('x', [2, 3], 'f32');
    const error = (() => {
      try {
        b.scope('dense', () => b.matmul(x, b.data('w', [4, 5], 'f32')));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toBeInstanceOf(RepurposeError);
    expect((error as GraphError).field).toBe('dense: matmul contraction dims');
    expect((error as Error).message).toMatch(/expected equal K \(got 3 and 4\)/);
    expect(() => b.add(x, b.data('z', [4], 'f32'))).toThrow(/add operand shapes.*broadcast/);
    expect(() => b.exp(b.data('i', [2], 'i32'))).toThrow(/exp input dtype.*f32 or f64.*"i32"/);
    expect(() => b.add(x, b.data('d', [2, 3], 'f64'))).toThrow(/equal dtypes/);
    expect(() => b.reshape(x, [4, -1])).toThrow(/reshape shape/);
    expect(() => b.sum(x, 2)).toThrow(/sum axes.*\[-2, 1\]/);
    expect(() => b.data('x', [1], 'f32')).toThrow(/input name.*not used before/);
    expect(() => b.slice(x, [0, 2], [2, 4])).toThrow(/slice axis 1 range/);
    expect(() => b.attention(x, x, x, { causal: true, mask: b.data('m', [3, 3], 'i32') })).toThrow(/attention mask shape/);
  });

  it('rejects tensors from another builder', () => {
    const a = new GraphBuilder();
    const b = new GraphBuilder();
    const x = a.data('x', [1], 'f32');
    expect(() => b.exp(x)).toThrow(/a tensor of this builder/);
  });

  it('produces frozen plain data', () => {
    const b = new GraphBuilder();
    b.output('y', b.exp(b.data('x', [1], 'f32')));
    const g = b.build();
    expect(Object.isFrozen(g) && Object.isFrozen(g.nodes) && Object.isFrozen(g.nodes[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
  });

  it('declares updates (input/output aliasing): an input of the same type, at most once; checkGraph agrees', () => {
    const b = new GraphBuilder({ dtype: 'f64' });
    const w = b.param('w', [2]);
    const m = b.state('m', [2], 'f64');
    const x = b.data('x', [2], 'f64');
    b.output('w.next', b.add(w, x), { updates: w });
    b.output('m.next', b.mul(m, 2), { updates: 'm' });
    expect(() => b.output('again', b.exp(w), { updates: w })).toThrow(/an input no other output updates \(w\.next does\)/);
    expect(() => b.output('bad', b.sum(w), { updates: m })).toThrow(/updates m: expected f64\[2\] \(the input's type\)/);
    expect(() => b.output('node', b.exp(w), { updates: '%0' })).toThrow(/the id of a graph input/);
    const g = b.build();
    expect(g.outputs.map((o) => o.updates)).toEqual(['w', 'm']);
    expect(() => checkGraph(g)).not.toThrow();
    const twice = { ...g, outputs: [...g.outputs, { name: 'w.again', value: g.outputs[0]!.value, updates: 'w' }] };
    expect(() => checkGraph(twice)).toThrow(GraphError);
    const wrongType = { ...g, outputs: [{ name: 'x.next', value: g.nodes.find((n) => n.kind === 'mul')!.id, updates: 'nope' }] };
    expect(() => checkGraph(wrongType)).toThrow(/the id of a graph input/);
  });
});
