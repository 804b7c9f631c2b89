/**
 * The training loop over any Backend. Per step: read B pairs at the data position, pad them to the
 * run's fixed shape, and run ONE executable — GPT-NeoX ∘ method ∘ mean pool ∘ symmetric InfoNCE, its
 * gradient, and the AdamW update appended as graph nodes — which returns the loss and the new
 * trainable tensors and moments. The graph is compiled once per batch shape (once per run, plus once
 * for a final partial batch). Before each step the FLOP meter (the paper's accounting, real tokens)
 * checks the step fits the budget; a step that would exceed it is not run.
 *
 * Progress is reported as events (`trainEvents` is an async generator; `train` takes a callback).
 * Checkpoints (`onCheckpoint`, see checkpoint.ts) carry the trainable tensors, both moments, the step
 * and the data position; since pairs are read by position and the loop draws nothing random, a run
 * resumed from one is bitwise identical to one never stopped (on a deterministic backend).
 *
 * One pass over the data in order, B pairs a step (PAPER.md). Not a data loader, not a tokenizer,
 * not an evaluator.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { RepurposeError, ValidationError } from '../errors.js';
import type { Backend, Executable, Feed } from '../engine/backend.js';
import type { FloatDType } from '../engine/dtype.js';
import type { HostTensor } from '../engine/host-tensor.js';
import type { FlopAccounting } from '../flops/training-flops.js';
import { checkMethod, type FineTuningMethod } from '../methods/method.js';
import { initAdapters } from '../model/lora.js';
import { castParameters, type ParameterMap } from '../model/parameter-map.js';
import type { Pooling } from '../model/pooling.js';
import { buildTrainingGraph, LOSS_OUTPUT, type TrainingBatchShape } from '../model/training-graph.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { type AdamWOptions, adamwScalarFeeds, appendAdamW, momentName, resolveAdamWOptions, zeroMoments } from './adamw.js';
import { padBatch } from './batch.js';
import type { TrainerCheckpoint, TrainerState } from './checkpoint.js';
import { createFlopMeter } from './flop-meter.js';
import { DEFAULT_WARMUP_FRACTION, learningRate } from './learning-rate.js';
import type { PairSource } from './pairs.js';

export interface TrainerOptions {
  readonly backend: Backend;
  readonly architecture: ModelArchitecture;
  readonly method: FineTuningMethod;
  /** The base checkpoint: every GPT-NeoX parameter (HF names). Frozen ones are fed as they are. */
  readonly parameters: ParameterMap;
  /** LoRA starting values; default `initAdapters(plan, { seed })`. Ignored when resuming. */
  readonly adapters?: ParameterMap;
  readonly data: PairSource;
  /** B pairs a step; queries padded/truncated to Tq tokens, positives to Tp. */
  readonly batch: TrainingBatchShape;
  /** S: the schedule's length (pairs / B in a recipe). The run stops after S steps at the latest. */
  readonly steps: number;
  readonly peakLearningRate: number;
  /** Default 0.1. */
  readonly warmupFraction?: number;
  readonly optimizer?: AdamWOptions;
  /** Stop before a step that would take the FLOP spent past this. Default: no budget. */
  readonly flopBudget?: number;
  /** Accounting of the FLOP meter. Default `paper`. */
  readonly accounting?: FlopAccounting;
  /** Float dtype of parameters, activations and optimiser state. Default f32. */
  readonly dtype?: FloatDType;
  /** Default 0 (Pythia's EOS, which the paper pads with). */
  readonly padId?: number;
  /** Seeds the LoRA initialisation. Default 0. */
  readonly seed?: number;
  readonly loraEmbedIn?: boolean;
  readonly pooling?: Pooling;
  readonly inverseTemperature?: number;
  /** A final batch of fewer than B pairs: run it at its own shape (default, as `pairsToSteps` counts) or drop it. */
  readonly partialBatch?: 'run' | 'drop';
  /** Take at most this many steps in this call (the run can be resumed later). */
  readonly maxSteps?: number;
  /** Continue a run from a checkpoint; every setting in its state must match these options. */
  readonly resume?: TrainerCheckpoint;
  /** Call `onCheckpoint` every this many steps (and when the run stops). */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: TrainerCheckpoint) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

export type StopReason = 'steps' | 'budget' | 'data' | 'max-steps' | 'aborted';

