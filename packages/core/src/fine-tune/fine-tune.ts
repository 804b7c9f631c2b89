/**
 * `fineTune(options, onEvent?)`: from a plan (a recipe, a budget, or explicit choices), a base model,
 * a tokenizer and text pairs to a trained and evaluated model, on any backend. Browser-safe: files
 * are the caller's (files.ts does them in Node). In order:
 *
 *   1. the plan is resolved (plan-source.ts) and the pairs split into train and held-out (grouped by
 *      query, seeded), then tokenized into the trainer's source (text/text-pair-source.ts) — a file
 *      too small for one batch, or with too few held-out pairs, is refused here, before any compute;
 *   2. the schedule is sized to what will really be trained: the pairs the file gives (a warning
 *      when the plan asked for more) and, with a FLOP budget, the steps that budget pays for at the
 *      data's real token counts (paper accounting, as the meter counts) — so the learning rate
 *      reaches the end of its cosine instead of being cut off;
 *   3. the base model is evaluated on the held-out pairs (eval/evaluate.ts), then train() runs with
 *      `lossEvery: 1`; every checkpoint is guarded (guards.ts) and handed to `onCheckpoint` as a
 *      FineTuneCheckpoint (run-checkpoint.ts) — everything an exact continuation needs;
 *   4. the trained model is evaluated again, and the result carries both reports, the FLOP spent
 *      (paper accounting, real tokens) beside the FLOP counted on the executed graph (padding and
 *      AdamW included), and the run's ledger line (ledger-record.ts).
 *
 * A resumed run (options.resume) takes its plan, data settings and "before" report from the
 * checkpoint and continues bitwise where it stopped (on a deterministic backend).
 * Not a data downloader, not an exporter (files.ts writes the model folder).
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { Backend } from '../engine/backend.js';
import { countGraphFlops } from '../engine/flops.js';
import { ValidationError } from '../errors.js';
import type { BootstrapOptions } from '../eval/bootstrap-interval.js';
import type { EmbeddingModel } from '../eval/embed-texts.js';
import { type EvaluationReport, evaluate } from '../eval/evaluate.js';
import type { ScoredPair } from '../eval/scored-pairs.js';
import type { FineTuningMethod } from '../methods/method.js';
import type { ParameterMap } from '../model/parameter-map.js';
import { buildTrainingGraph } from '../model/training-graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { splitPairs } from '../text/split.js';
import type { TokenPair } from '../train/pairs.js';
import { type TextPairSource, textPairSource } from '../text/text-pair-source.js';
import type { TextTokenizer } from '../text/tokenizer.js';
import { appendAdamW } from '../train/adamw.js';
import type { TrainerCheckpoint } from '../train/checkpoint.js';
import { createFlopMeter } from '../train/flop-meter.js';
import { type StopReason, type TrainerEvent, TrainingDivergedError, train } from '../train/trainer.js';
import { expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { NonFiniteTrainingError, firstNonFinite } from './guards.js';
import { ledgerRecord } from './ledger-record.js';
import type { LedgerRecord } from '../fit/ledger.js';
import { type FineTunePlan, type ResolvedPlan, resolvePlan } from './plan-source.js';
import { type FineTuneCheckpoint, type FineTuneRunState, type RunData, type RunEvaluation, FINE_TUNE_FORMAT, checkResumeData, pairsFingerprint } from './run-checkpoint.js';

/** The paper's shipped peak learning rate (linear warm-up over 10%, cosine decay to 0). */
export const DEFAULT_PEAK_LEARNING_RATE = 1e-3;
/** Held out by default: a tenth of the pairs (grouped by query). */
export const DEFAULT_HELD_OUT = 0.1;

