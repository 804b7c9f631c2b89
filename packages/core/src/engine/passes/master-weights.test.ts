/**
 * withMasterWeights: f16 params become f32 inputs of the same id with one cast each; data and other
 * inputs pass unchanged; gradients with respect to the promoted params come back f32; and a backend
 * that does not declare f16 refuses the result, naming the first f16 node.
 */
import { describe, expect, it } from 'vitest';
import { prepareForBackend } from '../backend.js';
import { GraphBuilder } from '../builder.js';
import { grad, gradOutputName } from '../grad.js';
import { MASTER_WEIGHTS_SCOPE, withMasterWeights } from './master-weights.js';

function halfGraph() {
  const b = new GraphBuilder({ dtype: 'f16' });
  const x = b.data('x', [2, 3], 'f16');
  const w = b.param('w', [4, 3]);
  const ids = b.data('ids', [2], 'i32');
  const y = b.linear(x, w);
  b.output('loss', b.cast(b.sum(b.mul(y, b.cast(b.reshape(ids, [2, 1]), 'f16'))), 'f32'));
  return b.build();
}

describe('withMasterWeights', () => {
  it('promotes f16 params to f32 inputs with a cast at the start; data inputs are untouched', () => {
    const g = withMasterWeights(halfGraph(), 'f16', 'f32');
    expect(g.inputs.map((i) => [i.id, i.role, i.type.dtype])).toEqual([
      ['x', 'data', 'f16'],
      ['w', 'param', 'f32'],
      ['ids', 'data', 'i32'],
    ]);
    const casts = g.nodes.filter((n) => n.scope === MASTER_WEIGHTS_SCOPE);
    expect(casts.map((n) => [n.kind, n.inputs, n.type.dtype])).toEqual([['cast', ['w'], 'f16']]);
    const withGrad = grad(g, { loss: 'loss', wrt: ['w'] });
    const gw = withGrad.outputs.find((o) => o.name === gradOutputName('w'))!;
    expect(withGrad.nodes.find((n) => n.id === gw.value)!.type).toEqual({ dtype: 'f32', shape: [4, 3] });
  });

  it('is refused by a backend without f16, naming the node', () => {
    const g = withMasterWeights(halfGraph(), 'f16', 'f32');
    expect(() => prepareForBackend(g, { composites: [], dtypes: ['f32', 'i32'] })).toThrow(/graph input x \(data\) dtype: expected a dtype the backend declares \(f32, i32\), got "f16"/);
  });
});