export type TrainerEvent =
  | {
      readonly kind: 'start';
      readonly step: number;
      readonly totalSteps: number;
      readonly flopPerToken: number;
      readonly flopBudget: number;
      readonly trainable: number;
      readonly resumed: boolean;
    }
  | { readonly kind: 'compile'; readonly shape: TrainingBatchShape; readonly seconds: number }
  | {
      readonly kind: 'step';
      /** Steps taken, this one included. */
      readonly step: number;
      readonly totalSteps: number;
      /** The batch's loss before this step's update. */
      readonly loss: number;
      readonly learningRate: number;
      /** Totals so far. */
      readonly pairs: number;
      readonly tokens: number;
      readonly flopUsed: number;
      readonly flopBudget: number;
      readonly seconds: number;
      readonly tokensPerSecond: number;
      readonly flopPerSecond: number;
    }
  | { readonly kind: 'checkpoint'; readonly step: number }
  | { readonly kind: 'end'; readonly reason: StopReason; readonly step: number; readonly tokens: number; readonly flopUsed: number; readonly seconds: number };

export interface TrainResult {
  readonly reason: StopReason;
  readonly state: TrainerState;
  /** Loss of the last step taken (NaN if none was). */
  readonly lastLoss: number;
  /** Every parameter the model graph takes: the base checkpoint with the trained tensors in place (and LoRA adapters). */
  readonly parameters: Map<string, HostTensor>;
  /** The run's state as a checkpoint (what `onCheckpoint` receives). */
  readonly checkpoint: TrainerCheckpoint;
}

/** The loss came out non-finite: training cannot continue meaningfully. */
export class TrainingDivergedError extends RepurposeError {
  override name = 'TrainingDivergedError';
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    super(`training diverged at step ${step}: the loss is ${loss} (lower the learning rate, or train in f64 to check)`);
  }
}

const OptionsSchema = z.object({
  batch: z.object({ B: integerAtLeast(1, '(pairs per batch)'), Tq: integerAtLeast(1, '(query tokens)'), Tp: integerAtLeast(1, '(positive tokens)') }).strict(),
  steps: integerAtLeast(1, '(schedule steps)'),
  peakLearningRate: positiveNumber('(peak learning rate)'),
  warmupFraction: z.number(expect('a number in [0, 1]')).min(0).max(1).default(DEFAULT_WARMUP_FRACTION),
  flopBudget: positiveNumber('of FLOP').optional(),
  accounting: z.enum(['paper', 'detailed'], expect('"paper" or "detailed"')).default('paper'),
  dtype: z.enum(['f32', 'f64'], expect('"f32" or "f64"')).default('f32'),
  padId: integerAtLeast(0, '(pad id)').default(0),
  seed: z.number(expect('an integer')).int().default(0),
  loraEmbedIn: z.boolean(expect('a boolean')).default(true),
  partialBatch: z.enum(['run', 'drop'], expect('"run" or "drop"')).default('run'),
  maxSteps: integerAtLeast(0, '(steps)').optional(),
  checkpointEvery: integerAtLeast(1, '(steps)').optional(),
});

/** Runs the loop, passing every event to `onEvent`; resolves when it stops. */
export async function train(options: TrainerOptions, onEvent?: (event: TrainerEvent) => void): Promise<TrainResult> {
  const events = trainEvents(options);
  for (;;) {
    const next = await events.next();
    if (next.done) return next.value;
    onEvent?.(next.value);
  }
}

