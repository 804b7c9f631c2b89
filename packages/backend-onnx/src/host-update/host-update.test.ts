/**
 * The host update: which AdamW updates leave ORT (split), that a standalone AdamW graph equals the
 * reference backend, and the ownership rules — resident in, resident out runs in place and donates
 * the fed handles; host feeds are never written; a donated handle cannot be fed again.
 */
import { describe, expect, it } from 'vitest';
import { adamwScalarFeeds, appendAdamW, buildAdamWGraph, grad, GraphBuilder, type HostTensor, momentName, hostTensor, prepareForBackend, type ResidentTensor } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { ONNX_SUPPORT } from '../backend.js';
import { testBackend } from '../test-ort.test-helper.js';
import { splitHostUpdates } from './split.js';

const PARAMS = [
  { name: 'w', shape: [3, 4] },
  { name: 'b', shape: [4] },
];

function feedsAt(step: number): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = adamwScalarFeeds(step, 0.01, 'f32');
  PARAMS.forEach(({ name, shape }, k) => {
    const n = shape.reduce((a, d) => a * d, 1);
    feeds[name] = hostTensor('f32', shape, Array.from({ length: n }, (_, i) => Math.sin(i + k)));
    feeds[`grad:${name}`] = hostTensor('f32', shape, Array.from({ length: n }, (_, i) => Math.cos(3 * i + k)));
    feeds[momentName('m', name)] = hostTensor('f32', shape, Array.from({ length: n }, (_, i) => 0.1 * Math.cos(i)));
    feeds[momentName('v', name)] = hostTensor('f32', shape, Array.from({ length: n }, (_, i) => 0.01 * (1 + Math.sin(i))));
  });
  return feeds;
}

/** An embedding table whose only gradient is a scatterAdd (repeated ids), with AdamW appended. */
function embeddingStep() {
  const b = new GraphBuilder();
  const table = b.param('table', [10, 3]);
  const ids = b.data('ids', [6], 'i32');
  const rows = b.gather(table, ids);
  b.output('loss', b.sum(b.mul(b.mul(rows, rows), b.constant([1, -2, 0.5], [3]))));
  return appendAdamW(grad(b.build(), { loss: 'loss', wrt: ['table'] }), ['table']);
}

