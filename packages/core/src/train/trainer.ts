/**
 * The training loop over any Backend. Per step: read B pairs at the data position, pad them to the
 * run's fixed shape, and run ONE executable — model ∘ method ∘ pooling ∘ symmetric InfoNCE, its
 * gradient, and the AdamW update appended as graph nodes. The update's outputs declare the inputs
 * they replace (`GraphOutput.updates`); the loop swaps them in by those links. On a backend that keeps
 * tensors resident the parameters and moments never leave the device: a step sends the batch and
 * three scalars in and brings the loss out (every `lossEvery` steps), and tensors are downloaded only
 * for a checkpoint or the result (device-tensors.ts holds them and frees everything in `finally`).
 * The graph is compiled once per batch shape. Before each step the FLOP meter (the paper's
 * accounting, real tokens) checks the step fits the budget; a step that would exceed it is not run.
 *
 * Progress is reported as events (`trainEvents` is an async generator; `train` takes a callback).
 * Checkpoints (`onCheckpoint`, see checkpoint.ts) carry the trainable tensors, both moments, every
 * setting (settings.ts) and the epoch and data position; since pairs are read by position and the
 * loop draws nothing random, a run resumed from one is bitwise identical to one never stopped (on a
 * deterministic backend).
 *
 * One pass over the data in order, B pairs a step (the paper's setup), unless `epochs` asks for more. Not a
 * data loader, not a tokenizer, not an evaluator.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { RepurposeError, ValidationError } from '../errors.js';
import type { Executable, Feed } from '../engine/backend.js';
import { outputUpdates } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { checkMethod } from '../methods/method.js';
import { initAdapters } from '../model/lora.js';
import { appendsEos } from '../model/pooling.js';
import { castParameters } from '../model/parameter-map.js';
import { buildTrainingGraph, LOSS_OUTPUT, type TrainingBatchShape } from '../model/training-graph.js';
import { adamwScalarFeeds, appendAdamW, momentName, resolveAdamWOptions, zeroMoments } from './adamw.js';
import { padBatch } from './batch.js';
import type { TrainerCheckpoint, TrainerState } from './checkpoint.js';
import { deviceTensors } from './device-tensors.js';
import { createFlopMeter } from './flop-meter.js';
import { learningRate } from './learning-rate.js';
import { checkResumeSettings, settingsOf } from './settings.js';
import { type TrainerOptions, resolveTrainerOptions } from './trainer-options.js';

export type { TrainerOptions } from './trainer-options.js';

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
      /** Whether parameters and moments stay on the backend's device between steps. */
      readonly resident: boolean;
    }
  | { readonly kind: 'compile'; readonly shape: TrainingBatchShape; readonly seconds: number }
  | {
      readonly kind: 'step';
      /** Steps taken, this one included. */
      readonly step: number;
      readonly totalSteps: number;
      /** The batch's loss before this step's update; undefined on steps `lossEvery` skips. */
      readonly loss: number | undefined;
      readonly learningRate: number;
      readonly epoch: number;
      /** Totals so far (all epochs). */
      readonly pairs: number;
      readonly tokens: number;
      readonly flopUsed: number;
      readonly flopBudget: number;
      readonly seconds: number;
      readonly tokensPerSecond: number;
      readonly flopPerSecond: number;
    }
  | { readonly kind: 'epoch'; readonly epoch: number; readonly step: number }
  | { readonly kind: 'warning'; readonly code: 'data-exhausted'; readonly message: string }
  | { readonly kind: 'checkpoint'; readonly step: number }
  | { readonly kind: 'end'; readonly reason: StopReason; readonly step: number; readonly tokens: number; readonly flopUsed: number; readonly seconds: number };

export interface TrainResult {
  readonly reason: StopReason;
  readonly state: TrainerState;
  /** Loss of the last step whose loss was read (NaN if none was). */
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
  const o = resolveTrainerOptions(options);
  const s = o.settings;
  const arch: ModelArchitecture = options.architecture;
  const method = checkMethod(s.method, arch, 'options.method');
  resolveAdamWOptions(s.optimizer, 'options.optimizer');
  const { backend, data } = options;
  const dtype = s.dtype;
  if (o.resident === true && !backend.support.resident) {
    throw new ValidationError('options.resident', true, `false or unset: backend ${backend.name} keeps nothing resident`);
  }
  const graphOptions = {
    dtype,
    computeDtype: s.computeDtype,
    ...(s.lossScale === null ? {} : { lossScale: s.lossScale }),
    loraEmbedIn: s.loraEmbedIn,
    pooling: s.pooling,
    inverseTemperature: s.inverseTemperature,
  };