/** The loop as an async generator of events; its return value is the result. */
export async function* trainEvents(options: TrainerOptions): AsyncGenerator<TrainerEvent, TrainResult> {
  const o = validate(OptionsSchema, pickValidated(options), 'options');
  const arch = options.architecture;
  const method = checkMethod(options.method, arch, 'options.method');
  const adam = resolveAdamWOptions(options.optimizer, 'options.optimizer');
  const { backend, data } = options;
  const dtype: FloatDType = o.dtype;
  const graphOptions = { dtype, loraEmbedIn: o.loraEmbedIn, pooling: options.pooling, inverseTemperature: options.inverseTemperature };

  // The plan (names) comes from the full-shape graph; every shape shares it.
  const full = buildTrainingGraph(arch, method, o.batch, graphOptions);
  const trainable = [...full.trainable];
  const base = castParameters(options.parameters, dtype);
  const resume = options.resume;
  if (resume) checkResumable(resume, { ...o, method, adam, trainable });

  // Mutable run state: the trainable tensors and moments are replaced by each step's outputs.
  const current = new Map<string, HostTensor>();
  const moments = new Map<string, HostTensor>();
  if (resume) {
    for (const [n, t] of resume.parameters) current.set(n, t);
    for (const [n, t] of resume.moments) moments.set(n, t);
  } else {
    const adapters = options.adapters ? castParameters(options.adapters, dtype) : initAdapters(full.plan, { seed: o.seed, dtype });
    for (const name of trainable) {
      const t = base.get(name) ?? adapters.get(name);
      if (!t) throw new ValidationError(`options.parameters`, `no tensor ${name}`, `every trainable parameter (${method.kind})`);
      current.set(name, t);
    }
    for (const [n, t] of zeroMoments(current, trainable)) moments.set(n, t);
  }
  let step = resume?.state.step ?? 0;
  let dataPosition = resume?.state.dataPosition ?? 0;
  let tokens = resume?.state.tokens ?? 0;
  // `detailed` accounting's attention term needs one T; queries run at Tq and positives at Tp, so the
  // meter takes their mean (the `paper` default has no such term).
  const sequenceLength = Math.round((o.batch.Tq + o.batch.Tp) / 2);
  const meter = createFlopMeter(arch, method, { accounting: o.accounting, sequenceLength, used: resume?.state.flopUsed ?? 0, budget: o.flopBudget });

  const stateNow = (): TrainerState => ({
    step,
    dataPosition,
    tokens,
    flopUsed: meter.used,
    accounting: o.accounting,
    totalSteps: o.steps,
    peakLearningRate: o.peakLearningRate,
    warmupFraction: o.warmupFraction,
    optimizer: { ...adam },
    method,
    loraEmbedIn: o.loraEmbedIn,
    batch: { ...o.batch },
    dtype,
    seed: o.seed,
    trainable,
  });
  const checkpointNow = (): TrainerCheckpoint => ({ state: stateNow(), parameters: new Map(current), moments: new Map(moments) });

  // Frozen tensors never change: upload them once where the backend keeps tensors resident.
  const frozenFeeds = new Map<string, Feed>();
  const frozenNames = [...full.plan.parameters.map((p) => p.name), ...full.plan.adapters.map((a) => a.name)].filter((n) => !current.has(n));
  for (const name of frozenNames) {
    const t = base.get(name);
    if (!t) throw new ValidationError('options.parameters', `no tensor ${name}`, 'every parameter of the model layout');
    frozenFeeds.set(name, backend.support.resident && backend.upload ? await backend.upload(t) : t);
  }

  const executables = new Map<string, Executable>();
  const executableFor = async function* (shape: TrainingBatchShape): AsyncGenerator<TrainerEvent, Executable> {
    const key = `${shape.B}x${shape.Tq}x${shape.Tp}`;
    const cached = executables.get(key);
    if (cached) return cached;
    const started = now();
    const graph = shape.B === o.batch.B ? full.graph : buildTrainingGraph(arch, method, shape, graphOptions).graph;
    const exe = await backend.compile(appendAdamW(graph, trainable, adam));
    executables.set(key, exe);
    yield { kind: 'compile', shape, seconds: (now() - started) / 1000 };
    return exe;
  };

  yield { kind: 'start', step, totalSteps: o.steps, flopPerToken: meter.perToken, flopBudget: meter.budget, trainable: countValues(current), resumed: resume !== undefined };
  const runStarted = now();
  let stepsThisCall = 0;
  let lastLoss = Number.NaN;
  let reason: StopReason;
  try {
    for (;;) {
      if (step >= o.steps) {
        reason = 'steps';
        break;
      }
      if (o.maxSteps !== undefined && stepsThisCall >= o.maxSteps) {
        reason = 'max-steps';
        break;
      }
      if (options.signal?.aborted) {
        reason = 'aborted';
        break;
      }
      const pairs = await data.read(dataPosition, o.batch.B);
      if (pairs.length === 0 || (pairs.length < o.batch.B && o.partialBatch === 'drop')) {
        reason = 'data';
        break;
      }
      const shape = { ...o.batch, B: pairs.length };
      const batch = padBatch(pairs, shape, { padId: o.padId, vocabSize: arch.vocabSize });
      if (!meter.fits(batch.tokens)) {
        reason = 'budget';
        break;
      }
      const exe = yield* executableFor(shape);
      const lr = learningRate(step, o.steps, { peak: o.peakLearningRate, warmupFraction: o.warmupFraction });
      const feeds: Record<string, Feed> = { ...batch.feeds, ...adamwScalarFeeds(step, lr, dtype, adam) };
      for (const [n, t] of frozenFeeds) feeds[n] = t;
      for (const [n, t] of current) feeds[n] = t;
      for (const [n, t] of moments) feeds[n] = t;
      const started = now();
      const out = await exe.run(feeds);
      const seconds = (now() - started) / 1000;
      const loss = out[LOSS_OUTPUT]!.data[0]!;
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(step, loss);
      for (const name of trainable) {
        current.set(name, out[name]!);
        moments.set(momentName('m', name), out[momentName('m', name)]!);
        moments.set(momentName('v', name), out[momentName('v', name)]!);
      }
      step += 1;
      stepsThisCall += 1;
      dataPosition += pairs.length;
      tokens += batch.tokens;
      meter.add(batch.tokens);
      lastLoss = loss;
      yield {
        kind: 'step',
        step,
        totalSteps: o.steps,
        loss,
        learningRate: lr,
        pairs: dataPosition,
        tokens,
        flopUsed: meter.used,
        flopBudget: meter.budget,
        seconds,
        tokensPerSecond: batch.tokens / seconds,
        flopPerSecond: meter.cost(batch.tokens) / seconds,
      };
      if (o.checkpointEvery !== undefined && options.onCheckpoint && step % o.checkpointEvery === 0) {
        await options.onCheckpoint(checkpointNow());
        yield { kind: 'checkpoint', step };
      }
    }
  } finally {
    for (const exe of executables.values()) exe.dispose();
  }
  // The final state, unless the last step's checkpoint already is it.
  if (options.onCheckpoint && stepsThisCall > 0 && !(o.checkpointEvery !== undefined && step % o.checkpointEvery === 0)) {
    await options.onCheckpoint(checkpointNow());
    yield { kind: 'checkpoint', step };
  }
  yield { kind: 'end', reason, step, tokens, flopUsed: meter.used, seconds: (now() - runStarted) / 1000 };
  const parameters = new Map<string, HostTensor>(base);
  for (const [n, t] of current) parameters.set(n, t);
  return { reason, state: stateNow(), lastLoss, parameters, checkpoint: checkpointNow() };
}