export interface FineTuneOptions {
  readonly backend: Backend;
  /** The base model: its architecture and every parameter (e.g. from loadCheckpointDir). */
  readonly model: { readonly architecture: ModelArchitecture; readonly parameters: ParameterMap };
  readonly tokenizer: TextTokenizer;
  /** Every pair of the pair file, in file order (the held-out split is taken from them). */
  readonly pairs: readonly { readonly query: string; readonly positive: string; readonly line?: number }[];
  /** Required unless resuming (then, if given, it must resolve to the checkpoint's plan). */
  readonly plan?: FineTunePlan;
  /** Pairs per step instead of the plan's (a recipe's 1024 does not fit a small file or machine). */
  readonly batchSize?: number;
  /** Held-out pairs: a count or a fraction in (0, 1). Default 0.1. */
  readonly heldOut?: number;
  /** Seed of the held-out split. Default 0. */
  readonly heldOutSeed?: number;
  /** Seed of the training order. Default 0. */
  readonly seed?: number;
  /** Passes over the training pairs. Default 1 (the paper's). */
  readonly epochs?: number;
  readonly bucketByLength?: boolean;
  readonly bucketWindow?: number;
  /** Default 1e-3. */
  readonly peakLearningRate?: number;
  /** Default f32. */
  readonly dtype?: 'f32' | 'f64';
  /** Hand a checkpoint to `onCheckpoint` every this many steps (and at the end). */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: FineTuneCheckpoint) => void | Promise<void>;
  readonly resume?: FineTuneCheckpoint;
  /** Evaluate before and after (default true); without it there is no held-out loss and no ledger line. */
  readonly evaluate?: boolean;
  /**
   * Also evaluate every this many steps. The trainer shows its state only at snapshots, taken every
   * gcd(checkpointEvery, evalEvery) steps: keep one a multiple of the other to take few.
   */
  readonly evalEvery?: number;
  /** STS-style pairs to report Spearman's ρ on. */
  readonly scored?: readonly ScoredPair[];
  readonly bootstrap?: BootstrapOptions;
  /**
   * GradCache (docs/training.md): embed and back-propagate the batch this many pairs at a time, with
   * the full batch's gradient. A setting of the run (a resume must repeat it).
   */
  readonly miniBatch?: number;
  /** Peak bytes the step may use: the trainer picks the GradCache mini-batch from it (docs/training.md). */
  readonly memoryCap?: number;
  /** Steps in this call at most (the run can be resumed). */
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
  /** What ran, for the ledger (free text, e.g. "cpu: AMD EPYC (onnx, 2 threads)"). */
  readonly hardware?: string;
  /** Extra provenance for the ledger line (pair file name, commit …). */
  readonly provenance?: Readonly<Record<string, string | number | boolean>>;
}

export type FineTuneEvent =
  | Exclude<TrainerEvent, { kind: 'warning' }>
  | { readonly kind: 'warning'; readonly code: 'data-exhausted' | 'pairs-short' | 'budget-short' | 'batch-size' | 'rounded'; readonly message: string }
  | {
      readonly kind: 'plan';
      readonly plan: ResolvedPlan;
      readonly steps: number;
      readonly trainPairs: number;
      readonly heldOutPairs: number;
      readonly batch: { readonly B: number; readonly Tq: number; readonly Tp: number };
    }
  | { readonly kind: 'evaluation'; readonly label: 'before' | 'during' | 'after'; readonly step: number; readonly report: EvaluationReport };

export interface FineTuneResult {
  readonly reason: StopReason;
  readonly plan: ResolvedPlan;
  readonly method: FineTuningMethod;
  readonly loraEmbedIn: boolean;
  readonly step: number;
  readonly totalSteps: number;
  /** The base parameters with the trained tensors in place (LoRA adapters included, unmerged). */
  readonly parameters: Map<string, HostTensor>;
  /** The last checkpoint of the run (the final state). */
  readonly checkpoint: FineTuneCheckpoint;
  readonly before: EvaluationReport | null;
  readonly after: EvaluationReport | null;
  readonly evaluations: readonly RunEvaluation[];
  readonly tokens: number;
  readonly pairs: number;
  readonly flops: {
    /** The training FLOP budget (null: none). */
    readonly budget: number | null;
    /** Spent, in the plan's accounting over real tokens (what the budget is checked against). */
    readonly spent: number;
    /** Counted on the executed training graph (forward, backward and AdamW at the padded shape). */
    readonly executed: number;
  };
  readonly seconds: number;
  readonly heldOut: readonly { readonly query: string; readonly positive: string }[];
  /** The ledger line (null when evaluation is off, or the run took no step). */
  readonly ledger: LedgerRecord | null;
  readonly warnings: readonly string[];
}

