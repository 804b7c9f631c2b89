/**
 * WGSL generation without a GPU: cache keys hold only build-time facts, uniforms carry the sizes,
 * and every program the kernels emit for the shared tables' graphs (core's op literals and gradient
 * cases, retyped to f32 and to f16, with their `grad`) and the kernel cases is valid WGSL
 * — checked by Dawn's null adapter (with shader-f16, which it offers), which compiles shaders and pipelines with no driver. The key
 * tests need no adapter at all; the validation suite skips with a printed reason without `webgpu`.
 */
import { type Graph, GraphBuilder, type GraphNode, type OpKind, grad, prepareForBackend, valueTypes } from '@repurpose/core/engine';
import { GRAD_RULE_CASES, NO_GRADIENT, OP_LITERAL_CASES, gradRuleGraph, literalGraph } from '@repurpose/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { KERNEL_CASES } from '../kernel-cases.js';
import { foldConstantCasts } from '../passes/fold-constant-casts.js';
import { asF32, retyped } from '../test-support/as-f32.js';
import { testGpu } from '../test-support/test-gpu.js';
import { FUSED_COMPOSITES, KERNELS } from '../kernels/index.js';
import type { KernelContext, WebGpuKernel } from '../kernels/kernel.js';
import { simplifyViews } from './map.js';
import { type Pass, enables, f32Bits, linearDispatch } from './program.js';

const SUBGROUPS: KernelContext = { subgroups: true };

function passesOf(build: (b: GraphBuilder) => void, ctx?: KernelContext): { node: GraphNode; passes: readonly Pass[] }[] {
  const b = new GraphBuilder({ dtype: 'f32' });
  build(b);
  const graph = b.build();
  const types = valueTypes(graph);
  return graph.nodes.map((node) => {
    const kernel = KERNELS[node.kind] as WebGpuKernel<typeof node.kind>;
    const plan = kernel(node as never, node.inputs.map((v) => types.get(v)!), ctx);
    return { node, passes: plan.kind === 'dispatch' ? plan.passes : [] };
  });
}

function onlyPass(build: (b: GraphBuilder) => void, kind: string, ctx?: KernelContext): Pass {
  const found = passesOf(build, ctx).find((p) => p.node.kind === kind)!;
  expect(found.passes).toHaveLength(1);
  return found.passes[0]!;
}