  // The plan (names) comes from the full-shape graph; every shape shares it.
  const full = buildTrainingGraph(arch, method, s.batch, graphOptions);
  const trainable = [...full.trainable];
  const base = castParameters(options.parameters, dtype);
  const resume = options.resume;
  if (resume) {
    checkResumeSettings(settingsOf(resume.state), s);
    if (JSON.stringify(resume.state.trainable) !== JSON.stringify(trainable)) {
      throw new ValidationError('options.resume.state.trainable', resume.state.trainable, `${JSON.stringify(trainable)} (this run's trainable tensors)`);
    }
  }

  // Host starting values of the state the loop carries; they go to the device once, below.
  const initial = new Map<string, HostTensor>();
  if (resume) {
    for (const [n, t] of resume.parameters) initial.set(n, t);
    for (const [n, t] of resume.moments) initial.set(n, t);
  } else {
    const adapters = options.adapters ? castParameters(options.adapters, dtype) : initAdapters(full.plan, { seed: s.seed, dtype });
    const params = new Map<string, HostTensor>();
    for (const name of trainable) {
      const t = base.get(name) ?? adapters.get(name);
      if (!t) throw new ValidationError(`options.parameters`, `no tensor ${name}`, `every trainable parameter (${method.kind})`);
      params.set(name, t);
      initial.set(name, t);
    }
    for (const [n, t] of zeroMoments(params, trainable)) initial.set(n, t);
  }
  const carried = trainable.flatMap((n) => [n, momentName('m', n), momentName('v', n)]);
  const frozenNames = [...full.plan.parameters.map((p) => p.name), ...full.plan.adapters.map((a) => a.name)].filter((n) => !initial.has(n));
  for (const name of frozenNames) if (!base.get(name)) throw new ValidationError('options.parameters', `no tensor ${name}`, 'every parameter of the model layout');

  let step = resume?.state.step ?? 0;
  let epoch = resume?.state.epoch ?? 0;
  let dataPosition = resume?.state.dataPosition ?? 0;
  let pairsSeen = resume?.state.pairs ?? 0;
  let tokens = resume?.state.tokens ?? 0;
  // `detailed` accounting's attention term needs one T; queries run at Tq and positives at Tp, so the
  // meter takes their mean (the `paper` default has no such term).
  const sequenceLength = Math.round((s.batch.Tq + s.batch.Tp) / 2);
  const meter = createFlopMeter(arch, method, { accounting: s.accounting, sequenceLength, used: resume?.state.flopUsed ?? 0, budget: o.flopBudget });
  const stateNow = (): TrainerState => ({ ...s, method, step, epoch, dataPosition, pairs: pairsSeen, tokens, flopUsed: meter.used, trainable });

  const store = deviceTensors(backend, o.resident ?? true);
  const executables = new Map<string, { exe: Executable; updates: readonly string[] }>();
  // One download per checkpointed step: a final checkpoint and the result share it.
  let snapshot: { step: number; checkpoint: TrainerCheckpoint } | undefined;
  const checkpointNow = async (): Promise<TrainerCheckpoint> => {
    if (snapshot?.step === step) return snapshot.checkpoint;
    const parameters = new Map<string, HostTensor>();
    const moments = new Map<string, HostTensor>();
    for (const name of trainable) {
      parameters.set(name, await store.host(name));
      for (const k of ['m', 'v'] as const) moments.set(momentName(k, name), await store.host(momentName(k, name)));
    }
    snapshot = { step, checkpoint: { state: stateNow(), parameters, moments } };
    return snapshot.checkpoint;
  };

  const executableFor = async function* (shape: TrainingBatchShape): AsyncGenerator<TrainerEvent, { exe: Executable; updates: readonly string[] }> {
    const key = `${shape.B}x${shape.Tq}x${shape.Tp}`;
    const cached = executables.get(key);
    if (cached) return cached;
    const started = now();
    const graph = shape.B === s.batch.B ? full.graph : buildTrainingGraph(arch, method, shape, graphOptions).graph;
    const exe = await backend.compile(appendAdamW(graph, trainable, s.optimizer));
    // The state outputs, in `carried` order, found by their `updates` links (not by name).
    const links = outputUpdates(exe.graph);
    const updates = carried.map((input) => {
      const output = links.get(input);
      if (output === undefined) throw new ValidationError(`compiled graph of backend ${backend.name}`, `no output updating ${input}`, 'an output declaring updates for every trainable tensor and moment');
      return output;
    });
    const entry = { exe, updates };
    executables.set(key, entry);
    yield { kind: 'compile', shape, seconds: (now() - started) / 1000 };
    return entry;
  };

