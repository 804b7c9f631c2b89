/**
 * fineTune on the reference backend with a tiny random GPT-NeoX and the text fixtures: an exact
 * resume through the encoded checkpoint, the guards (a NaN injected into a parameter feed makes the
 * loss NaN; a NaN written into an updated parameter stands for a non-finite gradient) with their
 * diagnosis and an intact last checkpoint, the checks made before any compute, the FLOP budget
 * sizing the schedule, and the ledger line `fitLaw`'s parser accepts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../catalog/architecture.js';
import type { Backend, Executable, Feed } from '../engine/backend.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { ValidationError } from '../errors.js';
import { parseLedger } from '../fit/ledger.js';
import { referenceBackend } from '../reference/index.js';
import { loadTokenizerDir, readPairFilePath } from '../text/files.js';
import { randomGptNeoXParameters } from '../train/random-parameters.js';
import { type FineTuneOptions, fineTune } from './fine-tune.js';
import { NonFiniteTrainingError } from './guards.js';
import { type FineTuneCheckpoint, decodeFineTuneCheckpoint, encodeFineTuneCheckpoint } from './run-checkpoint.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/text');
const architecture = architectureFromConfig({ num_hidden_layers: 1, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32, vocab_size: 1027, max_position_embeddings: 32 }, 'tiny-ft');
const parameters = randomGptNeoXParameters(architecture, { seed: 3 });

/** A backend that lets a test tamper with the n-th training step (1-based): its feeds or its outputs. */
function tampering(n: number, tamper: { feed?: string; output?: string }): Backend & { compiles: number } {
  const inner = referenceBackend();
  let steps = 0;
  const wrapper = {
    name: 'tampering',
    support: inner.support,
    compiles: 0,
    dispose: () => inner.dispose(),
    async compile(graph: Parameters<Backend['compile']>[0]): Promise<Executable> {
      wrapper.compiles++;
      const exe = await inner.compile(graph);
      const training = graph.outputs.some((o) => o.updates !== undefined);
      const run = async (feeds: Readonly<Record<string, Feed>>, options?: Parameters<Executable['run']>[1]) => {
        const poisoned = training && ++steps === n;
        const f = { ...feeds };
        if (poisoned && tamper.feed) f[tamper.feed] = nanLike(f[tamper.feed] as HostTensor);
        const out = (await exe.run(f, options ?? {})) as Record<string, HostTensor>;
        const name = tamper.output === undefined ? undefined : graph.outputs.find((o) => o.updates === tamper.output)?.name;
        if (poisoned && name) out[name] = nanLike(out[name]!);
        return out;
      };
      return { graph: exe.graph, run: run as Executable['run'], dispose: () => exe.dispose() };
    },
  };
  return wrapper;
}
const nanLike = (t: HostTensor) => hostTensor(t.dtype, t.shape, new Array(t.data.length).fill(Number.NaN));