describe('host update', () => {
  it('takes an embedding gradient sparse: ORT returns the scattered rows, not the dense table', () => {
    const { device, updates } = splitHostUpdates(prepareForBackend(embeddingStep(), ONNX_SUPPORT));
    expect(updates).toHaveLength(1);
    expect(updates[0]!.sparse).toMatchObject({ width: 3 });
    expect(device.nodes.some((n) => n.kind === 'scatterAdd')).toBe(false);
  });

  it('the sparse update equals the reference backend over three steps, untouched rows included', async () => {
    const graph = embeddingStep();
    const ref = await referenceBackend().compile(graph);
    const backend = testBackend();
    const exe = await backend.compile(graph);
    const table = hostTensor('f32', [10, 3], Array.from({ length: 30 }, (_, i) => Math.sin(i)));
    let feeds: Record<string, HostTensor> = {
      table,
      ids: hostTensor('i32', [6], [3, 1, 3, 7, 0, 3]),
      [momentName('m', 'table')]: hostTensor('f32', [10, 3]),
      [momentName('v', 'table')]: hostTensor('f32', [10, 3]),
    };
    for (let step = 0; step < 3; step++) {
      feeds = { ...feeds, ...adamwScalarFeeds(step, 0.05, 'f32') };
      const [got, want] = [await exe.run(feeds), await ref.run(feeds)];
      for (const name of ['table', momentName('m', 'table'), momentName('v', 'table'), 'loss']) {
        const [g, w] = [got[name]!.data, want[name]!.data];
        for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!), `step ${step} ${name}[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(w[i]!)));
      }
      feeds = { ...feeds, table: got.table!, [momentName('m', 'table')]: got[momentName('m', 'table')]!, [momentName('v', 'table')]: got[momentName('v', 'table')]! };
    }
    // Rows 2, 4, 5, 6, 8, 9 had no id: they still moved (decay and momentum), as the dense update.
    expect(feeds.table!.data[2 * 3]).not.toBe(table.data[2 * 3]);
    exe.dispose();
    backend.dispose();
  });

  it('moves every tensor of an AdamW graph to the host and leaves no optimiser composite in ORT', () => {
    const graph = prepareForBackend(buildAdamWGraph(PARAMS), ONNX_SUPPORT);
    const { device, updates } = splitHostUpdates(graph);
    expect(updates.map((u) => u.param)).toEqual(['w', 'b']);
    expect(updates[0]).toMatchObject({ beta1: 0.9, beta2: 0.999, eps: 1e-8, outputs: { param: 'w', m: momentName('m', 'w'), v: momentName('v', 'w') } });
    expect(device.nodes.some((n) => n.kind === 'adamMoment' || n.kind === 'adamwParam')).toBe(false);
    // What stays is the three per-step scalars; moments and parameters are not ORT inputs any more.
    expect(device.inputs.map((i) => i.id).sort()).toEqual(['adamw.bias_correction1', 'adamw.bias_correction2', 'adamw.lr']);
  });

  it('keeps an update in ORT (as primitives) when its moment also feeds something else', () => {
    const b = new GraphBuilder();
    const [p, g, m, v] = [b.param('p', [2]), b.data('g', [2], 'f32'), b.state('m', [2]), b.state('v', [2])];
    const s = b.data('s', [], 'f32');
    const m1 = b.node('adamMoment', [m, g], { beta: 0.9, squared: false });
    const v1 = b.node('adamMoment', [v, g], { beta: 0.999, squared: true });
    b.output('p', b.node('adamwParam', [p, m1, v1, s, s, s], { eps: 1e-8 }), { updates: p });
    b.output('m', m1, { updates: m });
    b.output('v', v1, { updates: v });
    b.output('m twice', b.mul(m1, 2));
    const { device, updates } = splitHostUpdates(prepareForBackend(b.build(), ONNX_SUPPORT));
    expect(updates).toEqual([]);
    expect(device.nodes.some((n) => n.kind === 'adamMoment' || n.kind === 'adamwParam')).toBe(false);
    expect(device.nodes.some((n) => n.kind === 'sqrt')).toBe(true);
  });

  it('equals the reference backend for two steps, resident and in place; feeds of the host are not written', async () => {
    const graph = buildAdamWGraph(PARAMS);
    const ref = await referenceBackend().compile(graph);
    const backend = testBackend();
    const exe = await backend.compile(graph);
    const host = feedsAt(0);
    const before = new Float32Array(host.w!.data);
    // Host feeds: results equal the reference's; the caller's arrays are untouched.
    const plain = await exe.run(host);
    const want = await ref.run(host);
    expect(Array.from(host.w!.data)).toEqual(Array.from(before));
    for (const name of Object.keys(want)) {
      const [got, exp] = [plain[name]!.data, want[name]!.data];
      for (let i = 0; i < exp.length; i++) expect(Math.abs(got[i]! - exp[i]!), `${name}[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(exp[i]!)));
    }
    // Resident: two steps in place; the fed handles are donated.
    const state = PARAMS.flatMap(({ name }) => [name, momentName('m', name), momentName('v', name)]);
    const feeds: Record<string, HostTensor | ResidentTensor> = { ...host };
    for (const name of state) feeds[name] = await backend.upload(host[name]!);
    let expected: Record<string, HostTensor> = host;
    for (let step = 0; step < 2; step++) {
      const scalars = adamwScalarFeeds(step, 0.01, 'f32');
      Object.assign(feeds, scalars);
      const fed = state.map((n) => feeds[n] as ResidentTensor);
      const out = await exe.run(feeds, { outputs: state, resident: state });
      expected = { ...expected, ...scalars, ...(await ref.run({ ...expected, ...scalars })) };
      for (const name of state) {
        const got = await backend.download(out[name] as ResidentTensor);
        const exp = expected[name]!.data;
        for (let i = 0; i < exp.length; i++) expect(Math.abs(got.data[i]! - exp[i]!), `step ${step} ${name}[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(exp[i]!)));
      }
      await expect(exe.run({ ...feeds, w: fed[0]! })).rejects.toThrow(/donated/);
      for (const handle of fed) backend.release(handle); // frees nothing, throws nothing
      Object.assign(feeds, out);
    }
    exe.dispose();
    backend.dispose();
  });
});
