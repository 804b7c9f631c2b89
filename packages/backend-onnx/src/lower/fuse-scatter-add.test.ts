/**
 * fuseScatterAdds: an embedding table gathered twice (queries and documents) gets one scatterAdd in
 * its gradient instead of two plus an add, and ORT's gradient equals the reference backend's on the
 * unfused graph (f64, to 1e-12).
 */
import { describe, expect, it } from 'vitest';
import { grad, gradOutputName, GraphBuilder, hostTensor, prepareForBackend } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { createOnnxBackend } from '../backend.js';
import { ORT } from '../test-ort.test-helper.js';
import { fuseScatterAdds } from './fuse-scatter-add.js';

function twoLookups() {
  const b = new GraphBuilder({ dtype: 'f64' });
  const table = b.param('table', [5, 3]);
  const q = b.gather(table, b.data('q', [2, 2], 'i32'));
  const p = b.gather(table, b.data('p', [2, 3], 'i32'));
  b.output('loss', b.add(b.sum(b.mul(q, q)), b.sum(b.tanh(p))));
  return grad(b.build(), { loss: 'loss', wrt: ['table'] });
}

describe('fuseScatterAdds', () => {
  it('one scatterAdd for a table used twice, same gradient', async () => {
    const g = prepareForBackend(twoLookups(), { composites: [], dtypes: ['f64', 'i32'] });
    expect(g.nodes.filter((n) => n.kind === 'scatterAdd')).toHaveLength(2);
    const fused = fuseScatterAdds(g);
    expect(fused.nodes.filter((n) => n.kind === 'scatterAdd')).toHaveLength(1);
    const feeds = {
      table: hostTensor('f64', [5, 3], Array.from({ length: 15 }, (_, i) => Math.sin(i))),
      q: hostTensor('i32', [2, 2], [0, 4, 4, 1]),
      p: hostTensor('i32', [2, 3], [4, 2, 0, 0, 3, 4]),
    };
    const be = createOnnxBackend({ ort: ORT, threads: 1 });
    const a = (await (await be.compile(g)).run(feeds))[gradOutputName('table')]!.data;
    const reference = referenceBackend().compileSync(twoLookups()).runSync(feeds)[gradOutputName('table')]!.data;
    Array.from(a).forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThan(1e-12));
  });
});