const Schema = z
  .object({
    backend: z.looseObject({ name: z.string(), compile: z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function') }, expect('a Backend')),
    model: z.looseObject({ architecture: z.looseObject({ name: z.string() }, expect('a ModelArchitecture')), parameters: z.custom<ParameterMap>((v) => v instanceof Map, expect('a Map of parameters')) }, expect('{ architecture, parameters }')),
    tokenizer: z.looseObject({ encode: z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function'), maxTokens: integerAtLeast(1) }, expect('a TextTokenizer')),
    pairs: z.array(z.looseObject({ query: z.string(), positive: z.string() }, expect('a { query, positive } pair')), expect('an array of text pairs')),
    plan: z.looseObject({ kind: z.enum(['recipe', 'budget', 'explicit'], expect('"recipe", "budget" or "explicit"')) }, expect('a plan')).optional(),
    batchSize: integerAtLeast(1, '(pairs per step)').optional(),
    heldOut: positiveNumber('(held-out pairs: a count, or a fraction in (0, 1))').optional(),
    heldOutSeed: z.number(expect('an integer')).int(expect('an integer')).optional(),
    seed: z.number(expect('an integer')).int(expect('an integer')).optional(),
    epochs: integerAtLeast(1, '(passes)').optional(),
    bucketByLength: z.boolean(expect('a boolean')).optional(),
    bucketWindow: integerAtLeast(1, '(batches)').optional(),
    peakLearningRate: positiveNumber('(peak learning rate)').optional(),
    dtype: z.enum(['f32', 'f64'], expect('"f32" or "f64"')).optional(),
    checkpointEvery: integerAtLeast(1, '(steps)').optional(),
    onCheckpoint: z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', expect('a function')).optional(),
    resume: z.looseObject({ trainer: z.looseObject({}), run: z.looseObject({ format: z.literal(FINE_TUNE_FORMAT) }) }, expect('a FineTuneCheckpoint (decodeFineTuneCheckpoint)')).optional(),
    evaluate: z.boolean(expect('a boolean')).optional(),
    evalEvery: integerAtLeast(1, '(steps)').optional(),
    scored: z.array(z.looseObject({ first: z.string(), second: z.string(), score: z.number() })).optional(),
    bootstrap: z.looseObject({}).optional(),
    miniBatch: integerAtLeast(1, '(pairs per GradCache mini-batch)').optional(),
    memoryCap: positiveNumber('(bytes)').optional(),
    maxSteps: integerAtLeast(0, '(steps)').optional(),
    signal: z.custom<AbortSignal>((v) => typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean', expect('an AbortSignal')).optional(),
    hardware: z.string().optional(),
    provenance: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

export async function fineTune(options: FineTuneOptions, onEvent: (event: FineTuneEvent) => void = () => {}): Promise<FineTuneResult> {
  const defined = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  validate(Schema, defined, 'options');
  const { backend, tokenizer, resume } = options;
  const arch = options.model.architecture;
  const warnings: string[] = [];
  const warn = (code: Extract<FineTuneEvent, { kind: 'warning' }>['code'], message: string) => {
    warnings.push(message);
    onEvent({ kind: 'warning', code, message });
  };

  // 1. The plan and the data, everything checked before any compute.
  let plan: ResolvedPlan;
  if (resume) {
    plan = resume.run.plan;
    if (options.plan) {
      const now = withBatchSize(resolvePlan(options.plan, arch), options.batchSize);
      const keys = ['method', 'requestedPairs', 'flopBudget', 'batchSize', 'accounting'] as const;
      const differing = keys.filter((k) => JSON.stringify(now[k]) !== JSON.stringify(plan[k]));
      if (differing.length > 0) throw new ValidationError(`options.plan.${differing[0]}`, now[differing[0]!], `${JSON.stringify(plan[differing[0]!])} as in the checkpoint being resumed (or leave the plan out when resuming)`);
    }
  } else {
    if (!options.plan) throw new ValidationError('options.plan', undefined, 'a plan ({ kind: "recipe" | "budget" | "explicit", … }), or resume');
    const resolved = resolvePlan(options.plan, arch);
    plan = withBatchSize(resolved, options.batchSize);
    if (plan.batchSize !== resolved.batchSize && resolved.source !== 'explicit') warn('batch-size', `training at B = ${plan.batchSize} pairs a step instead of the plan's ${resolved.batchSize}: InfoNCE sees ${plan.batchSize - 1} in-batch negatives, and the law's prediction assumed ${resolved.batchSize}`);
  }
  const B = plan.batchSize;
  const heldOutRequest = resume?.run.data.heldOut ?? options.heldOut ?? DEFAULT_HELD_OUT;
  const heldOutSeed = resume?.run.data.heldOutSeed ?? options.heldOutSeed ?? 0;
  const split = splitPairs(options.pairs, { heldOut: heldOutRequest, seed: heldOutSeed });
  const wantEval = options.evaluate ?? true;
  if (wantEval && split.heldOut.length < 2) throw new ValidationError('options.heldOut', heldOutRequest, `at least 2 held-out pairs (retrieval needs a corpus); the split gave ${split.heldOut.length}`);
  const data: RunData = {
    fingerprint: pairsFingerprint(options.pairs),
    filePairs: options.pairs.length,
    heldOut: heldOutRequest,
    heldOutSeed,
    heldOutPairs: split.heldOut.length,
    trainPairs: split.train.length,
    seed: resume?.run.data.seed ?? options.seed ?? 0,
    epochs: resume?.run.data.epochs ?? options.epochs ?? 1,
    maxTokens: tokenizer.maxTokens,
    bucketByLength: resume?.run.data.bucketByLength ?? options.bucketByLength ?? true,
    bucketWindow: resume?.run.data.bucketWindow ?? options.bucketWindow ?? 32,
  };
  if (resume) checkResumeData(resume.run.data, data);
  const source = textPairSource(split.train, tokenizer, {
    batchSize: B,
    seed: data.seed,
    epochs: data.epochs,
    bucketByLength: data.bucketByLength,
    bucketWindow: data.bucketWindow,
    vocabSize: arch.vocabSize,
    ...(plan.requestedPairs !== null ? { requestedPairs: plan.requestedPairs } : {}),
  });
  if (!resume) for (const w of source.warnings) warn(w.includes('not a multiple') ? 'rounded' : 'pairs-short', w);
  const batch = { B, ...source.maxShape };
  const dtype = resume?.trainer.state.dtype ?? options.dtype ?? 'f32';
  const steps = affordableSteps(source, arch, plan, batch);
  if (steps.steps < source.steps && !resume) {
    warn('budget-short', `the FLOP budget ${plan.flopBudget!.toExponential(3)} pays for ${steps.steps} of the ${source.steps} steps the data gives (at its real token counts); the schedule is sized to ${steps.steps}`);
  }
  if (steps.steps === 0) throw new ValidationError('options.plan.flopBudget', plan.flopBudget, `at least ${steps.firstStep.toExponential(3)} FLOP (one step of ${B} pairs of this data)`);
  const peakLearningRate = resume?.run.peakLearningRate ?? options.peakLearningRate ?? DEFAULT_PEAK_LEARNING_RATE;
  onEvent({ kind: 'plan', plan, steps: steps.steps, trainPairs: split.train.length, heldOutPairs: split.heldOut.length, batch });

  // 2. The base model on the held-out pairs (kept in the checkpoint, so a resume reuses it).
  const evalOptions = {
    pairs: split.heldOut,
    lossBatchSize: Math.max(2, B),
    ...(options.scored ? { scored: options.scored } : {}),
    ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
  };
  const evaluateModel = (model: EmbeddingModel) => evaluate({ backend, model, tokenizer, ...evalOptions });
  let before: EvaluationReport | null = resume ? resume.run.before : null;
  if (!resume && wantEval) {
    before = await evaluateModel({ architecture: arch, parameters: options.model.parameters, dtype });
    onEvent({ kind: 'evaluation', label: 'before', step: 0, report: before });
  }

  // 3. Train, guarded; checkpoints and evaluations through one trainer callback.
  const evaluations: RunEvaluation[] = [...(resume?.run.evaluations ?? [])];
  const secondsBefore = resume?.run.seconds ?? 0;
  const executedBefore = (resume?.run as { executedFlop?: number } | undefined)?.executedFlop ?? 0;
  const started = now();
  let executed = executedBefore;
  const runState = (): FineTuneRunState & { executedFlop: number } => ({
    format: FINE_TUNE_FORMAT,
    plan,
    data,
    peakLearningRate,
    before,
    evaluations,
    seconds: secondsBefore + (now() - started) / 1000,
    executedFlop: executed,
  });
  const trainedModel = (c: TrainerCheckpoint): EmbeddingModel => ({ architecture: arch, parameters: options.model.parameters, method: c.state.method, trained: c.parameters, loraEmbedIn: c.state.loraEmbedIn, dtype: c.state.dtype });
  let lastFiniteLoss: number | null = null;
  let lastFiniteStep: number | null = null;
  let lastCheckpointStep: number | null = resume?.trainer.state.step ?? null;
  let lastWritten: number | null = resume?.trainer.state.step ?? null;
  const guard = (c: TrainerCheckpoint) => {
    const bad = firstNonFinite(c);
    if (bad) throw new NonFiniteTrainingError({ step: c.state.step, tensor: bad.tensor, value: bad.value, lastFiniteLoss, lastFiniteStep, lastCheckpointStep });
  };
  const write = async (c: TrainerCheckpoint) => {
    if (options.onCheckpoint) {
      await options.onCheckpoint({ trainer: c, run: runState() });
      lastCheckpointStep = c.state.step;
      onEvent({ kind: 'checkpoint', step: c.state.step });
    }
    lastWritten = c.state.step;
  };
  const every = options.checkpointEvery;
  const evalEvery = wantEval ? options.evalEvery : undefined;
  const cadence = every !== undefined && evalEvery !== undefined ? gcd(every, evalEvery) : (every ?? evalEvery);
  const onTrainerCheckpoint = async (c: TrainerCheckpoint) => {
    guard(c);
    const step = c.state.step;
    if (evalEvery !== undefined && step % evalEvery === 0 && !evaluations.some((e) => e.step === step)) {
      const report = await evaluateModel(trainedModel(c));
      evaluations.push({ step, report });
      onEvent({ kind: 'evaluation', label: 'during', step, report });
    }
    if (every !== undefined && step % every === 0) await write(c);
  };
  const flopCounter = executedFlopCounter(arch, plan.method, batch, dtype);
  let pairsSeen = resume?.trainer.state.pairs ?? 0;
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train(
      {
        backend,
        architecture: arch,
        method: plan.method,
        parameters: options.model.parameters,
        data: source,
        batch,
        steps: steps.steps,
        peakLearningRate,
        accounting: plan.accounting,
        dtype,
        padId: tokenizer.padId,
        seed: data.seed,
        lossEvery: 1,
        onCheckpoint: onTrainerCheckpoint,
        ...(plan.flopBudget !== null ? { flopBudget: plan.flopBudget } : {}),
        ...(cadence !== undefined ? { checkpointEvery: cadence } : {}),
        ...(resume ? { resume: resume.trainer } : {}),
        ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
        ...(options.miniBatch !== undefined ? { miniBatch: options.miniBatch } : {}),
        ...(options.memoryCap !== undefined ? { memoryCap: options.memoryCap } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (event) => {
        if (event.kind === 'step') {
          executed += flopCounter(event.pairs - pairsSeen);
          pairsSeen = event.pairs;
          if (event.loss !== undefined) ((lastFiniteLoss = event.loss), (lastFiniteStep = event.step));
        }
        // The trainer's 'checkpoint' events mark its snapshots (also taken for evaluations); this run
        // reports the checkpoints it hands to onCheckpoint instead.
        if (event.kind === 'checkpoint') return;
        onEvent(event.kind === 'warning' ? { kind: 'warning', code: event.code, message: event.message } : event);
      },
    );
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      throw new NonFiniteTrainingError({ step: error.step + 1, tensor: 'loss', value: error.loss, lastFiniteLoss, lastFiniteStep, lastCheckpointStep });
    }
    throw error;
  }
  const final = result.checkpoint;
  if (lastWritten !== final.state.step) {
    guard(final);
    await write(final);
  }

  // 4. The trained model on the same held-out pairs; the ledger line.
  let after: EvaluationReport | null = null;
  if (wantEval && final.state.step > 0) {
    const during = evaluations.find((e) => e.step === final.state.step);
    after = during ? during.report : await evaluateModel(trainedModel(final));
    onEvent({ kind: 'evaluation', label: 'after', step: final.state.step, report: after });
  }
  const state = runState();
  const checkpoint: FineTuneCheckpoint = { trainer: final, run: state };
  const ledger =
    after?.heldOutLoss && final.state.pairs > 0 && Number.isFinite(after.heldOutLoss.loss)
      ? ledgerRecord({
          architecture: arch,
          method: plan.method,
          tokens: final.state.tokens,
          pairs: final.state.pairs,
          heldOutLoss: after.heldOutLoss.loss,
          budget: plan.plannedBudget,
          seconds: state.seconds,
          ...(options.hardware ? { hardware: options.hardware } : {}),
          provenance: { backend: backend.name, steps: final.state.step, stopped: result.reason, accounting: plan.accounting, flopSpent: final.state.flopUsed, flopExecuted: executed, ...(options.provenance ?? {}) },
        })
      : null;
  return {
    reason: result.reason,
    plan,
    method: plan.method,
    loraEmbedIn: final.state.loraEmbedIn,
    step: final.state.step,
    totalSteps: steps.steps,
    parameters: result.parameters,
    checkpoint,
    before,
    after,
    evaluations,
    tokens: final.state.tokens,
    pairs: final.state.pairs,
    flops: { budget: plan.flopBudget, spent: final.state.flopUsed, executed },
    seconds: state.seconds,
    heldOut: split.heldOut,
    ledger,
    warnings,
  };
}

function withBatchSize(plan: ResolvedPlan, batchSize: number | undefined): ResolvedPlan {
  return batchSize === undefined ? plan : { ...plan, batchSize };
}

/**
 * Steps the budget pays for, walking the source's batches with the trainer's own meter (same
 * accounting, same real-token counts, same "a step that would exceed it is not run" rule).
 */
function affordableSteps(source: TextPairSource, arch: ModelArchitecture, plan: ResolvedPlan, batch: { B: number; Tq: number; Tp: number }): { steps: number; firstStep: number } {
  const sequenceLength = Math.round((batch.Tq + batch.Tp) / 2);
  const meter = createFlopMeter(arch, plan.method, { accounting: plan.accounting, sequenceLength, ...(plan.flopBudget !== null ? { budget: plan.flopBudget } : {}) });
  // The source serves pair order(epoch)[i]; its token counts are the tokenized lengths of those pairs.
  let steps = 0;
  let firstStep = 0;
  for (let s = 0; s < source.steps; s++) {
    const pairs = source.read(s * batch.B, batch.B) as readonly TokenPair[];
    const tokens = pairs.reduce((n, p) => n + p.query.length + p.positive.length, 0);
    if (s === 0) firstStep = meter.cost(tokens);
    if (plan.flopBudget !== null && !meter.fits(tokens)) break;
    meter.add(tokens);
    steps++;
  }
  return { steps, firstStep };
}

/** FLOP of one executed step at B pairs: the training graph with AdamW appended, at the padded shape. */
function executedFlopCounter(arch: ModelArchitecture, method: FineTuningMethod, batch: { Tq: number; Tp: number }, dtype: 'f32' | 'f64'): (B: number) => number {
  const cache = new Map<number, number>();
  return (B) => {
    let flop = cache.get(B);
    if (flop === undefined) {
      const g = buildTrainingGraph(arch, method, { B, Tq: batch.Tq, Tp: batch.Tp }, { dtype });
      flop = countGraphFlops(appendAdamW(g.graph, g.trainable)).total;
      cache.set(B, flop);
    }
    return flop;
  };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
