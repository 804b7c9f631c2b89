/**
 * The backend's contract on onnxruntime-node: what it declares, clear errors (a missing ORT module,
 * an unavailable execution provider, feeds that do not fit the compiled shape, a graph node of a kind
 * it cannot lower), resident tensors (upload, feed back, download, release) and the ONNX model it
 * writes (IR version and opset declared).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph, hostTensor } from '@repurpose/core/engine';
import { createOnnxBackend } from './backend.js';
import { ONNX_IR_VERSION, ONNX_OPSET } from './onnx/version.js';
import { ORT, testBackend } from './test-ort.test-helper.js';

function expGraph(): Graph {
  const b = new GraphBuilder();
  b.output('y', b.exp(b.data('x', [2, 2], 'f32')));
  return b.build();
}

describe('createOnnxBackend', () => {
  it('declares f32, f64 and i32, every composite, and resident tensors', () => {
    const be = testBackend();
    expect(be.name).toBe('onnx');
    expect(be.support.dtypes).toEqual(['f32', 'f64', 'i32']);
    expect(be.support.composites).toEqual(['softmax', 'logSoftmax', 'layerNorm', 'gelu', 'attention', 'adamMoment', 'adamwParam']);
    expect(be.support.resident).toBe(true);
    expect(createOnnxBackend({ ort: ORT, composites: [] }).support.composites).toEqual([]);
  });

  it('rejects a missing or wrong ORT module and bad options, naming the field', () => {
    expect(() => createOnnxBackend({} as never)).toThrow(/options\.ort: expected an ONNX Runtime module .*got nothing/);
    expect(() => createOnnxBackend({ ort: { Tensor: 1 } } as never)).toThrow(/options\.ort/);
    expect(() => createOnnxBackend({ ort: ORT, threads: 0 })).toThrow(/options\.threads: expected a positive integer, got 0/);
    expect(() => createOnnxBackend({ ort: ORT, executionProviders: [] })).toThrow(/options\.executionProviders/);
    expect(() => createOnnxBackend({ ort: ORT, extra: 1 } as never)).toThrow(/no key "extra"/);
  });

  it('names an execution provider this ORT build does not have', async () => {
    const be = createOnnxBackend({ ort: ORT, executionProviders: ['no-such-ep'] });
    await expect(be.compile(expGraph())).rejects.toThrow(/options\.executionProviders.*no-such-ep/);
  });

  it('checks feeds against the compiled shape, naming the input', async () => {
    const exe = await testBackend().compile(expGraph());
    await expect(exe.run({})).rejects.toThrow(/feeds\.x: expected a tensor f32\[2,2\] \(data\)/);
    await expect(exe.run({ x: hostTensor('f32', [4], [1, 2, 3, 4]) })).rejects.toThrow(/feeds\.x: expected f32\[2,2\] \(the compiled shape\), got "f32\[4\]"/);
    await expect(exe.run({ x: hostTensor('f32', [2, 2]), extra: hostTensor('f32', [1]) })).rejects.toThrow(/feeds\.extra/);
    await expect(exe.run({ x: { dtype: 'f32', shape: [2, 2], data: new Float64Array(4) } })).rejects.toThrow(/feeds\.x data/);
  });

  it('names a node kind it cannot lower', async () => {
    const g = expGraph();
    const bad = { ...g, nodes: g.nodes.map((n) => ({ ...n, kind: 'fft' })) } as unknown as Graph;
    await expect(testBackend().compile(bad)).rejects.toThrow(/fft/);
  });

  it('keeps tensors resident: upload, feed, keep outputs as ORT tensors, download, release', async () => {
    const be = testBackend();
    const exe = await be.compile(expGraph());
    const x = await be.upload(hostTensor('f32', [2, 2], [0, 1, 2, 3]));
    expect(x).toMatchObject({ kind: 'resident', backend: 'onnx', dtype: 'f32', shape: [2, 2] });
    const out = await exe.run({ x }, { resident: ['y'] });
    const y = out.y!;
    expect('kind' in y && y.kind).toBe('resident');
    const again = await exe.run({ x: y as never });
    const host = await be.download(y as never);
    expect(Array.from(host.data)).toEqual([0, 1, 2, 3].map((v) => Math.fround(Math.exp(v))));
    expect(again.y!.data[1]).toBeCloseTo(Math.exp(Math.E), 4);
    be.release(x);
    await expect(exe.run({ x })).rejects.toThrow(/feeds\.x.*has not released/);
    expect(() => be.release(x)).toThrow(/release/);
    await expect(exe.run({ x: y as never }, { outputs: ['nope'] })).rejects.toThrow(/run options\.outputs: expected an output of the graph \(y\)/);
    await expect(exe.run({ x: y as never }, { outputs: [], resident: ['y'] })).rejects.toThrow(/run options\.resident/);
    const foreign = { kind: 'resident', backend: 'webgpu', dtype: 'f32', shape: [2, 2] } as const;
    await expect(exe.run({ x: foreign })).rejects.toThrow(/feeds\.x: expected a host tensor or a resident tensor of this backend/);
  });

  it('outputs one value under two names, an input as an output, and an output named like an input', async () => {
    const b = new GraphBuilder();
    const x = b.param('x', [2], 'f32');
    const y = b.exp(x);
    b.output('a', y);
    b.output('b', y);
    b.output('same', x);
    b.output('x', b.neg(x));
    const out = await (await testBackend().compile(b.build())).run({ x: hostTensor('f32', [2], [0, 1]) });
    expect(Array.from(out.a!.data)).toEqual([1, Math.fround(Math.E)]);
    expect(Array.from(out.b!.data)).toEqual([1, Math.fround(Math.E)]);
    expect(Array.from(out.same!.data)).toEqual([0, 1]);
    expect(Array.from(out.x!.data)).toEqual([-0, -1]);
  });

  it('writes a standard ONNX model at IR 10, opset 21', async () => {
    const exe = await testBackend().compile(expGraph());
    const model = fromBinary(ModelProtoSchema, exe.model);
    expect(Number(model.irVersion)).toBe(ONNX_IR_VERSION);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    expect(model.graph!.node.map((n) => [n.opType, n.output[0]])).toEqual([['Exp', 'y']]);
  });
});
