/**
 * `--backend` / `--threads` parsing and opening: onnx is the default and really runs ONNX Runtime
 * (in-process and in a worker), the reference backend on request, a module that cannot be resolved
 * falls back to the reference backend with one note when no backend was named and is an error when
 * `--backend onnx` was. The missing module is a real failed resolution, not a stand-in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { architectureFromConfig } from '@repurpose/core';
import { buildEmbeddingGraph, EMBEDDING_INPUTS, EMBEDDING_OUTPUTS, hostTensor, parameterFeeds, randomGptNeoXParameters, type Backend, type Graph, type HostTensor } from '@repurpose/core/engine';
import { openBackend, parseBackendFlags } from '../src/backend-option.js';

const dir = mkdtempSync(join(tmpdir(), 'repurpose-backend-option-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const arch = architectureFromConfig({ num_hidden_layers: 1, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32, vocab_size: 16, max_position_embeddings: 8 }, 'tiny');
const parameters = randomGptNeoXParameters(arch, { seed: 2, dtype: 'f32' });

async function embedTiny(graph: Graph, backend: Backend): Promise<number[]> {
  const exe = await backend.compile(graph);
  const out = (await exe.run({
    ...parameterFeeds(graph, parameters),
    [EMBEDDING_INPUTS.ids]: hostTensor('i32', [2, 3], [1, 5, 9, 3, 0, 0]),
    [EMBEDDING_INPUTS.mask]: hostTensor('i32', [2, 3], [1, 1, 1, 1, 0, 0]),
  })) as Record<string, HostTensor>;
  exe.dispose();
  return Array.from(out[EMBEDDING_OUTPUTS.embedding]!.data);
}

describe('--backend and --threads', () => {
  it('parses: onnx by default (not explicit), reference, threads, and one-line errors', () => {
    expect(parseBackendFlags({})).toEqual({ kind: 'onnx', explicit: false, threads: undefined });
    expect(parseBackendFlags({ backend: 'onnx', threads: '2' })).toEqual({ kind: 'onnx', explicit: true, threads: 2 });
    expect(parseBackendFlags({ backend: 'reference' })).toEqual({ kind: 'reference' });
    expect(() => parseBackendFlags({ backend: 'torch' })).toThrow(/--backend: expected onnx or reference, got "torch"/);
    expect(() => parseBackendFlags({ threads: '0' })).toThrow(/--threads: expected a whole number ≥ 1 and ≤ 1,024 \(ONNX Runtime intra-op threads\), got "0"/);
    expect(() => parseBackendFlags({ threads: '1.5' })).toThrow(/--threads: expected a whole number/);
    expect(() => parseBackendFlags({ backend: 'reference', threads: '2' })).toThrow(/--threads: only the onnx backend takes a thread count/);
  });

  it('the default opens ONNX Runtime, in-process and in a worker, and both agree with the reference backend', async () => {
    const { graph } = buildEmbeddingGraph(arch, { B: 2, T: 3 }, { dtype: 'f32' });
    const reference = await openBackend({ kind: 'reference' });
    const inProcess = await openBackend(parseBackendFlags({ threads: '1' }));
    const inWorker = await openBackend(parseBackendFlags({ backend: 'onnx' }), { worker: true });
    expect(inProcess.kind).toBe('onnx');
    expect(inProcess.label).toMatch(/^onnx \(onnxruntime-node 1\.30\.0, 1 thread\)$/);
    expect(inWorker.label).toMatch(/in a worker/);
    expect(reference.label).toMatch(/^reference/);
    const [a, b, c] = [await embedTiny(graph, reference.backend), await embedTiny(graph, inProcess.backend), await embedTiny(graph, inWorker.backend)];
    expect(a).toHaveLength(32);
    for (const other of [b, c]) other.forEach((x, i) => expect(x).toBeCloseTo(a[i]!, 5));
    for (const o of [reference, inProcess, inWorker]) o.dispose();
  });

  it('falls back to the reference backend with one note when ORT cannot load and no backend was named', async () => {
    const notes: string[] = [];
    const opened = await openBackend(parseBackendFlags({}), { ortModule: 'onnxruntime-node-not-installed', warn: (l) => notes.push(l) });
    expect(opened.kind).toBe('reference');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^repurpose: cannot load onnxruntime-node-not-installed: it is not installed — using the reference backend \(slower\); install onnxruntime-node-not-installed@1\.30\.0 .*--backend reference/);
    expect(opened.fallback).toBe(notes[0]);
    opened.dispose();
  });

  it('is an error, with the install command, when --backend onnx was named and ORT cannot load', async () => {
    const notes: string[] = [];
    await expect(openBackend(parseBackendFlags({ backend: 'onnx' }), { ortModule: 'onnxruntime-node-not-installed', warn: (l) => notes.push(l) }))
      .rejects.toThrow(/cannot load onnxruntime-node-not-installed: it is not installed \(install it with ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node-not-installed@1\.30\.0, or use --backend reference\)/);
    expect(notes).toHaveLength(0);
  });

  it('names why a module that resolves still cannot be used: its import throws, or it is not ONNX Runtime', async () => {
    const broken = join(dir, 'broken.cjs');
    writeFileSync(broken, "throw new Error('libonnxruntime.so.1: cannot open shared object file');\n");
    const other = join(dir, 'other.cjs');
    writeFileSync(other, 'module.exports = { Tensor: class {} };\n');
    await expect(openBackend(parseBackendFlags({ backend: 'onnx' }), { ortModule: broken })).rejects.toThrow(/cannot load .*broken\.cjs: importing it failed: libonnxruntime\.so\.1: cannot open shared object file \(reinstall it with ONNXRUNTIME_NODE_INSTALL=skip/);
    await expect(openBackend(parseBackendFlags({ backend: 'onnx' }), { ortModule: other })).rejects.toThrow(/other\.cjs: the module has no InferenceSession \(is it ONNX Runtime\?\) \(use --backend reference\)/);
    const notes: string[] = [];
    const fallback = await openBackend(parseBackendFlags({}), { ortModule: broken, warn: (l) => notes.push(l) });
    expect(fallback.kind).toBe('reference');
    expect(notes[0]).toMatch(/importing it failed: libonnxruntime/);
  });
});