describe('program keys hold only build-time facts', () => {
  it('add over different sizes shares a program; the sizes are in the uniforms', () => {
    const small = onlyPass((b) => b.output('y', b.add(b.data('a', [2, 3], 'f32'), b.data('b', [3], 'f32'))), 'add');
    const large = onlyPass((b) => b.output('y', b.add(b.data('a', [20, 30], 'f32'), b.data('b', [30], 'f32'))), 'add');
    expect(large.program.key).toBe(small.program.key);
    expect(large.program.wgsl).toBe(small.program.wgsl);
    expect(Array.from(large.uniforms)).not.toEqual(Array.from(small.uniforms));
    expect(small.program.wgsl).not.toMatch(/\b(20|30)u\b/);
  });

  it('matmul keys differ by transposes, batch rank and the direct/tiled choice, not by M, N, K', () => {
    const mm = (m: number, k: number, n: number, t: { transposeA?: boolean; transposeB?: boolean } = {}) =>
      onlyPass((b) => b.output('y', b.matmul(b.data('a', t.transposeA ? [k, m] : [m, k], 'f32'), b.data('b', t.transposeB ? [n, k] : [k, n], 'f32'), t)), 'matmul');
    // Tiled (M·N·K above DIRECT_MACS): the key is the same for every size.
    expect(mm(64, 128, 64).program.key).toBe(mm(100, 70, 50).program.key);
    expect(mm(64, 128, 64, { transposeA: true }).program.key).not.toBe(mm(64, 128, 64).program.key);
    expect(mm(64, 128, 64, { transposeB: true }).program.key).not.toBe(mm(64, 128, 64, { transposeA: true }).program.key);
    expect(Array.from(mm(64, 128, 40).uniforms.slice(0, 3))).toEqual([64, 40, 128]);
    const batched = onlyPass((b) => b.output('y', b.matmul(b.data('a', [2, 64, 128], 'f32'), b.data('b', [128, 64], 'f32'))), 'matmul');
    expect(batched.program.key).not.toBe(mm(64, 128, 64).program.key);
    expect(batched.dispatch).toEqual([2, 2, 2]);
    // Direct (small products): one invocation per output element, its own size-free key.
    expect(mm(3, 5, 4).program.key).toBe(mm(40, 32, 96).program.key);
    expect(mm(3, 5, 4).program.key).not.toBe(mm(64, 128, 64).program.key);
    expect(mm(3, 5, 4).program.wgsl).not.toContain('workgroupBarrier');
    expect(Array.from(mm(3, 5, 4).uniforms.slice(0, 4))).toEqual([12, 3, 4, 5]);
  });

  it('scalar attributes travel as uniforms: every fill shares one program', () => {
    const a = onlyPass((b) => b.output('y', b.fill(2.5, [3], 'f32')), 'fill');
    const c = onlyPass((b) => b.output('y', b.fill(-7, [9], 'f32')), 'fill');
    expect(c.program.key).toBe(a.program.key);
    expect(Array.from(a.uniforms)).toContain(f32Bits(2.5));
  });

  it('same-shape elementwise views collapse to rank 1; broadcast axes stay', () => {
    expect(simplifyViews([2, 3, 4], [{ base: 0, strides: [12, 4, 1] }, { base: 0, strides: [12, 4, 1] }]).shape).toEqual([24]);
    const bcast = simplifyViews([2, 3, 4], [{ base: 0, strides: [12, 4, 1] }, { base: 0, strides: [0, 0, 1] }]);
    expect(bcast.shape).toEqual([6, 4]);
    expect(bcast.views[1]!.strides).toEqual([0, 1]);
    expect(simplifyViews([1, 1], [{ base: 5, strides: [1, 1] }])).toEqual({ shape: [1], views: [{ base: 5, strides: [0] }] });
  });

  it('large 1-D dispatches fold into y within the per-dimension limit', () => {
    expect(linearDispatch(64)).toEqual([1, 1, 1]);
    const [x, y] = linearDispatch(64 * 70000);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y).toBeGreaterThanOrEqual(70000);
  });

  it('f16 programs enable f16, store f16 and read it widened to f32; f32 programs carry no trace of f16', () => {
    const add = (dtype: 'f32' | 'f16') => onlyPass((b) => b.output('y', b.add(b.data('a', [2, 3], dtype), b.data('b', [3], dtype))), 'add');
    const half = add('f16').program;
    expect(half.key).not.toBe(add('f32').program.key);
    expect(half.wgsl.startsWith('enable f16;\n')).toBe(true);
    expect(half.wgsl).toContain('var<storage, read_write> out: array<f16>;');
    expect(half.wgsl).toContain('let a0 = f32(in0[');
    expect(half.wgsl).toMatch(/\] = f16\(a0 \+ a1\);/);
    expect(add('f32').program.wgsl).not.toMatch(/f16|enable/);
    // A cast to f16 converts to the compute type in the expression and rounds once, at the store.
    const cast = onlyPass((b) => b.output('y', b.cast(b.data('a', [4], 'f32'), 'f16')), 'cast').program.wgsl;
    expect(cast).toMatch(/\] = f16\(f32\(a0\)\);/);
  });

  it('f16 matmul, reductions and rows accumulate in f32', () => {
    const mm = (m: number, k: number, n: number) => onlyPass((b) => b.output('y', b.matmul(b.data('a', [m, k], 'f16'), b.data('b', [k, n], 'f16'))), 'matmul').program.wgsl;
    const tiled = mm(64, 128, 64);
    expect(tiled).toContain('var<workgroup> tileA: array<array<f32, 16>, 32>;');
    expect(tiled).toContain('var acc: array<f32, 16>;');
    expect(tiled).toContain('return f32(a[aBase + row * K + k]);');
    expect(tiled).toContain('= f16(acc[i * 4u + j]);');
    expect(mm(3, 5, 4)).toContain('var acc = f32(0);');
    const sum = onlyPass((b) => b.output('y', b.sum(b.data('x', [3, 5], 'f16'), [1])), 'sum').program.wgsl;
    expect(sum).toContain('var acc = f32(0);');
    expect(sum).toContain('out[idx] = f16(acc);');
    const max = onlyPass((b) => b.output('y', b.max(b.data('x', [3, 5], 'f16'), [1])), 'max');
    expect(max.program.wgsl).toContain('var acc = bitcast<f32>(');
    expect(Array.from(max.uniforms)).toContain(0xff800000);
    const ln = onlyPass((b) => b.output('y', b.layerNorm(b.data('x', [3, 5], 'f16'), b.data('w', [5], 'f16'), b.data('c', [5], 'f16'), 1e-5)), 'layerNorm').program.wgsl;
    expect(ln).toContain('total = total + f32(x[base + j]);');
    expect(ln).toMatch(/out\[base \+ j\] = f16\(/);
  });

  it('long rows and long reductions take a workgroup each; subgroups change the program, not the uniforms', () => {
    const softmax = (len: number, ctx?: KernelContext) => onlyPass((b) => b.output('y', b.softmax(b.data('x', [3, len], 'f32'))), 'softmax', ctx);
    expect(JSON.parse(softmax(64).program.key).kind).toBe('softmax');
    expect(softmax(64, SUBGROUPS).program.key).toBe(softmax(64).program.key);
    const plain = softmax(65);
    const sub = softmax(65, SUBGROUPS);
    expect(JSON.parse(plain.program.key)).toMatchObject({ kind: 'softmax-wg', subgroups: false });
    expect(plain.dispatch).toEqual([3, 1, 1]);
    expect(plain.program.wgsl).toContain('workgroupBarrier();');
    expect(plain.program.wgsl).not.toMatch(/subgroup|enable/);
    expect(sub.program.key).not.toBe(plain.program.key);
    expect(sub.program.wgsl.startsWith('enable subgroups;\n')).toBe(true);
    expect(sub.program.wgsl).toContain('subgroupMax(v)');
    expect(sub.program.wgsl).toContain('subgroupAdd(v)');
    expect(sub.program.wgsl).toContain('@builtin(subgroup_id) sg: u32');
    expect(Array.from(sub.uniforms)).toEqual(Array.from(plain.uniforms));
    const sum = (n: number, ctx?: KernelContext) => onlyPass((b) => b.output('y', b.sum(b.data('x', [2, n], 'f32'), [1])), 'sum', ctx);
    expect(JSON.parse(sum(64).program.key).kind).toBe('reduce');
    expect(JSON.parse(sum(65, SUBGROUPS).program.key)).toMatchObject({ kind: 'reduce-wg', subgroups: true });
    // i32 reductions stay serial; layerNorm and the workgroup attention follow the context too.
    expect(JSON.parse(onlyPass((b) => b.output('y', b.sum(b.data('x', [2, 100], 'i32'), [1])), 'sum', SUBGROUPS).program.key).kind).toBe('reduce');
    const ln = onlyPass((b) => b.output('y', b.layerNorm(b.data('x', [2, 100], 'f32'), b.data('w', [100], 'f32'), b.data('c', [100], 'f32'), 1e-5)), 'layerNorm', SUBGROUPS);
    expect(JSON.parse(ln.program.key)).toMatchObject({ kind: 'layer-norm-wg', subgroups: true });
    const att = (ctx?: KernelContext) => onlyPass((b) => b.output('y', b.attention(b.data('q', [1, 2, 8], 'f32'), b.data('k', [1, 70, 8], 'f32'), b.data('v', [1, 70, 8], 'f32'), { causal: false, scale: 1 })), 'attention', ctx).program.wgsl;
    expect(att()).not.toContain('subgroup');
    expect(att(SUBGROUPS)).toContain('subgroupAdd(v)');
  });

  it('enable directives come from the spec alone', () => {
    expect(enables({ kind: 'map', out: 'f32', inputs: ['i32'] })).toBe('');
    expect(enables({ kind: 'map', out: 'i32', inputs: ['f32', 'f16'] })).toBe('enable f16;\n');
    expect(enables({ kind: 'x', subgroups: true })).toBe('enable subgroups;\n');
    expect(enables({ kind: 'x', subgroups: false, dtype: 'f16' })).toBe('enable f16;\n');
  });

  it('the forward composites, three backward ones and the AdamW ones run fused; the packed backward ones are decomposed', () => {
    expect([...FUSED_COMPOSITES].sort()).toEqual(['adamMoment', 'adamwParam', 'attention', 'gelu', 'geluGrad', 'layerNorm', 'logSoftmax', 'logSoftmaxGrad', 'softmax', 'softmaxGrad']);
    expect(KERNELS.layerNormGrad).toBeNull();
    expect(KERNELS.attentionGrad).toBeNull();
  });
});

