/**
 * The four methods against PyTorch (golden, f64): every trainable gradient of full, freeze (k = 1),
 * bias-only and LoRA (rank 4, alpha 8, the fixture's nonzero B) to 1e-4 of each tensor's scale; the
 * trainable/frozen split equals the fixture's; LoRA with B = 0 equals the base model exactly; merged
 * LoRA equals unmerged; and frozen blocks get no gradient nodes at all.
 */
import { describe, expect, it } from 'vitest';
import { gradOutputName } from '../engine/grad.js';
import { isGradScope } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { hostTensor } from '../engine/host-tensor.js';
import type { FineTuningMethod } from '../methods/method.js';
import { referenceBackend } from '../reference/backend.js';
import { EMBEDDING_INPUTS, buildEmbeddingGraph } from './embedding-graph.js';
import { goldenBatchFeeds, goldenFile, goldenManifest, goldenModel, goldenTensors, goldenValues, ids2d, maxAbsDiff, scaledError } from './golden.test-helper.js';
import { initAdapters, mergeLora, unmergeLora } from './lora.js';
import { methodPlan } from './method-plan.js';
import { type ParameterMap, parameterFeeds } from './parameter-map.js';
import { buildLossGraph, buildTrainingGraph } from './training-graph.js';

const backend = referenceBackend();
const model = goldenModel();
const arch = model.architecture;
const shape = { B: 4, Tq: 6, Tp: 9 };
const LORA: FineTuningMethod = { kind: 'lora', rank: 4, alpha: 8 };
const METHODS: Record<'full' | 'freeze' | 'bias' | 'lora', FineTuningMethod> = {
  full: { kind: 'full' },
  freeze: { kind: 'freeze', trainableBlocks: 1 },
  bias: { kind: 'bias' },
  lora: LORA,
};
const loraInit = goldenTensors('lora-init.safetensors', 'f64');

function runTraining(method: FineTuningMethod, adapters: ParameterMap = new Map()) {
  const t = buildTrainingGraph(arch, method, shape, { dtype: 'f64', loraEmbedIn: false });
  const out = backend.compileSync(t.graph).runSync({ ...goldenBatchFeeds(), ...parameterFeeds(t.graph, model.parameters, adapters) });
  return { t, out };
}

describe('methods vs PyTorch (golden gradients, f64)', () => {
  for (const [name, method] of Object.entries(METHODS) as [keyof typeof METHODS, FineTuningMethod][]) {
    it(`${name}: trainable set and every gradient to 1e-4 of the tensor's scale`, () => {
      const golden = goldenManifest.methods[name];
      const { t, out } = runTraining(method, name === 'lora' ? loraInit : new Map());
      expect([...t.trainable].sort()).toEqual([...golden.trainable].sort());
      const grads = goldenFile(golden.grads_file);
      expect([...grads.tensors.keys()].sort()).toEqual([...t.trainable].sort());
      let worst = { name: '', error: 0 };
      for (const p of t.trainable) {
        const error = scaledError(out[gradOutputName(p)]!.data, goldenValues(grads, p));
        if (!(error <= worst.error)) worst = { name: p, error };
      }
      const expectedLoss = golden.loss_at_init ?? goldenManifest.loss;
      const lossError = Math.abs(out.loss!.data[0]! - expectedLoss) / expectedLoss;
      console.info(`golden gradients ${name} (f64): worst scaled error ${worst.error.toExponential(2)} (${worst.name}), loss error ${lossError.toExponential(2)}`);
      expect(worst.error).toBeLessThan(1e-4);
      expect(lossError).toBeLessThan(1e-5);
    });
  }

  it('frozen parameters: freeze and bias feed every weight but train only their set', () => {
    const freeze = methodPlan(arch, METHODS.freeze);
    expect(freeze.frozen).toContain('embed_in.weight');
    expect(freeze.frozen.filter((n) => n.startsWith('layers.0.'))).toHaveLength(12);
    expect(freeze.trainable).toContain('final_layer_norm.weight');
    const bias = methodPlan(arch, METHODS.bias);
    expect(bias.trainable).toContain('layers.0.input_layernorm.bias');
    expect(bias.trainable.every((n) => n.endsWith('.bias'))).toBe(true);
  });
});

describe('structure of the gradient graph', () => {
  it('freeze: the frozen block and embed_in have no gradient nodes; the trainable block has them', () => {
    const t = buildTrainingGraph(arch, METHODS.freeze, shape, { dtype: 'f64' });
    const gradScopes = t.graph.nodes.filter((n) => isGradScope(n.scope)).map((n) => n.scope);
    expect(gradScopes.filter((s) => s.startsWith('layers.0.') || s.startsWith('embed_in'))).toEqual([]);
    expect(gradScopes.some((s) => s.startsWith('layers.1.attention.query_key_value'))).toBe(true);
  });

  it('full and bias reach block 0; only full differentiates embed_in', () => {
    const scopes = (m: FineTuningMethod) => buildTrainingGraph(arch, m, shape).graph.nodes.filter((n) => isGradScope(n.scope)).map((n) => n.scope);
    const full = scopes(METHODS.full);
    const bias = scopes(METHODS.bias);
    expect(full.some((s) => s.startsWith('embed_in'))).toBe(true);
    expect(bias.some((s) => s.startsWith('embed_in'))).toBe(false);
    expect(bias.some((s) => s.startsWith('layers.0.attention.query_key_value'))).toBe(true);
  });
});