describe('fineTune', async () => {
  const tokenizer = await loadTokenizerDir(join(FIXTURES, 'tiny-bpe'), { maxTokens: 12 });
  const pairs = (await readPairFilePath(join(FIXTURES, 'sotu-pairs.jsonl'))).pairs.slice(0, 96);
  const base = (overrides: Partial<FineTuneOptions> = {}): FineTuneOptions => ({
    backend: referenceBackend(),
    model: { architecture, parameters },
    tokenizer,
    pairs,
    plan: { kind: 'explicit', method: { kind: 'full' } },
    batchSize: 8,
    heldOut: 16,
    bootstrap: { replicates: 20 },
    ...overrides,
  });

  it('resumes from an encoded checkpoint to the same parameters as a run never stopped', async () => {
    const whole = await fineTune(base({ evaluate: false }));
    expect(whole.step).toBe(10);
    let saved: FineTuneCheckpoint | undefined;
    const first = await fineTune(base({ evaluate: false, maxSteps: 4, checkpointEvery: 2, onCheckpoint: (c) => void (saved = c) }));
    expect(first.reason).toBe('max-steps');
    expect(saved!.trainer.state.step).toBe(4);
    const resumed = await fineTune(base({ evaluate: false, plan: undefined, resume: decodeFineTuneCheckpoint(encodeFineTuneCheckpoint(saved!)) }));
    expect(resumed.step).toBe(10);
    expect(resumed.tokens).toBe(whole.tokens);
    for (const [name, t] of whole.checkpoint.trainer.parameters) expect(Array.from(resumed.checkpoint.trainer.parameters.get(name)!.data), name).toEqual(Array.from(t.data));
    for (const [name, t] of whole.checkpoint.trainer.moments) expect(Array.from(resumed.checkpoint.trainer.moments.get(name)!.data), name).toEqual(Array.from(t.data));
  });

  it('stops on a NaN loss with the step, the tensor, the last finite loss, and the last checkpoint intact', async () => {
    const written: Uint8Array[] = [];
    const backend = tampering(6, { feed: 'layers.0.mlp.dense_4h_to_h.weight' });
    const losses: number[] = [];
    const error = await fineTune(base({ backend, evaluate: false, checkpointEvery: 4, onCheckpoint: (c) => void written.push(encodeFineTuneCheckpoint(c)) }), (e) => {
      if (e.kind === 'step' && e.loss !== undefined) losses.push(e.loss);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteTrainingError);
    const d = (error as NonFiniteTrainingError).diagnosis;
    expect(d).toMatchObject({ step: 6, tensor: 'loss', lastFiniteStep: 5, lastCheckpointStep: 4 });
    expect(d.lastFiniteLoss).toBe(losses[4]);
    expect(Number.isNaN(d.value)).toBe(true);
    expect((error as Error).message).toMatch(/step 6: the loss is NaN; the last finite loss was .* at step 5; the last good checkpoint \(step 4\) is intact/);
    expect(written).toHaveLength(1);
    const last = decodeFineTuneCheckpoint(written[0]!);
    expect(last.trainer.state.step).toBe(4);
    for (const t of last.trainer.parameters.values()) expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
  });

  it('names the tensor a non-finite update poisoned, and writes no checkpoint of it', async () => {
    const written: number[] = [];
    const backend = tampering(4, { output: 'final_layer_norm.bias' });
    const error = await fineTune(base({ backend, evaluate: false, checkpointEvery: 2, onCheckpoint: (c) => void written.push(c.trainer.state.step) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteTrainingError);
    expect((error as NonFiniteTrainingError).diagnosis).toMatchObject({ step: 4, tensor: 'final_layer_norm.bias', lastCheckpointStep: 2 });
    expect(written).toEqual([2]);
  });

  it('refuses a file too small for one batch, or too few held-out pairs, before any compute', async () => {
    const backend = tampering(0, {});
    await expect(fineTune(base({ backend, pairs: pairs.slice(0, 20), batchSize: 16, heldOut: 8 }))).rejects.toThrow(/expected at least B = 16 pairs for one batch/);
    await expect(fineTune(base({ backend, heldOut: 1 }))).rejects.toThrow(/at least 2 held-out pairs/);
    await expect(fineTune(base({ backend, plan: undefined }))).rejects.toThrow(ValidationError);
    expect(backend.compiles).toBe(0);
  });

  it('sizes the schedule to the steps a FLOP budget pays for, and never spends past it', async () => {
    const all = await fineTune(base({ evaluate: false, maxSteps: 0, plan: { kind: 'explicit', method: { kind: 'bias' } } }));
    expect(all.totalSteps).toBe(10);
    const warnings: string[] = [];
    const budget = 1.2e7;
    const result = await fineTune(base({ evaluate: false, plan: { kind: 'explicit', method: { kind: 'bias' }, flopBudget: budget } }), (e) => void (e.kind === 'warning' && warnings.push(e.message)));
    expect(result.totalSteps).toBeGreaterThan(0);
    expect(result.totalSteps).toBeLessThan(10);
    expect(result.step).toBe(result.totalSteps);
    expect(result.reason).toBe('steps');
    expect(result.flops.spent).toBeLessThanOrEqual(budget);
    // One more step would not have fitted: the budget, not the data, ended the schedule.
    expect(result.flops.spent + (1.5 * result.flops.spent) / result.step).toBeGreaterThan(budget);
    expect(result.flops.executed).toBeGreaterThan(result.flops.spent);
    expect(warnings.some((w) => w.includes(`pays for ${result.totalSteps} of the 10 steps`))).toBe(true);
  });

  it('warns when the plan asks for more pairs than the file holds, and refuses a recipe for another model', async () => {
    const warnings: string[] = [];
    const result = await fineTune(base({ evaluate: false, maxSteps: 1, plan: { kind: 'explicit', method: { kind: 'full' }, pairs: 5000 } }), (e) => void (e.kind === 'warning' && warnings.push(e.message)));
    expect(result.totalSteps).toBe(10);
    expect(warnings[0]).toMatch(/5000 pairs requested, but the file's 80 pairs give 80 .* training 80/);
    const recipe = { model: { ...architecture, name: 'other', hiddenSize: 32 }, method: { kind: 'full' }, pairs: 80, batchSize: 8, accounting: 'paper', budget: { flop: 1e12 } } as const;
    await expect(fineTune(base({ plan: { kind: 'recipe', recipe } }))).rejects.toThrow(/recipe\.model: expected the model being trained, tiny-ft \(.*hiddenSize 16.*\); the recipe's has .*hiddenSize 32/);
  });

  it('evaluates before and after, and its ledger line parses as fitLaw reads it', async () => {
    const result = await fineTune(base({ maxSteps: 3, hardware: 'test cpu' }));
    expect(result.before!.retrieval!.queries).toBe(16);
    expect(result.after!.heldOutLoss!.batchSize).toBe(8);
    const [observation] = parseLedger(JSON.stringify(result.ledger));
    expect(observation!.loss).toBe(result.after!.heldOutLoss!.loss);
    expect(observation!.lossKind).toBe('held-out');
    expect(observation!.tokens).toBe(result.tokens);
    expect(observation!.pairs).toBe(24);
    expect(observation!.hardware).toEqual({ gpu: 'test cpu' });
    expect(result.after!.retrieval).toBeDefined();
  });
});
