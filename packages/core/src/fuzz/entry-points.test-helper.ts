/**
 * Test helper for the fuzz suite: the table of public entry points of @repurpose/core (root, the
 * engine's loaders, ./node) with one valid call each, described argument by argument, so that the
 * suite can replace each argument — and each field of an object argument — by every bad value.
 * `accepts` lists the bad values an argument legitimately takes (an optional argument takes
 * `undefined`; an options object takes `{}`); every other substitution must be refused. Trainer and
 * graph-building entry points are fuzzed by their owners' suites, not here.
 */
import * as core from '../index.js';
import * as engine from '../engine-api.js';
import * as node from '../node.js';
import { syntheticLedger } from '../fit/synthetic-ledger.test-helper.js';

export interface ArgSpec {
  readonly name: string;
  readonly valid: () => unknown;
  /** Labels of BAD_VALUES this argument legitimately takes. */
  readonly accepts?: readonly string[];
  /** Fuzz these fields of the (object) argument too. */
  readonly fields?: readonly string[];
  /** Per-field labels the field legitimately takes. */
  readonly fieldAccepts?: Readonly<Record<string, readonly string[]>>;
  /** Labels left out: valid values whose call is expensive and tested elsewhere (a full default fit). */
  readonly skip?: readonly string[];
  /** Unknown keys must be refused (every public object the library takes is strict; HF's config.json is not ours). */
  readonly strict?: boolean;
}

export interface EntryPoint {
  readonly name: string;
  readonly args: readonly ArgSpec[];
  readonly call: (...args: never[]) => unknown;
}

const OPT = ['undefined'] as const;
const OPTIONS = ['undefined', '{}'] as const;
/** A law's magnitudes may be 0 or enormous (a degenerate fit's G reached 1e64); its exponents may be ≤ 0 (fits warn). */
const MAGNITUDE = ['0', '1e308', '2^60'] as const;
const EXPONENT = ['-1', '0', '-0.5'] as const;

const pythia14m = () => ({ ...core.PYTHIA['pythia-14m'] });
const lora = () => ({ kind: 'lora', rank: 8, alpha: 8 });
const tiny = () => ({ name: 'tiny', numLayers: 2, hiddenSize: 32, numHeads: 4, intermediateSize: 128, vocabSize: 128, maxPositionEmbeddings: 64, rotaryPct: 0.25, rotaryEmbBase: 10000, layerNormEps: 1e-5, useParallelResidual: true });
const hfConfig = () => ({ num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 128, vocab_size: 128, max_position_embeddings: 64, rotary_pct: 0.25, rotary_emb_base: 10000, layer_norm_eps: 1e-5, use_parallel_residual: true, hidden_act: 'gelu' });
const tinyWeights = () => {
  const arch = core.architectureFromConfig(hfConfig(), 'tiny');
  const tensors = new Map(engine.gptNeoXParameters(arch).map((p) => [p.name, { shape: p.shape, data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)) }]));
  return engine.writeSafetensors(tensors);
};
const WEIGHTS = tinyWeights();

export const RUNS = syntheticLedger({
  law: core.ziarko2024,
  models: ['pythia-14m', 'pythia-31m', 'pythia-70m'],
  methods: { full: true, freeze: false, bias: true, lora: false },
  budgets: [6e15, 9.6e16],
  noise: 0.01,
  seed: 5,
});
const QUICK_FIT = () => ({ bootstrap: false, crossValidation: false, maxIterations: 40 });
const FITTED = core.fitLaw(RUNS, { bootstrap: { replicates: 4, seed: 0 }, crossValidation: false, maxIterations: 60 });
const ledgerText = RUNS.map((r) => JSON.stringify(r)).join('\n');
const observations = core.parseLedger(ledgerText);
const queryOf = () => ({ model: 'pythia-70m', method: { kind: 'full' }, tokens: 1e8 });
const planner = core.createPlanner({ models: ['pythia-14m', 'pythia-70m'] });

const PLAN_FIELDS = ['models', 'methods', 'law', 'accounting', 'sequenceLength', 'batchSize', 'tokensPerPair', 'hardware', 'runnersUp', 'inferenceTokens', 'maxMemoryBytes', 'memory', 'maxPairs', 'throughput'];
const planAccepts = Object.fromEntries(PLAN_FIELDS.map((f) => [f, ['undefined', ...(['memory', 'throughput'].includes(f) ? ['{}'] : []), ...(f === 'runnersUp' ? ['0'] : [])]]));
planAccepts['methods'] = ['undefined', '{}'];
planAccepts['hardware'] = ['undefined'];
planAccepts['inferenceTokens'] = ['undefined', '2^60'];
planAccepts['maxMemoryBytes'] = ['undefined', '2^60'];

