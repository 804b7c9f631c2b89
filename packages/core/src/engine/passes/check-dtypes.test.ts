/**
 * The dtype gate: prepareForBackend rejects a graph with a dtype the backend does not declare and
 * names the node (id, kind, scope) or input, and the dtype; it lets declared dtypes through.
 */
import { describe, expect, it } from 'vitest';
import { prepareForBackend } from '../backend.js';
import { GraphBuilder } from '../builder.js';
import { GraphError } from '../errors.js';
import { checkDTypes } from './check-dtypes.js';

function graph() {
  const b = new GraphBuilder();
  const x = b.data('x', [2, 3], 'f32');
  const y = b.scope('head', () => b.cast(b.mul(x, 2), 'f64'));
  b.output('y', y);
  return b.build();
}

describe('checkDTypes / prepareForBackend', () => {
  it('passes a graph whose dtypes are all declared', () => {
    expect(() => prepareForBackend(graph(), { composites: [], dtypes: ['f32', 'f64'] })).not.toThrow();
  });

  it('names the node, its kind, its scope and the dtype', () => {
    const run = () => prepareForBackend(graph(), { composites: [], dtypes: ['f32'] });
    expect(run).toThrow(GraphError);
    expect(run).toThrow(/node %2 \(cast, scope head\) dtype: expected a dtype the backend declares \(f32\), got "f64"/);
  });

  it('names an input by id and role', () => {
    expect(() => checkDTypes(graph(), ['f64'])).toThrow(/graph input x \(data\) dtype.*f32/);
  });

  it('checks the graph as lowered: an unclaimed composite whose decomposition needs i32 is rejected', () => {
    const b = new GraphBuilder();
    b.output('y', b.attention(b.data('q', [2, 4], 'f32'), b.data('k', [2, 4], 'f32'), b.data('v', [2, 4], 'f32'), { causal: true }));
    const g = b.build();
    expect(() => prepareForBackend(g, { composites: ['attention'], dtypes: ['f32'] })).not.toThrow();
    expect(() => prepareForBackend(g, { composites: [], dtypes: ['f32'] })).toThrow(/\(iota, root scope|\(iota, the root scope/);
  });
});