describe('LoRA', () => {
  function embedAll(params: ParameterMap, method: FineTuningMethod, loraEmbedIn = false): HostTensor {
    const { input_ids, attention_mask } = goldenManifest.batch.positive;
    const { graph } = buildEmbeddingGraph(arch, { B: 4, T: 9 }, { method, dtype: 'f64', hiddenStates: true, loraEmbedIn });
    const out = backend.compileSync(graph).runSync({
      [EMBEDDING_INPUTS.ids]: ids2d(input_ids),
      [EMBEDDING_INPUTS.mask]: ids2d(attention_mask),
      ...parameterFeeds(graph, params),
    });
    return out.last_hidden_state!;
  }

  it('initialises as PEFT: A kaiming-uniform within ±1/√in, B zero; embed_in A zero, B nonzero', () => {
    const plan = methodPlan(arch, { kind: 'lora', rank: 4 });
    expect(plan.lora?.scale).toBe(2); // default alpha 8
    const init = initAdapters(plan, { seed: 3 });
    const a = init.get('layers.0.mlp.dense_4h_to_h.lora_A.weight')!;
    expect(a.shape).toEqual([4, 128]);
    const bound = 1 / Math.sqrt(128);
    expect(Math.max(...Array.from(a.data, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(a.data, Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(Array.from(init.get('layers.0.mlp.dense_4h_to_h.lora_B.weight')!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(init.get('embed_in.lora_embedding_A')!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(init.get('embed_in.lora_embedding_B')!.data).some((v) => v !== 0)).toBe(true);
  });

  it('at step 0 (B = 0) equals the base model exactly, with and without the embed_in adapter', () => {
    const base = embedAll(model.parameters, { kind: 'full' });
    for (const loraEmbedIn of [false, true]) {
      const plan = methodPlan(arch, LORA, { loraEmbedIn });
      const adapters = initAdapters(plan, { seed: 7, dtype: 'f64' });
      const lora = embedAll(new Map([...model.parameters, ...adapters]), LORA, loraEmbedIn);
      expect(maxAbsDiff(lora.data, base.data)).toBe(0);
    }
    // and the training loss equals the base loss exactly
    const plan = methodPlan(arch, LORA, { loraEmbedIn: false });
    const zeroB = new Map(loraInit);
    for (const l of plan.lora!.linears) zeroB.set(l.b, hostTensor('f64', loraInit.get(l.b)!.shape));
    const loraLoss = runForwardLoss(LORA, zeroB);
    expect(loraLoss).toBe(runForwardLoss({ kind: 'full' }, new Map()));
  });

  it('merged equals unmerged within 1e-6 (fixture adapters with nonzero B, embed_in adapter too)', () => {
    const plan = methodPlan(arch, LORA, { loraEmbedIn: true });
    const adapters = new Map([...loraInit, ...initAdapters({ adapters: plan.adapters.filter((a) => a.module === 'embed_in') }, { seed: 1, dtype: 'f64' })]);
    // a nonzero embedding A so the embed_in adapter changes something
    const eA = adapters.get('embed_in.lora_embedding_A')!;
    adapters.set('embed_in.lora_embedding_A', hostTensor('f64', eA.shape, Array.from(eA.data, (_, i) => Math.sin(i) * 0.1)));
    const unmerged = embedAll(new Map([...model.parameters, ...adapters]), LORA, true);
    const merged = mergeLora(new Map([...model.parameters, ...adapters]), plan.lora!);
    expect([...merged.keys()]).toEqual([...model.parameters.keys()]);
    const mergedOut = embedAll(merged, { kind: 'full' });
    const base = embedAll(model.parameters, { kind: 'full' });
    const diff = maxAbsDiff(mergedOut.data, unmerged.data);
    console.info(`LoRA merged vs unmerged max abs diff ${diff.toExponential(2)} (adapter effect ${maxAbsDiff(base.data, unmerged.data).toExponential(2)})`);
    expect(diff).toBeLessThan(1e-6);
    expect(maxAbsDiff(base.data, unmerged.data)).toBeGreaterThan(1e-2);
    const back = unmergeLora(merged, adapters, plan.lora!);
    for (const [name, t] of model.parameters) expect(maxAbsDiff(back.get(name)!.data, t.data), name).toBeLessThan(1e-12);
  });
});

function runForwardLoss(method: FineTuningMethod, adapters: ParameterMap): number {
  const t = buildLossGraph(arch, method, shape, { dtype: 'f64', loraEmbedIn: false });
  return backend.compileSync(t.graph).runSync({ ...goldenBatchFeeds(), ...parameterFeeds(t.graph, model.parameters, adapters) }).loss!.data[0]!;
}
