/** foldConcatSlices: exact windows of a concat become its parts; other windows stay slices. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, hostTensor } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { foldConcatSlices } from './fold-concat-slices.js';

function packed() {
  const b = new GraphBuilder();
  const [x, y] = [b.data('x', [2, 3], 'f32'), b.data('y', [4], 'f32')];
  const flat = b.concat([b.reshape(x, [-1]), y], 0); //                                  [10]
  b.output('x back', b.reshape(b.slice(flat, [0], [6]), [2, 3]));
  b.output('y back', b.slice(flat, [6], [10]));
  b.output('straddle', b.slice(flat, [5], [7]));
  return b.build();
}

describe('foldConcatSlices', () => {
  it('replaces exact windows by the parts and keeps the rest, with equal values', () => {
    const graph = packed();
    const folded = foldConcatSlices(graph);
    expect(folded.nodes.filter((n) => n.kind === 'slice')).toHaveLength(1); // only the straddling window
    const feeds = { x: hostTensor('f32', [2, 3], [1, 2, 3, 4, 5, 6]), y: hostTensor('f32', [4], [7, 8, 9, 10]) };
    const ref = referenceBackend();
    const [a, b] = [ref.compileSync(graph).runSync(feeds), ref.compileSync(folded).runSync(feeds)];
    for (const name of ['x back', 'y back', 'straddle']) expect(Array.from(b[name]!.data)).toEqual(Array.from(a[name]!.data));
  });

  it('leaves a graph without such slices unchanged', () => {
    const b = new GraphBuilder();
    b.output('y', b.exp(b.data('x', [2], 'f32')));
    const g = b.build();
    expect(foldConcatSlices(g)).toBe(g);
  });
});
