/**
 * The run ledger: one fine-tuning run per line of JSON (JSONL), what `fitLaw` fits. docs/fitting.md
 * documents the format; in short, each line is an object with
 *
 *   model        a Pythia name ("pythia-160m") or an architecture object (see ModelArchitecture)
 *   method       {"kind":"full"} | {"kind":"freeze","trainableBlocks":k} | {"kind":"bias"}
 *                | {"kind":"lora","rank":r,"alpha":a}
 *   tokens       D, training tokens — or `pairs` (D = pairs × tokensPerPair, 78 by default); if both
 *                are given they must agree
 *   loss         the final contrastive (InfoNCE) loss, > 0
 *   lossKind     "held-out" (default) or "final" (last training loss); a fit refuses to mix them
 *   budget       optional: the compute budget (FLOP) the run was planned for; groups runs for
 *                cross-validation (otherwise the run's training FLOP is used)
 *   seconds      optional wall-clock seconds;  hardware {"gpu": "...", "count": n} optional
 *   id, provenance  optional: a run id, and a flat object of strings/numbers/booleans (date, commit …)
 *
 * Unknown keys are errors (a typo such as "toknes" must not pass). Whitespace-only lines are skipped;
 * every other line either becomes an observation or is reported with its line number — all problems
 * are collected and thrown together as one LedgerError. Not a file reader (ledger-file.ts) and not a
 * fitter.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { PYTHIA } from '../catalog/pythia.js';
import { resolveModel } from '../catalog/resolve-model.js';
import { ValidationError } from '../errors.js';
import { MAX_BUDGET_FLOP, MAX_PAIRS, MAX_TOKENS, TOKENS_PER_PAIR } from '../flops/units.js';
import { checkMethod, type FineTuningMethod, FineTuningMethodSchema } from '../methods/method.js';
import { checkOptions, expect, integerAtLeast, positiveNumber, validate } from '../validate.js';
import { formatCount } from '../format.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../io/bounded-json.js';
import { LedgerError, type LedgerProblem } from './fit-errors.js';

/** A ledger line is a few hundred characters; 1 MB is a corrupt or hostile line. */
export const MAX_LEDGER_LINE_CHARS = 1_000_000;

export type LossKind = 'held-out' | 'final';

export interface RunHardware {
  /** Free text: the ledger records what ran, which need not be in the GPU table. */
  readonly gpu: string;
  readonly count?: number;
}

/** One validated run. `model` is always resolved to an architecture; `tokens` and `pairs` both present. */
export interface Observation {
  readonly id?: string;
  readonly model: ModelArchitecture;
  readonly method: FineTuningMethod;
  /** D */
  readonly tokens: number;
  readonly pairs: number;
  readonly tokensPerPair: number;
  readonly loss: number;
  readonly lossKind: LossKind;
  /** The budget (FLOP) the run was planned for, when the ledger states it. */
  readonly budget?: number;
  readonly seconds?: number;
  readonly hardware?: RunHardware;
  readonly provenance?: Readonly<Record<string, string | number | boolean>>;
  /** 1-based line in the ledger it came from (set by parseLedger). */
  readonly line?: number;
}

const bounded = (what: string, max: number) =>
  positiveNumber(what).refine((x) => x <= max, { error: `a positive finite number ${what}, at most ${formatCount(max)}` });

const recordFields = {
  id: z.string(expect('a non-empty string')).min(1, expect('a non-empty string')).optional(),
  // Checked by resolveModel afterwards, so an unknown name gets the catalog's message.
  model: z.unknown(),
  method: FineTuningMethodSchema,
  tokens: bounded('of tokens', MAX_TOKENS).optional(),
  pairs: bounded('of pairs', MAX_PAIRS).optional(),
  tokensPerPair: bounded('of tokens per pair', 1e6).optional(),
  /** InfoNCE over a batch of b is at most about ln b plus the temperature's scale; 1,000 is far past any. */
  loss: bounded('(contrastive loss)', 1000),
  lossKind: z.enum(['held-out', 'final'], expect('"held-out" or "final"')).optional(),
  budget: bounded('of FLOP', MAX_BUDGET_FLOP).optional(),
  seconds: bounded('of seconds', 1e12).optional(),
  hardware: z
    .object({
      gpu: z.string(expect('a GPU name')).min(1, expect('a GPU name')),
      count: integerAtLeast(1, 'GPUs').optional(),
    })
    .strict()
    .optional(),
  provenance: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]), expect('an object of strings, numbers or booleans'))
    .optional(),
};

/** One ledger line. Strict: unknown keys are errors. */
export const LedgerRecordSchema = z.object(recordFields).strict();
export type LedgerRecord = z.input<typeof LedgerRecordSchema>;