  const runStarted = now();
  let stepsThisCall = 0;
  let lastLoss = Number.NaN;
  let reason: StopReason;
  try {
    for (const name of frozenNames) await store.put(name, base.get(name)!);
    for (const name of carried) await store.put(name, initial.get(name)!);
    initial.clear();
    yield { kind: 'start', step, totalSteps: s.steps, flopPerToken: meter.perToken, flopBudget: meter.budget, trainable: countValues(trainable, full.graph), resumed: resume !== undefined, resident: store.resident };
    for (;;) {
      if (step >= s.steps) {
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
      const pairs = await data.read(dataPosition, s.batch.B);
      if (pairs.length === 0 || (pairs.length < s.batch.B && s.partialBatch === 'drop')) {
        // The end of an epoch: read the data again from 0, unless the epochs are spent (or the source is empty).
        if (epoch + 1 < o.epochs && dataPosition > 0) {
          epoch += 1;
          dataPosition = 0;
          yield { kind: 'epoch', epoch, step };
          continue;
        }
        reason = 'data';
        if (step < s.steps) yield { kind: 'warning', code: 'data-exhausted', message: dataExhausted(step, s.steps, epoch, pairsSeen) };
        break;
      }
      const shape = { ...s.batch, B: pairs.length };
      // Last-token pooling reads an appended EOS; the pad id is the EOS (the paper pads with EOS).
      const batch = padBatch(pairs, shape, { padId: s.padId, vocabSize: arch.vocabSize, ...(appendsEos(s.pooling) ? { eosId: s.padId } : {}) });
      if (!meter.fits(batch.tokens)) {
        reason = 'budget';
        break;
      }
      const { exe, updates } = yield* executableFor(shape);
      const lr = learningRate(step, s.steps, { peak: s.peakLearningRate, warmupFraction: s.warmupFraction });
      const feeds: Record<string, Feed> = { ...batch.feeds, ...adamwScalarFeeds(step, lr, dtype, s.optimizer) };
      for (const name of frozenNames) feeds[name] = store.get(name);
      for (const name of carried) feeds[name] = store.get(name);
      const readLoss = (step + 1) % o.lossEvery === 0;
      const started = now();
      const out = await exe.run(feeds, { outputs: readLoss ? [LOSS_OUTPUT, ...updates] : updates, resident: store.resident ? updates : [] });
      carried.forEach((name, i) => store.swap(name, out[updates[i]!]!));
      const loss = readLoss ? (await store.take(out[LOSS_OUTPUT]!)).data[0]! : undefined;
      const seconds = (now() - started) / 1000;
      if (loss !== undefined && !Number.isFinite(loss)) throw new TrainingDivergedError(step, loss);
      step += 1;
      stepsThisCall += 1;
      dataPosition += pairs.length;
      pairsSeen += pairs.length;
      tokens += batch.tokens;
      meter.add(batch.tokens);
      if (loss !== undefined) lastLoss = loss;
      yield {
        kind: 'step',
        step,
        totalSteps: s.steps,
        loss,
        learningRate: lr,
        epoch,
        pairs: pairsSeen,
        tokens,
        flopUsed: meter.used,
        flopBudget: meter.budget,
        seconds,
        tokensPerSecond: batch.tokens / seconds,
        flopPerSecond: meter.cost(batch.tokens) / seconds,
      };
      if (o.checkpointEvery !== undefined && options.onCheckpoint && step % o.checkpointEvery === 0) {
        await options.onCheckpoint(await checkpointNow());
        yield { kind: 'checkpoint', step };
      }
    }
    // The final state, unless the last step's checkpoint already is it.
    if (options.onCheckpoint && stepsThisCall > 0 && !(o.checkpointEvery !== undefined && step % o.checkpointEvery === 0)) {
      await options.onCheckpoint(await checkpointNow());
      yield { kind: 'checkpoint', step };
    }
    const checkpoint = await checkpointNow();
    yield { kind: 'end', reason, step, tokens, flopUsed: meter.used, seconds: (now() - runStarted) / 1000 };
    const parameters = new Map<string, HostTensor>(base);
    for (const [n, t] of checkpoint.parameters) parameters.set(n, t);
    return { reason, state: checkpoint.state, lastLoss, parameters, checkpoint };
  } finally {
    for (const { exe } of executables.values()) exe.dispose();
    store.releaseAll();
  }
}

function dataExhausted(step: number, steps: number, epoch: number, pairs: number): string {
  const perEpoch = step / (epoch + 1);
  const hint = perEpoch >= 1 ? `; pass epochs: ${Math.ceil(steps / perEpoch)} to read the data again until the schedule ends` : '';
  return `the data ran out after ${pairs} pairs (${epoch + 1} epoch${epoch === 0 ? '' : 's'}) at step ${step} of ${steps}: the schedule's remaining steps were not run${hint}`;
}

/** Values of the trainable inputs (from the graph's input types, so nothing is downloaded to count them). */
function countValues(trainable: readonly string[], graph: { readonly inputs: readonly { readonly id: string; readonly type: { readonly shape: readonly number[] } }[] }): number {
  const names = new Set(trainable);
  let n = 0;
  for (const input of graph.inputs) if (names.has(input.id)) n += input.type.shape.reduce((p, d) => p * d, 1);
  return n;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