export const ENTRY_POINTS: readonly EntryPoint[] = [
  // catalog, methods, FLOP, units
  { name: 'architectureFromConfig', call: core.architectureFromConfig as never, args: [
    { name: 'config', valid: hfConfig, fields: Object.keys(hfConfig()), fieldAccepts: { max_position_embeddings: OPT, rotary_pct: OPT, rotary_emb_base: OPT, layer_norm_eps: OPT, use_parallel_residual: ['undefined', 'true'], hidden_act: OPT } },
    { name: 'name', valid: () => 'tiny', accepts: ['undefined', '"text"'] },
  ] },
  { name: 'resolveModel', call: core.resolveModel as never, args: [{ name: 'model', valid: tiny, fields: Object.keys(tiny()), fieldAccepts: { name: ['"text"'], useParallelResidual: ['true'] }, strict: true }] },
  { name: 'parameterCounts', call: core.parameterCounts as never, args: [{ name: 'model', valid: pythia14m, fields: ['numLayers', 'hiddenSize', 'vocabSize'], strict: true }] },
  { name: 'loraParameterCounts', call: core.loraParameterCounts as never, args: [{ name: 'model', valid: pythia14m }, { name: 'rank', valid: () => 8 }] },
  { name: 'checkMethod', call: core.checkMethod as never, args: [{ name: 'method', valid: lora, fields: ['kind', 'rank', 'alpha'], fieldAccepts: { alpha: OPT }, strict: true }, { name: 'model', valid: pythia14m }] },
  { name: 'trainableParameters', call: core.trainableParameters as never, args: [{ name: 'model', valid: pythia14m }, { name: 'method', valid: () => ({ kind: 'freeze', trainableBlocks: 2 }), fields: ['trainableBlocks'], strict: true }] },
  { name: 'describeMethod', call: core.describeMethod as never, args: [{ name: 'method', valid: lora, strict: true }, { name: 'model', valid: pythia14m, accepts: OPT }] },
  { name: 'trainingFlops', call: core.trainingFlops as never, args: [
    { name: 'model', valid: () => 'pythia-70m' },
    { name: 'method', valid: lora, fields: ['rank', 'alpha'], fieldAccepts: { alpha: OPT }, strict: true },
    { name: 'tokens', valid: () => 1e9 },
    { name: 'options', valid: () => ({ accounting: 'detailed', sequenceLength: 75 }), accepts: OPTIONS, fields: ['accounting', 'sequenceLength'], fieldAccepts: { accounting: OPT, sequenceLength: OPT }, strict: true },
  ] },
  { name: 'tokensToPairs', call: core.tokensToPairs as never, args: [{ name: 'tokens', valid: () => 7800 }, { name: 'tokensPerPair', valid: () => 78, accepts: OPT }] },
  { name: 'pairsToTokens', call: core.pairsToTokens as never, args: [{ name: 'pairs', valid: () => 100 }, { name: 'tokensPerPair', valid: () => 78, accepts: OPT }] },
  { name: 'pairsToSteps', call: core.pairsToSteps as never, args: [{ name: 'pairs', valid: () => 100 }, { name: 'batchSize', valid: () => 16, accepts: OPT }] },
  { name: 'tokensToSteps', call: core.tokensToSteps as never, args: [{ name: 'tokens', valid: () => 7800 }, { name: 'batchSize', valid: () => 16, accepts: OPT }, { name: 'tokensPerPair', valid: () => 78, accepts: OPT }] },
  // budgets
  { name: 'findGpu', call: core.findGpu as never, args: [{ name: 'name', valid: () => 'H100', accepts: ['"text"', '""'] }] },
  { name: 'resolveBudget', call: core.resolveBudget as never, args: [
    { name: 'budget', valid: () => ({ gpuHours: 10, gpu: 'H100', mfu: 0.4, dtype: 'bf16', pricePerGpuHour: 3 }), accepts: ['2^60'], fields: ['gpuHours', 'gpu', 'mfu', 'dtype', 'pricePerGpuHour'], fieldAccepts: { mfu: OPT, dtype: OPT, pricePerGpuHour: OPT }, strict: true },
  ] },
  { name: 'resolveHardware', call: core.resolveHardware as never, args: [
    { name: 'hardware', valid: () => ({ gpu: 'A100', mfu: 0.5, dtype: 'bf16', pricePerGpuHour: 2 }), accepts: OPT, fields: ['gpu', 'mfu', 'dtype', 'pricePerGpuHour'], fieldAccepts: { mfu: OPT, dtype: OPT, pricePerGpuHour: OPT }, strict: true },
  ] },
  { name: 'budgetViews', call: core.budgetViews as never, args: [{ name: 'flop', valid: () => 1e18, accepts: ['2^60'] }, { name: 'hardware', valid: () => core.resolveHardware(undefined) }] },
  // laws
  { name: 'capacityLaw', call: core.capacityLaw as never, args: [
    { name: 'name', valid: () => 'mine', accepts: ['"text"'] },
    { name: 'coefficients', valid: () => ({ ...core.ZIARKO2024_COEFFICIENTS }), fields: ['E', 'A', 'alpha', 'delta', 'rho', 'data', 'penalty'], fieldAccepts: { E: MAGNITUDE, A: MAGNITUDE, alpha: EXPONENT, delta: EXPONENT, rho: EXPONENT, penalty: ['{}'] }, strict: true },
    { name: 'metadata', valid: () => ({ provenance: 'test', fittedToRuns: false }) },
  ] },
  { name: 'ziarko2024.predict', call: ((q: unknown) => core.ziarko2024.predict(q as never)) as never, args: [{ name: 'query', valid: queryOf, fields: ['model', 'method', 'tokens'] }] },
  { name: 'ziarko2024.supports', call: ((q: unknown) => core.ziarko2024.supports!(q as never)) as never, args: [{ name: 'query', valid: queryOf, fields: ['model', 'method'] }] },
  { name: 'fitted law.predict', call: ((q: unknown) => FITTED.predict(q as never)) as never, args: [{ name: 'query', valid: queryOf, fields: ['model', 'method', 'tokens'] }] },
  { name: 'fitted law.interval', call: ((q: unknown, l: unknown) => FITTED.interval(q as never, l as never)) as never, args: [{ name: 'query', valid: queryOf, fields: ['model', 'method', 'tokens'] }, { name: 'level', valid: () => 0.8, accepts: OPT }] },
  // planning
  { name: 'createPlanner', call: core.createPlanner as never, args: [{ name: 'options', valid: () => ({ models: ['pythia-14m'], methods: { full: true, lora: { ranks: [8] } } }), accepts: OPTIONS, fields: PLAN_FIELDS, fieldAccepts: planAccepts, strict: true }] },
  { name: 'optimalRecipe', call: core.optimalRecipe as never, args: [
    { name: 'budget', valid: () => 1e17, accepts: ['2^60'] },
    { name: 'options', valid: () => ({ models: ['pythia-14m', 'pythia-70m'] }), accepts: OPTIONS, fields: PLAN_FIELDS, fieldAccepts: planAccepts, strict: true },
  ] },
  { name: 'frontier', call: core.frontier as never, args: [{ name: 'budgets', valid: () => [1e16, 1e18] }, { name: 'options', valid: () => ({ models: ['pythia-14m', 'pythia-70m'] }), accepts: OPTIONS }] },
  { name: 'bisectCrossover', call: core.bisectCrossover as never, args: [{ name: 'planner', valid: () => planner }, { name: 'low', valid: () => 1e16 }, { name: 'high', valid: () => 1e17, accepts: ['2^60'] }, { name: 'relTol', valid: () => 1e-3, accepts: OPT }] },
  // fitting
  { name: 'fitLaw', call: core.fitLaw as never, args: [
    { name: 'observations', valid: () => RUNS },
    { name: 'options', valid: QUICK_FIT, skip: OPTIONS, fields: ['name', 'provenance', 'exclude', 'fixed', 'huberDelta', 'level', 'bootstrap', 'crossValidation', 'maxIterations'], fieldAccepts: { name: ['undefined', '"text"'], provenance: ['undefined', '"text"', '""'], exclude: ['undefined', '[]'], fixed: ['undefined', '{}'], huberDelta: OPT, level: OPT, bootstrap: ['undefined', '{}'], crossValidation: ['undefined', 'true'], maxIterations: OPT }, strict: true },
  ] },
  { name: 'toObservation', call: core.toObservation as never, args: [{ name: 'record', valid: () => ({ ...RUNS[0]! }), fields: ['model', 'method', 'pairs', 'loss', 'budget'], fieldAccepts: { budget: ['undefined', '2^60'] }, strict: true }] },
  { name: 'parseLedger', call: core.parseLedger as never, args: [{ name: 'text', valid: () => ledgerText, accepts: ['""'] }, { name: 'options', valid: () => ({ source: 'runs.jsonl' }), accepts: OPTIONS }] },
  { name: 'formatLedgerLine', call: core.formatLedgerLine as never, args: [{ name: 'observation', valid: () => observations[0] }] },
  { name: 'measuredThroughput', call: core.measuredThroughput as never, args: [{ name: 'observations', valid: () => observations.map((o) => ({ ...o, seconds: 10 })) }] },
  { name: 'flattenCoefficients', call: core.flattenCoefficients as never, args: [{ name: 'coefficients', valid: () => FITTED.coefficients }] },
  { name: 'saveLaw', call: core.saveLaw as never, args: [{ name: 'law', valid: () => FITTED }] },
  { name: 'loadLaw', call: core.loadLaw as never, args: [
    { name: 'json', valid: () => JSON.parse(JSON.stringify(core.saveLaw(FITTED))), fields: ['format', 'name', 'provenance', 'fittedToRuns', 'budgetRange', 'coefficients', 'level', 'replicates'], fieldAccepts: { name: ['"text"'], provenance: ['"text"', '""'], fittedToRuns: ['true'], budgetRange: OPT, level: OPT, replicates: ['undefined', '[]'] }, strict: true },
    { name: 'field', valid: () => 'law', accepts: ['undefined', '"text"'] },
  ] },
  // safetensors on bytes
  { name: 'parseSafetensorsHeader', call: engine.parseSafetensorsHeader as never, args: [{ name: 'bytes', valid: () => WEIGHTS }, { name: 'options', valid: () => ({ maxHeaderBytes: 1e6 }), accepts: OPTIONS }] },
  { name: 'readSafetensors', call: engine.readSafetensors as never, args: [{ name: 'bytes', valid: () => WEIGHTS }, { name: 'options', valid: () => ({}), accepts: OPTIONS }] },
  { name: 'decodeTensor', call: engine.decodeTensor as never, args: [{ name: 'entry', valid: () => ({ dtype: 'F32' }) }, { name: 'raw', valid: () => new Uint8Array(8) }] },
  { name: 'writeSafetensors', call: engine.writeSafetensors as never, args: [{ name: 'tensors', valid: () => ({ a: { shape: [2], data: [1, 2] } }), accepts: ['{}'], fields: ['a'] }, { name: 'metadata', valid: () => ({ k: 'v' }), accepts: OPTIONS, fields: ['k'], fieldAccepts: { k: ['"text"', '""'] } }] },
  { name: 'checkLayout', call: engine.checkLayout as never, args: [{ name: 'source', valid: () => engine.parseSafetensorsHeader(WEIGHTS) }, { name: 'expected', valid: () => new Map(engine.gptNeoXParameters(core.architectureFromConfig(hfConfig())).map((p) => [p.name, { shape: p.shape }])) }] },
  { name: 'describeProblem', call: engine.describeProblem as never, args: [{ name: 'problem', valid: () => ({ kind: 'missing', name: 'a', expected: 'F32 [2]' }) }] },
  // the engine's loaders
  { name: 'loadCheckpoint', call: engine.loadCheckpoint as never, args: [
    { name: 'files', valid: () => ({ config: hfConfig(), weights: WEIGHTS }), fields: ['config', 'weights'] },
    { name: 'options', valid: () => ({ dtype: 'f64', name: 'tiny' }), accepts: OPTIONS, fields: ['dtype'], fieldAccepts: { dtype: OPT } },
  ] },
  { name: 'loadParameters', call: engine.loadParameters as never, args: [{ name: 'architecture', valid: () => core.architectureFromConfig(hfConfig(), 'tiny') }, { name: 'weights', valid: () => WEIGHTS }, { name: 'dtype', valid: () => 'f32', accepts: OPT }] },
  { name: 'loadAdapters', call: engine.loadAdapters as never, args: [{ name: 'bytes', valid: () => engine.writeSafetensors({}) }, { name: 'plan', valid: () => ({ adapters: [] }) }, { name: 'dtype', valid: () => 'f32', accepts: OPT }] },
  { name: 'peftAdapterTensors', call: engine.peftAdapterTensors as never, args: [{ name: 'adapters', valid: () => new Map() }, { name: 'options', valid: () => ({ causalLm: true }), accepts: OPTIONS }] },
];

/** ./node entry points taking paths: fuzzed with bad values here and with hostile files in the suite. */
export const NODE = node;