/** The options zod checks (the rest are objects: backend, data, parameters, callbacks). */
function pickValidated(options: TrainerOptions) {
  const { batch, steps, peakLearningRate, warmupFraction, flopBudget, accounting, dtype, padId, seed, loraEmbedIn, partialBatch, maxSteps, checkpointEvery } = options;
  const picked = { batch, steps, peakLearningRate, warmupFraction, flopBudget, accounting, dtype, padId, seed, loraEmbedIn, partialBatch, maxSteps, checkpointEvery };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}

/** A resumed run must repeat every setting that shapes the trajectory; each mismatch names its field. */
function checkResumable(
  resume: TrainerCheckpoint,
  run: { steps: number; peakLearningRate: number; warmupFraction: number; accounting: string; dtype: string; seed: number; loraEmbedIn: boolean; batch: TrainingBatchShape; method: FineTuningMethod; adam: object; trainable: readonly string[] },
): void {
  const s = resume.state;
  const same = (field: string, saved: unknown, now: unknown) => {
    if (JSON.stringify(saved) !== JSON.stringify(now)) throw new ValidationError(`options.${field}`, now, `${JSON.stringify(saved)} as in the checkpoint being resumed`);
  };
  same('steps', s.totalSteps, run.steps);
  same('peakLearningRate', s.peakLearningRate, run.peakLearningRate);
  same('warmupFraction', s.warmupFraction, run.warmupFraction);
  same('accounting', s.accounting, run.accounting);
  same('dtype', s.dtype, run.dtype);
  same('loraEmbedIn', s.loraEmbedIn, run.loraEmbedIn);
  same('batch', s.batch, run.batch);
  same('method', s.method, run.method);
  same('optimizer', s.optimizer, run.adam);
  same('trainable', s.trainable, run.trainable);
}

function countValues(tensors: ReadonlyMap<string, HostTensor>): number {
  let n = 0;
  for (const t of tensors.values()) n += t.data.length;
  return n;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
