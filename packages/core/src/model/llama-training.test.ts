/**
 * The Llama family's training graph against transformers and peft themselves (fixtures from
 * tools/golden/make_llama_golden.py: LlamaModel, Qwen2Model, Qwen3Model with GQA, tied and untied
 * embeddings, random f64 weights): the batches (last-token pooling appends EOS), mean- and last-token
 * pooled embeddings, the symmetric InfoNCE loss, and every trainable gradient of full, freeze (k = 1),
 * bias-only (Qwen2's q/k/v biases) and LoRA (peft on the seven projections and embed_tokens, nonzero A
 * and B; mean and last-token pooling) — f64 within 1e-10 of each tensor's scale, f32 within 1e-5.
 * Also: bias-only is refused where the family has no biases, LoRA with B = 0 equals the base model,
 * and merged LoRA equals unmerged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLlamaConfig } from '../catalog/llama-architecture.js';
import { gradOutputName } from '../engine/grad.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import type { FineTuningMethod } from '../methods/method.js';
import { referenceBackend } from '../reference/backend.js';
import { padBatch } from '../train/batch.js';
import { EMBEDDING_INPUTS, buildEmbeddingGraph } from './embedding-graph.js';
import { ids2d, maxAbsDiff, scaledError } from './golden.test-helper.js';
import { initAdapters, mergeLora } from './lora.js';
import { methodPlan } from './method-plan.js';
import { parameterFeeds } from './parameter-map.js';
import { type Pooling } from './pooling.js';
import { TRAINING_INPUTS, buildLossGraph, buildTrainingGraph } from './training-graph.js';

type Tensors = Record<string, { shape: number[]; data: number[] }>;
type Batch = Record<'query' | 'positive', { input_ids: number[][]; attention_mask: number[][] }>;
interface MethodEntry {
  method: FineTuningMethod;
  pooling?: Pooling;
  loss: number;
  trainable: string[];
  grads?: Record<string, number[]>;
  grads_from?: string;
  adapters?: Tensors;
}
interface Fixture {
  config: Record<string, unknown>;
  parameters: Tensors;
  training: {
    inverse_temperature: number;
    eos_id: number;
    queries: number[][];
    positives: number[][];
    batches: Record<Pooling, Batch>;
    pooled: Record<Pooling, Record<'query' | 'positive', number[]>>;
    loss: Record<Pooling, number>;
    methods: Record<string, MethodEntry>;
  };
}

const NAMES = ['llama-gqa-untied', 'qwen2-gqa-tied', 'qwen3-gqa-headdim'] as const;
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/llama/${name}.json`, import.meta.url), 'utf8')) as Fixture;
const backend = referenceBackend();
const TOLERANCE = { f64: 1e-10, f32: 1e-5 } as const;

function tensors(t: Tensors, dtype: 'f32' | 'f64'): Map<string, HostTensor> {
  return new Map(Object.entries(t).map(([n, v]) => [n, hostTensor(dtype, v.shape, v.data)]));
}

function batchFeeds(batch: Batch): Record<string, HostTensor> {
  return {
    [TRAINING_INPUTS.queryIds]: ids2d(batch.query.input_ids),
    [TRAINING_INPUTS.queryMask]: ids2d(batch.query.attention_mask),
    [TRAINING_INPUTS.positiveIds]: ids2d(batch.positive.input_ids),
    [TRAINING_INPUTS.positiveMask]: ids2d(batch.positive.attention_mask),
  };
}

const shapeOf = (batch: Batch) => ({ B: batch.query.input_ids.length, Tq: batch.query.input_ids[0]!.length, Tp: batch.positive.input_ids[0]!.length });

for (const name of NAMES) {
  const f = load(name);
  const { architecture: arch } = readLlamaConfig(f.config, name);
  const tr = f.training;

  describe(`${name}: training graph vs transformers + peft`, () => {
    it('batches: right padding, and EOS appended to every text for last-token pooling', () => {
      const pairs = tr.queries.map((query, i) => ({ query, positive: tr.positives[i]! }));
      for (const pooling of ['mean', 'last'] as const) {
        const want = tr.batches[pooling];
        const got = padBatch(pairs, shapeOf(want), { padId: 0, ...(pooling === 'last' ? { eosId: tr.eos_id } : {}) }).feeds;
        for (const [input, t] of Object.entries(batchFeeds(want))) expect(Array.from(got[input]!.data), `${pooling} ${input}`).toEqual(Array.from(t.data));
      }
    });

    it('pooled embeddings (mean and last-token) and the InfoNCE loss, f64', () => {
      const params = tensors(f.parameters, 'f64');
      for (const pooling of ['mean', 'last'] as const) {
        const batch = tr.batches[pooling];
        for (const role of ['query', 'positive'] as const) {
          const rows = batch[role];
          const { graph } = buildEmbeddingGraph(arch, { B: rows.input_ids.length, T: rows.input_ids[0]!.length }, { dtype: 'f64', pooling });
          const out = backend.compileSync(graph).runSync({ [EMBEDDING_INPUTS.ids]: ids2d(rows.input_ids), [EMBEDDING_INPUTS.mask]: ids2d(rows.attention_mask), ...parameterFeeds(graph, params) });
          expect(scaledError(out.embedding!.data, tr.pooled[pooling][role]), `${pooling} ${role}`).toBeLessThan(TOLERANCE.f64);
        }
        const t = buildLossGraph(arch, { kind: 'full' }, shapeOf(batch), { dtype: 'f64', pooling, inverseTemperature: tr.inverse_temperature });
        const loss = backend.compileSync(t.graph).runSync({ ...batchFeeds(batch), ...parameterFeeds(t.graph, params) }).loss!.data[0]!;
        expect(Math.abs(loss - tr.loss[pooling]) / tr.loss[pooling], `${pooling} loss`).toBeLessThan(TOLERANCE.f64);
      }
    });

    for (const [key, entry] of Object.entries(tr.methods)) {
      for (const dtype of ['f64', 'f32'] as const) {
        it(`${key}: the trainable set, the loss and every gradient (${dtype}, within ${TOLERANCE[dtype]})`, () => {
          const pooling = entry.pooling ?? 'mean';
          const batch = tr.batches[pooling];
          const t = buildTrainingGraph(arch, entry.method, shapeOf(batch), { dtype, pooling, inverseTemperature: tr.inverse_temperature, loraEmbedIn: true });
          expect([...t.trainable].sort()).toEqual([...entry.trainable].sort());
          const adapters = tensors(entry.adapters ?? tr.methods.lora!.adapters ?? {}, dtype);
          const out = backend.compileSync(t.graph).runSync({ ...batchFeeds(batch), ...parameterFeeds(t.graph, tensors(f.parameters, dtype), entry.method.kind === 'lora' ? adapters : new Map()) });
          const grads = entry.grads ?? tr.methods[entry.grads_from!]!.grads!;
          let worst = { name: '', error: 0 };
          for (const p of t.trainable) {
            const error = scaledError(out[gradOutputName(p)]!.data, grads[p]!);
            if (!(error <= worst.error)) worst = { name: p, error };
          }
          const lossError = Math.abs(out.loss!.data[0]! - entry.loss) / entry.loss;
          console.info(`${name} ${key} (${dtype}): worst gradient error ${worst.error.toExponential(2)} (${worst.name}), loss error ${lossError.toExponential(2)}`);
          expect(worst.error).toBeLessThan(TOLERANCE[dtype]);
          expect(lossError).toBeLessThan(TOLERANCE[dtype]);
        });
      }
    }

    it('freeze trains the last block and the final norm; embed_tokens and the earlier blocks stay frozen', () => {
      const plan = methodPlan(arch, { kind: 'freeze', trainableBlocks: 1 });
      expect(plan.frozen).toContain('embed_tokens.weight');
      expect(plan.trainable).toContain('norm.weight');
      expect(plan.trainable.every((n) => n === 'norm.weight' || n.startsWith(`layers.${arch.numLayers - 1}.`))).toBe(true);
    });

    it('LoRA: adapters on the seven PEFT targets of every block and on embed_tokens, named as PEFT names them', () => {
      const plan = methodPlan(arch, { kind: 'lora', rank: 2 });
      expect(plan.lora!.linears.map((l) => l.module.replace(/^layers\.\d+\./, '')).slice(0, 7)).toEqual([
        'self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj',
      ]);
      expect(plan.lora!.linears).toHaveLength(7 * arch.numLayers);
      expect(plan.adapters.map((a) => a.name)).toEqual(expect.arrayContaining(['embed_tokens.lora_embedding_A', 'embed_tokens.lora_embedding_B', 'layers.0.self_attn.q_proj.lora_A.weight']));
      expect(Object.keys(tr.methods.lora!.adapters!).sort()).toEqual(plan.adapters.map((a) => a.name).sort());
    });

    it('LoRA with B = 0 equals the base model exactly; merged equals unmerged', () => {
      const lora: FineTuningMethod = { kind: 'lora', rank: 2, alpha: 8 };
      const plan = methodPlan(arch, lora);
      const base = tensors(f.parameters, 'f64');
      const batch = tr.batches.mean.positive;
      const embed = (params: Map<string, HostTensor>, method: FineTuningMethod) => {
        const { graph } = buildEmbeddingGraph(arch, { B: batch.input_ids.length, T: batch.input_ids[0]!.length }, { dtype: 'f64', method });
        return backend.compileSync(graph).runSync({ [EMBEDDING_INPUTS.ids]: ids2d(batch.input_ids), [EMBEDDING_INPUTS.mask]: ids2d(batch.attention_mask), ...parameterFeeds(graph, params) }).embedding!;
      };
      const plain = embed(base, { kind: 'full' });
      expect(maxAbsDiff(embed(new Map([...base, ...initAdapters(plan, { seed: 5, dtype: 'f64' })]), lora).data, plain.data)).toBe(0);
      const trained = new Map([...base, ...tensors(tr.methods.lora!.adapters!, 'f64')]);
      const unmerged = embed(trained, lora);
      const merged = embed(mergeLora(trained, plan.lora!), { kind: 'full' });
      expect(maxAbsDiff(unmerged.data, plain.data)).toBeGreaterThan(1e-3);
      expect(scaledError(merged.data, unmerged.data)).toBeLessThan(1e-12);
    });
  });
}

describe('bias-only where the family has no biases', () => {
  it('is refused for Llama and Qwen3 with a message saying why', () => {
    for (const name of ['llama-gqa-untied', 'qwen3-gqa-headdim']) {
      const { architecture } = readLlamaConfig(load(name).config, name);
      expect(() => methodPlan(architecture, { kind: 'bias' })).toThrow(new RegExp(`method\\.kind: expected a method other than bias-only: ${name} has no bias parameters`));
    }
  });
});