const nullGpu = await testGpu('null');
afterAll(() => nullGpu.backend?.dispose());

describe.skipIf(nullGpu.backend === null)('every emitted program is valid WGSL (Dawn null adapter)', () => {
  const device = nullGpu.backend!.device;
  const programs = new Map<string, string>();
  const graphs: Graph[] = [];
  for (const cases of Object.values(KERNEL_CASES)) {
    for (const kc of cases) {
      const b = new GraphBuilder({ dtype: 'f32' });
      const xs = kc.inputs.map((input, i) => (input.dtype === 'f32' ? b.param(`x${i}`, input.shape, 'f32') : b.data(`x${i}`, input.shape, input.dtype)));
      const y = kc.build(b, xs);
      b.output('y', y);
      const floats = kc.inputs.flatMap((input, i) => (input.dtype === 'f32' ? [`x${i}`] : []));
      if (y.dtype === 'f32' && floats.length > 0) b.output('loss', b.sum(y));
      const forward = b.build();
      graphs.push(y.dtype === 'f32' && floats.length > 0 ? grad(forward, { loss: 'loss', wrt: floats }) : forward);
    }
  }
  for (const cases of Object.values(OP_LITERAL_CASES)) for (const kc of cases) graphs.push(literalGraph(kc, 'f32').graph);
  const f16 = device.features.has('shader-f16');
  for (const [kind, cases] of Object.entries(GRAD_RULE_CASES) as [OpKind, (typeof GRAD_RULE_CASES)[OpKind]][]) {
    if (cases === NO_GRADIENT) continue;
    cases.forEach((gc, i) => {
      const { graph, wrt } = gradRuleGraph(kind, gc, i);
      graphs.push(grad(asF32(graph), { loss: 'loss', wrt }));
      if (f16) graphs.push(grad(retyped(graph, 'f16'), { loss: 'loss', wrt }));
    });
  }
  const contexts: KernelContext[] = [{ subgroups: false }, ...(device.features.has('subgroups') ? [SUBGROUPS] : [])];
  for (const g of graphs) {
    const graph = prepareForBackend(foldConstantCasts(g), { composites: FUSED_COMPOSITES, dtypes: ['f32', 'i32', 'f16'] });
    const types = valueTypes(graph);
    for (const node of graph.nodes) {
      for (const ctx of contexts) {
        const plan = (KERNELS[node.kind] as WebGpuKernel<typeof node.kind>)(node as never, node.inputs.map((v) => types.get(v)!), ctx);
        if (plan.kind === 'dispatch') for (const pass of plan.passes) programs.set(pass.program.key, pass.program.wgsl);
      }
    }
  }

  it('covers many distinct programs, f16 ones too', () => {
    expect(programs.size).toBeGreaterThan(30);
    expect(f16, 'the null adapter offers shader-f16').toBe(true);
    expect([...programs.values()].filter((w) => w.startsWith('enable f16;')).length).toBeGreaterThan(30);
    expect(contexts, 'the null adapter offers subgroups').toHaveLength(2);
    expect([...programs.values()].filter((w) => w.includes('enable subgroups;')).length).toBeGreaterThan(5);
  });

  for (const [key, wgsl] of programs) {
    it(key, async () => {
      const module = device.createShaderModule({ code: wgsl });
      const info = await module.getCompilationInfo();
      expect(info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}: ${m.message}`)).toEqual([]);
      await expect(device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } })).resolves.toBeDefined();
    });
  }

  it('a broken shader is reported, so the check above can fail', async () => {
    const info = await device.createShaderModule({ code: 'fn main( {' }).getCompilationInfo();
    expect(info.messages.some((m) => m.type === 'error')).toBe(true);
  });
});