/** What `fitLaw` accepts: a ledger record, or an Observation (which may carry its ledger `line`). */
const ObservationInputSchema = z.object({ ...recordFields, line: integerAtLeast(1).optional() }).strict();
export type ObservationInput = z.input<typeof ObservationInputSchema> | Observation;

/**
 * Validates one record (or an already parsed Observation) into an Observation.
 * Throws ValidationError naming `field` and the path inside it.
 */
export function toObservation(value: unknown, field = 'observation'): Observation {
  const r = validate(ObservationInputSchema, value, field);
  const model = resolveModel(r.model, `${field}.model`);
  const method = checkMethod(r.method, model, `${field}.method`);
  const tokensPerPair = r.tokensPerPair ?? TOKENS_PER_PAIR;
  if (r.tokens === undefined && r.pairs === undefined) {
    throw new ValidationError(`${field}.tokens`, undefined, 'a positive finite number of tokens, or `pairs`');
  }
  const tokens = r.tokens ?? r.pairs! * tokensPerPair;
  const pairs = r.pairs ?? tokens / tokensPerPair;
  if (Math.abs(pairs * tokensPerPair - tokens) > 1e-9 * tokens) {
    throw new ValidationError(`${field}.tokens`, r.tokens, `pairs × tokensPerPair = ${pairs * tokensPerPair} (pairs ${pairs}, ${tokensPerPair} tokens a pair)`);
  }
  return {
    ...(r.id !== undefined ? { id: r.id } : {}),
    model,
    method,
    tokens,
    pairs,
    tokensPerPair,
    loss: r.loss,
    lossKind: r.lossKind ?? 'held-out',
    ...(r.budget !== undefined ? { budget: r.budget } : {}),
    ...(r.seconds !== undefined ? { seconds: r.seconds } : {}),
    ...(r.hardware !== undefined ? { hardware: r.hardware } : {}),
    ...(r.provenance !== undefined ? { provenance: r.provenance } : {}),
    ...(r.line !== undefined ? { line: r.line } : {}),
  };
}

/**
 * Parses ledger text (JSONL). Returns one Observation per non-blank line, in order, each with its
 * `line`. Throws one LedgerError listing every malformed line (bad JSON, not an object, a field that
 * fails validation, an unknown model) — never a partial result.
 */
export function parseLedger(text: string, options: { source?: string } = {}): Observation[] {
  if (typeof text !== 'string') throw new ValidationError('text', text, 'the ledger as a string of JSON lines');
  checkOptions(options, 'options', ['source']);
  if (options.source !== undefined && typeof options.source !== 'string') throw new ValidationError('options.source', options.source, 'a name for messages (a string)');
  const observations: Observation[] = [];
  const problems: LedgerProblem[] = [];
  // A byte-order mark would otherwise make line 1 invalid JSON.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    if (raw.length > MAX_LEDGER_LINE_CHARS) {
      problems.push({ line, field: 'line', message: `line of ${formatCount(raw.length)} characters, over the limit of ${formatCount(MAX_LEDGER_LINE_CHARS)}; a run record is a few hundred` });
      return;
    }
    const depth = jsonDepth(raw, MAX_JSON_DEPTH);
    if (depth > MAX_JSON_DEPTH) {
      problems.push({ line, field: 'line', message: `JSON nested over ${MAX_JSON_DEPTH} levels deep; a run record nests 3` });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      problems.push({ line, field: 'line', message: `not valid JSON (${(e as Error).message}); each line must be one JSON object` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line, field: 'line', message: 'expected a JSON object, one run per line' });
      return;
    }
    if ('line' in value) {
      problems.push({ line, field: 'line.line', message: 'invalid line.line: expected no key "line" (the parser sets it)' });
      return;
    }
    try {
      observations.push(toObservation({ ...value, line }, 'line'));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      problems.push({ line, field: e.field, message: e.message });
    }
  });
  if (problems.length > 0) throw new LedgerError(problems, options.source);
  return observations;
}

/** One ledger line for an observation (models by name when they are Pythia models), without `line`. */
export function formatLedgerLine(o: Observation): string {
  if (o === null || typeof o !== 'object' || typeof o.model !== 'object' || o.model === null) throw new ValidationError('observation', o, 'an Observation (what parseLedger or toObservation returns)');
  const { line: _line, model, pairs: _pairs, tokensPerPair, ...rest } = o;
  const pythiaName = isCatalogModel(model) ? model.name : undefined;
  return JSON.stringify({
    model: pythiaName ?? model,
    ...rest,
    ...(tokensPerPair !== TOKENS_PER_PAIR ? { tokensPerPair } : {}),
  });
}

/** True when `model` is exactly a catalog entry, so writing its name loses nothing. */
function isCatalogModel(model: ModelArchitecture): boolean {
  const entry = (PYTHIA as Record<string, ModelArchitecture>)[model.name];
  return entry !== undefined && JSON.stringify(entry) === JSON.stringify(model);
}
