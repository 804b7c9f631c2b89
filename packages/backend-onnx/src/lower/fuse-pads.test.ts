/**
 * fusePadAdds: the gradient of a tensor sliced into pieces along one axis (a fused-QKV split, with
 * and without an unused gap) becomes one concat instead of zero pads and adds; the reference backend
 * gives the same values on the fused and unfused graphs (exactly: adding zeros is exact), and ORT on
 * the original graph (which runs the pass) agrees. Trees it must not touch stay as they were.
 */
import { describe, expect, it } from 'vitest';
import { grad, gradOutputName, type Graph, GraphBuilder, hostTensor, prepareForBackend, type Tensor } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { createOnnxBackend } from '../backend.js';
import { ORT } from '../test-ort.test-helper.js';
import { fusePadAdds } from './fuse-pads.js';

const SHAPE = [2, 3, 4, 12];

// heads [2,3,4,12] split on the last axis into the given [start, end) pieces, combined nonlinearly.
function split(pieces: readonly (readonly [number, number])[], axis = 3, whole = false) {
  const b = new GraphBuilder({ dtype: 'f64' });
  const x = b.param('x', SHAPE);
  const parts: Tensor[] = pieces.map(([s, e]) => b.sliceAxis(x, axis, s, e));
  const terms = parts.map((p, i) => b.sum(b.mul(b.tanh(p), b.scalar(i + 1))));
  if (whole) terms.push(b.sum(b.exp(x)));
  b.output('loss', terms.reduce((a, t) => b.add(a, b.mul(t, t))));
  return grad(b.build(), { loss: 'loss', wrt: ['x'] });
}

const prepare = (g: Graph) => prepareForBackend(g, { composites: [], dtypes: ['f64', 'i32'] });
const count = (g: Graph, kind: string) => g.nodes.filter((n) => n.kind === kind).length;
const feeds = { x: hostTensor('f64', SHAPE, Array.from({ length: 288 }, (_, i) => Math.sin(i * 0.37))) };
const gx = gradOutputName('x');

async function checkValues(g: Graph) {
  const ref = referenceBackend();
  const unfused = ref.compileSync(prepare(g)).runSync(feeds)[gx]!.data;
  const fused = ref.compileSync(fusePadAdds(prepare(g))).runSync(feeds)[gx]!.data;
  expect(Array.from(fused)).toEqual(Array.from(unfused));
  const be = createOnnxBackend({ ort: ORT, threads: 1 });
  const onnx = (await (await be.compile(g)).run(feeds))[gx]!.data;
  Array.from(onnx).forEach((v, i) => expect(Math.abs(v - unfused[i]!)).toBeLessThan(1e-12));
  be.dispose();
}

describe('fusePadAdds', () => {
  it('q/k/v slices: three pads and two adds become one concat', async () => {
    const g = split([[0, 4], [4, 8], [8, 12]]);
    const before = prepare(g);
    expect([count(before, 'pad'), count(before, 'concat')]).toEqual([3, 0]);
    const after = fusePadAdds(before);
    expect([count(after, 'pad'), count(after, 'concat'), count(after, 'fill')]).toEqual([0, 1, count(before, 'fill')]);
    expect(count(after, 'add')).toBe(count(before, 'add') - 2);
    const concat = after.nodes.find((n) => n.kind === 'concat')!;
    expect(concat.type.shape).toEqual(SHAPE);
    expect(concat.inputs.map((id) => after.nodes.find((n) => n.id === id)!.type.shape[3])).toEqual([4, 4, 4]);
    await checkValues(g);
  });

  it('pieces out of order with a gap: concat in range order, zeros in the gap', async () => {
    const g = split([[6, 12], [0, 2]], 3);
    const after = fusePadAdds(prepare(g));
    expect(count(after, 'pad')).toBe(0);
    const concat = after.nodes.find((n) => n.kind === 'concat')!;
    const widths = concat.inputs.map((id) => after.nodes.find((n) => n.id === id)!);
    expect(widths.map((n) => [n.kind === 'fill', n.type.shape[3]])).toEqual([[false, 2], [true, 4], [false, 6]]);
    await checkValues(g);
  });

  it('a middle axis works the same', async () => {
    const g = split([[0, 1], [1, 3]], 1);
    expect(count(fusePadAdds(prepare(g)), 'pad')).toBe(0);
    await checkValues(g);
  });

  it('one other operand (the whole tensor used too, as rotary): stays an add beside the concat', async () => {
    const g = split([[0, 4], [4, 8]], 3, true);
    const before = prepare(g);
    const after = fusePadAdds(before);
    expect([count(before, 'pad'), count(after, 'pad'), count(after, 'concat')]).toEqual([2, 0, 1]);
    expect(count(after, 'add')).toBe(count(before, 'add') - 1);
    await checkValues(g);
  });

  it('leaves alone overlapping ranges, different axes, a non-zero pad, a pad used twice, two other operands between pads', () => {
    const untouched = (g: Graph) => expect(fusePadAdds(g)).toBe(g);
    untouched(prepare(split([[0, 6], [4, 12]])));
    const b = new GraphBuilder({ dtype: 'f64' });
    const x = b.param('x', [2, 3]);
    const onRows = b.pad(x, [0, 0], [0, 3]);
    const onCols = b.pad(b.param('y', [1, 6]), [1, 0], [0, 0]);
    b.output('axes', b.add(onRows, onCols));
    b.output('ones', b.add(b.pad(x, [0, 0], [0, 3], 1), b.pad(x, [0, 3], [0, 0])));
    const twice = b.pad(x, [0, 0], [0, 3]);
    b.output('twice', b.add(twice, b.pad(x, [0, 3], [0, 0])));
    b.output('again', twice);
    const y = b.param('z', [2, 6]);
    const interleaved = b.add(b.add(b.add(b.exp(y), b.pad(x, [0, 0], [0, 3])), b.tanh(y)), b.pad(x, [0, 3], [0, 0]));
    b.output('interleaved', interleaved);
    untouched(b.build());
  });
});
