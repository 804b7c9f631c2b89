/**
 * The conformance suite every backend runs, as data: `conformanceCases(makeBackend, options)` returns
 * named async checks that throw on failure, so a backend package's test file does
 *
 *   for (const c of conformanceCases(() => myBackend(), { fixtures: nodeFixtureSource() })) it(c.name, c.run);
 *
 * and core never depends on a test runner. The cases: the declared contract; every op's literal
 * cases (op-cases.ts); finite-difference gradients on any backend; fused composites against their
 * decompositions (forward and backward); the golden PyTorch fixtures (forward, gradients of the four
 * methods, three AdamW steps of each through the trainer); residency and `updates` (after N steps
 * the backend's parameters equal the reference backend's); release (every resident tensor freed,
 * also after an error); bitwise resume. Tolerances per dtype (tolerance.ts).
 *
 * Each case makes its own backend (so counters start clean) and disposes it. Not a benchmark.
 */
import type { Backend } from '../engine/backend.js';
import { GraphBuilder, type Tensor } from '../engine/builder.js';
import type { FloatDType } from '../engine/dtype.js';
import { grad, gradOutputName } from '../engine/grad.js';
import { gradCheckOn } from '../engine/grad-check.js';
import { type Graph, outputUpdates } from '../engine/graph.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import type { CompositeKind } from '../engine/ops.js';
import { decomposeUnclaimed } from '../engine/passes/decompose.js';
import { seededRandom, uniformValues } from '../engine/seeded-random.js';
import { sizeOf } from '../engine/shape.js';
import type { SafetensorsContents } from '../io/safetensors-read.js';
import type { FineTuningMethod } from '../methods/method.js';
import { parameterFeeds } from '../model/parameter-map.js';
import { buildLossGraph, buildTrainingGraph } from '../model/training-graph.js';
import { referenceBackend } from '../reference/backend.js';
import { appendAdamW, momentName } from '../train/adamw.js';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../train/checkpoint.js';
import { arrayPairSource, syntheticPairs } from '../train/pairs.js';
import { type TrainerEvent, type TrainerOptions, train } from '../train/trainer.js';
import { type FixtureSource, type GoldenFixtures, type GoldenMethod, loadGoldenFixtures } from './fixtures.js';
import { opLiteralCases } from './op-cases.js';
import { type SuiteDType, TOLERANCES, scaledError } from './tolerance.js';
import { trackResidentTensors } from './tracking-backend.js';

export interface ConformanceCase {
  readonly name: string;
  readonly run: () => Promise<void>;
}

export interface ConformanceOptions {
  /** Where the golden fixtures come from (`nodeFixtureSource()` in Node). */
  readonly fixtures: FixtureSource;
  /** Float dtype to test in (the master dtype of parameters; f16 compute is a graph option). Default f64 when the backend declares it, else f32. */
  readonly dtype?: SuiteDType;
}

/** A check failed: the message says what, by how much, and the bound. */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

const GOLDEN_METHODS: Record<GoldenMethod, FineTuningMethod> = {
  full: { kind: 'full' },
  freeze: { kind: 'freeze', trainableBlocks: 1 },
  bias: { kind: 'bias' },
  lora: { kind: 'lora', rank: 4, alpha: 8 },
};
const GOLDEN_SHAPE = { B: 4, Tq: 6, Tp: 9 };

export function conformanceCases(makeBackend: () => Backend | Promise<Backend>, options: ConformanceOptions): ConformanceCase[] {
  let fixtures: Promise<GoldenFixtures> | undefined;
  const golden = () => (fixtures ??= loadGoldenFixtures(options.fixtures));
  const withBackend = async <T>(fn: (backend: Backend, dtype: SuiteDType) => Promise<T>): Promise<T> => {
    const backend = await makeBackend();
    try {
      const dtype: SuiteDType = options.dtype ?? (backend.support.dtypes.includes('f64') ? 'f64' : 'f32');
      return await fn(backend, dtype);
    } finally {
      backend.dispose();
    }
  };
  const bound = (what: string, error: number, limit: number) => {
    if (!(error <= limit)) throw new ConformanceFailure(`${what}: scaled error ${error} exceeds ${limit}`);
  };
  const cases: ConformanceCase[] = [];
  const add = (name: string, run: () => Promise<void>) => cases.push({ name, run });

  add('contract: support is declared, and resident backends have upload, download and release', () =>
    withBackend(async (backend) => {
      const s = backend.support;
      if (!s.dtypes.includes('i32') || !(s.dtypes.includes('f32') || s.dtypes.includes('f64'))) throw new ConformanceFailure(`dtypes ${JSON.stringify(s.dtypes)}: need i32 and a float dtype`);
      const methods = ['upload', 'download', 'release'] as const;
      for (const m of methods) {
        if (s.resident && typeof backend[m] !== 'function') throw new ConformanceFailure(`support.resident is true but ${m} is missing`);
      }
    }),
  );

  for (const c of opLiteralCases()) {
    add(`ops: ${c.kind}: ${c.name}`, () => withBackend((backend, dtype) => c.check(backend, dtype, TOLERANCES[dtype].literal)));
  }

  for (const [name, recipe] of Object.entries(GRAD_RECIPES)) {
    add(`gradients: ${name} against central differences`, () =>
      withBackend(async (backend, dtype) => {
        const { graph, feeds, wrt } = recipe(dtype);
        const results = await gradCheckOn(backend, graph, feeds, { loss: 'loss', wrt, step: dtype === 'f64' ? 1e-5 : 1e-2 });
        for (const r of results) {
          if (r.scale === 0) throw new ConformanceFailure(`${name}: the gradient wrt ${r.input} is identically zero (the check would be vacuous)`);
          bound(`${name}: gradient wrt ${r.input}`, r.relativeError, TOLERANCES[dtype].gradCheck);
        }
      }),
    );
  }

  for (const kind of Object.keys(COMPOSITE_RECIPES) as CompositeKind[]) {
    add(`composites: ${kind} fused equals its decomposition, forward and backward`, () =>
      withBackend(async (backend, dtype) => {
        const { graph, feeds, wrt } = COMPOSITE_RECIPES[kind](dtype);
        const withGrad = grad(graph, { loss: 'loss', wrt });
        if (!graph.nodes.some((n) => n.kind === kind)) throw new ConformanceFailure(`the ${kind} recipe has no ${kind} node`);
        const fused = await runOnce(backend, withGrad, feeds);
        const decomposed = await runOnce(backend, decomposeUnclaimed(withGrad, []), feeds);
        for (const name of Object.keys(decomposed)) bound(`${kind} output ${name}`, scaledError(fused[name]!.data, decomposed[name]!.data), TOLERANCES[dtype].literal * 100);
      }),
    );
  }

  add('golden: forward scores and InfoNCE loss match PyTorch', () =>
    withBackend(async (backend, dtype) => {
      const g = await golden();
      const model = g.model(dtype);
      const { graph } = buildLossGraph(model.architecture, { kind: 'full' }, GOLDEN_SHAPE, { dtype });
      const out = await runOnce(backend, graph, { ...g.batchFeeds(), ...parameterFeeds(graph, model.parameters) });
      const forward = await g.file('forward.safetensors');
      bound('loss', Math.abs(out.loss!.data[0]! - g.manifest.loss) / g.manifest.loss, TOLERANCES[dtype].forward);
      bound('scores', scaledError(out.scores!.data, floats(forward, 'scores')), TOLERANCES[dtype].forward);
    }),
  );

  for (const [method, spec] of Object.entries(GOLDEN_METHODS) as [GoldenMethod, FineTuningMethod][]) {
    add(`golden: ${method} gradients match PyTorch`, () =>
      withBackend(async (backend, dtype) => {
        const g = await golden();
        const model = g.model(dtype);
        const t = buildTrainingGraph(model.architecture, spec, GOLDEN_SHAPE, { dtype, loraEmbedIn: false });
        const adapters = method === 'lora' ? await g.tensors('lora-init.safetensors', dtype) : new Map<string, HostTensor>();
        const out = await runOnce(backend, t.graph, { ...g.batchFeeds(), ...parameterFeeds(t.graph, model.parameters, adapters) });
        const grads = await g.file(g.manifest.methods[method].grads_file);
        for (const p of t.trainable) bound(`gradient of ${p}`, scaledError(out[gradOutputName(p)]!.data, floats(grads, p)), TOLERANCES[dtype].gradients);
      }),
    );
    add(`golden: ${method}, three AdamW steps through the trainer match PyTorch`, () =>
      withBackend(async (backend, dtype) => {
        const g = await golden();
        const model = g.model(dtype);
        const m = g.manifest.methods[method];
        const pairs = g.pairs();
        const events: TrainerEvent[] = [];
        const result = await train(
          {
            backend,
            architecture: model.architecture,
            method: spec,
            parameters: model.parameters,
            ...(method === 'lora' ? { adapters: await g.tensors('lora-init.safetensors', dtype), loraEmbedIn: false } : {}),
            data: arrayPairSource([...pairs, ...pairs, ...pairs]),
            batch: GOLDEN_SHAPE,
            steps: g.manifest.schedule.total_steps,
            peakLearningRate: g.manifest.schedule.peak_lr,
            dtype,
          },
          (e) => events.push(e),
        );
        const steps = events.flatMap((e) => (e.kind === 'step' ? [e] : []));
        if (steps.length !== 3) throw new ConformanceFailure(`${steps.length} steps taken, expected 3`);
        steps.forEach((e, i) => bound(`loss before step ${i + 1}`, Math.abs(e.loss! - m.losses_before_each_step[i]!) / m.losses_before_each_step[i]!, TOLERANCES[dtype].forward));
        const after = await g.file(m.after_file);
        for (const p of m.trainable) bound(`${p} after 3 steps`, scaledError(result.parameters.get(p)!.data, floats(after, p)), TOLERANCES[dtype].steps);
      }),
    );
  }

  add('updates: the compiled training graph keeps an updates link for every trainable tensor and moment', () =>
    withBackend(async (backend, dtype) => {
      const g = await golden();
      const model = g.model(dtype);
      const t = buildTrainingGraph(model.architecture, { kind: 'lora', rank: 2 }, GOLDEN_SHAPE, { dtype });
      const exe = await backend.compile(appendAdamW(t.graph, t.trainable));
      try {
        const links = outputUpdates(exe.graph);
        for (const n of t.trainable) for (const id of [n, momentName('m', n), momentName('v', n)]) if (!links.has(id)) throw new ConformanceFailure(`no output updates ${id}`);
      } finally {
        exe.dispose();
      }
    }),
  );

  const tinyRun = async (backend: Backend, dtype: SuiteDType, overrides: Partial<TrainerOptions> = {}) => {
    const g = await golden();
    const model = g.model(dtype);
    return train({
      backend,
      architecture: model.architecture,
      method: { kind: 'full' },
      parameters: model.parameters,
      data: syntheticPairs({ vocabSize: model.architecture.vocabSize, topics: 16, seed: 11 }),
      batch: { B: 4, Tq: 6, Tp: 8 },
      steps: 4,
      peakLearningRate: 1e-2,
      dtype,
      ...overrides,
    });
  };

  add('residency: after 4 steps the parameters and moments kept on the device equal the reference backend’s', () =>
    withBackend(async (backend, dtype) => {
      const mine = await tinyRun(backend, dtype);
      const reference = await tinyRun(referenceBackend(), dtype);
      for (const [name, t] of reference.checkpoint.parameters) bound(`parameter ${name}`, scaledError(mine.checkpoint.parameters.get(name)!.data, t.data), TOLERANCES[dtype].steps);
      for (const [name, t] of reference.checkpoint.moments) bound(`moment ${name}`, scaledError(mine.checkpoint.moments.get(name)!.data, t.data), TOLERANCES[dtype].steps);
    }),
  );

  add('release: every resident tensor is released after a run and after a failed one', () =>
    withBackend(async (inner, dtype) => {
      const tracked = trackResidentTensors(inner);
      await tinyRun(tracked.backend, dtype, { steps: 2 });
      if (tracked.live().length > 0) throw new ConformanceFailure(`after a run, live: ${tracked.live().join('; ')}`);
      const failed = await tinyRun(tracked.backend, dtype, { steps: 2, peakLearningRate: 1e300 }).then(
        () => false,
        () => true,
      );
      if (!failed) throw new ConformanceFailure('a run at learning rate 1e300 did not fail (divergence went unnoticed)');
      if (tracked.live().length > 0) throw new ConformanceFailure(`after a failed run, live: ${tracked.live().join('; ')}`);
      if (tracked.problems.length > 0) throw new ConformanceFailure(tracked.problems.join('; '));
    }),
  );

  add('resume: 2 steps, checkpoint bytes, 2 more equal 4 straight, bit for bit', () =>
    withBackend(async (backend, dtype) => {
      const straight = await tinyRun(backend, dtype);
      const first = await tinyRun(backend, dtype, { maxSteps: 2 });
      const resumed = await tinyRun(backend, dtype, { resume: decodeTrainerCheckpoint(encodeTrainerCheckpoint(first.checkpoint)) });
      for (const [name, t] of [...straight.checkpoint.parameters, ...straight.checkpoint.moments]) {
        const r = resumed.checkpoint.parameters.get(name) ?? resumed.checkpoint.moments.get(name)!;
        if (!sameBits(r, t)) throw new ConformanceFailure(`${name} differs between the resumed and the straight run`);
      }
    }),
  );

  return cases;
}

/** A fixture tensor's values (F32 or F64 files). */
function floats(file: SafetensorsContents, name: string): Float32Array | Float64Array {
  const t = file.tensors.get(name);
  if (!t) throw new ConformanceFailure(`fixture tensor ${name} missing`);
  return t.data as Float32Array | Float64Array;
}

async function runOnce(backend: Backend, graph: Graph, feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>> {
  const exe = await backend.compile(graph);
  try {
    return await exe.run(feeds);
  } finally {
    exe.dispose();
  }
}

function sameBits(a: HostTensor, b: HostTensor): boolean {
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

// ---- small graphs for gradient and composite checks --------------------------------------------

interface Recipe {
  readonly graph: Graph;
  readonly feeds: Record<string, HostTensor>;
  readonly wrt: string[];
}

/** loss = Σ f(inputs) · r with a fixed random r, so every output element matters. */
function recipe(dtype: FloatDType, inputs: Record<string, readonly number[]>, f: (b: GraphBuilder, x: Record<string, Tensor>) => Tensor, extra: Record<string, HostTensor> = {}): Recipe {
  const b = new GraphBuilder({ dtype });
  const random = seededRandom(7);
  const x: Record<string, Tensor> = {};
  const feeds: Record<string, HostTensor> = {};
  for (const [name, shape] of Object.entries(inputs)) {
    x[name] = b.param(name, shape);
    feeds[name] = hostTensor(dtype, shape, uniformValues(random, sizeOf(shape)));
  }
  for (const [name, t] of Object.entries(extra)) {
    x[name] = b.data(name, t.shape, t.dtype);
    feeds[name] = t;
  }
  const y = f(b, x);
  const r = b.constant(uniformValues(random, sizeOf(y.shape)), y.shape, dtype);
  b.output('loss', b.sum(b.mul(y, r)));
  return { graph: b.build(), feeds, wrt: Object.keys(inputs) };
}

const causalMask = hostTensor('i32', [1, 3], [1, 1, 0]);

const COMPOSITE_RECIPES: Record<CompositeKind, (dtype: FloatDType) => Recipe> = {
  softmax: (d) => recipe(d, { x: [2, 3] }, (b, x) => b.softmax(x.x!)),
  logSoftmax: (d) => recipe(d, { x: [2, 3] }, (b, x) => b.logSoftmax(x.x!)),
  layerNorm: (d) => recipe(d, { x: [2, 4], w: [4], c: [4] }, (b, x) => b.layerNorm(x.x!, x.w!, x.c!)),
  gelu: (d) => recipe(d, { x: [5] }, (b, x) => b.gelu(x.x!)),
  attention: (d) => recipe(d, { q: [2, 3, 2], k: [2, 3, 2], v: [2, 3, 2] }, (b, x) => b.attention(x.q!, x.k!, x.v!, { causal: true, mask: b.value('m') }), { m: causalMask }),
  // The backward composites, as `grad` emits them (their own gradient goes through their decomposition).
  geluGrad: (d) => recipe(d, { x: [5], dy: [5] }, (b, x) => b.node('geluGrad', [x.x!, x.dy!], {})),
  softmaxGrad: (d) => recipe(d, { y: [2, 3], dy: [2, 3] }, (b, x) => b.node('softmaxGrad', [b.softmax(x.y!), x.dy!], { axis: 1 })),
  logSoftmaxGrad: (d) => recipe(d, { y: [2, 3], dy: [2, 3] }, (b, x) => b.node('logSoftmaxGrad', [b.logSoftmax(x.y!), x.dy!], { axis: 1 })),
  layerNormGrad: (d) => recipe(d, { x: [2, 4], w: [4], dy: [2, 4] }, (b, x) => b.node('layerNormGrad', [x.x!, x.w!, x.dy!], { eps: 1e-5, grads: [true, true, true] })),
  attentionGrad: (d) =>
    recipe(d, { q: [2, 3, 2], k: [2, 3, 2], v: [2, 3, 2], dy: [2, 3, 2] }, (b, x) => b.node('attentionGrad', [x.q!, x.k!, x.v!, x.dy!, b.value('m')], { causal: true, scale: 0.7, grads: [true, true, true] }), {
      m: causalMask,
    }),
  // The optimiser composites (differentiable through their decompositions, though AdamW never needs it).
  adamMoment: (d) => recipe(d, { m: [2, 3], g: [2, 3] }, (b, x) => b.node('adamMoment', [x.m!, x.g!], { beta: 0.9, squared: true })),
  adamwParam: (d) =>
    recipe(d, { p: [4], m: [4], v: [4], d: [], s: [], c: [] }, (b, x) =>
      b.node('adamwParam', [x.p!, x.m!, b.add(b.mul(x.v!, x.v!), 0.1), x.d!, x.s!, b.add(b.mul(x.c!, x.c!), 0.5)], { eps: 1e-3 }),
    ),
};

const GRAD_RECIPES: Record<string, (dtype: FloatDType) => Recipe> = {
  ...COMPOSITE_RECIPES,
  'linear (matmul, add)': (d) => recipe(d, { x: [3, 2], w: [4, 2], c: [4] }, (b, x) => b.linear(x.x!, x.w!, x.c!)),
  'elementwise (mul, div, exp, tanh, sqrt)': (d) => recipe(d, { x: [4], y: [4] }, (b, x) => b.div(b.mul(b.exp(x.x!), b.tanh(x.y!)), b.sqrt(b.add(b.mul(x.y!, x.y!), 1)))),
  'reductions (mean, max)': (d) => recipe(d, { x: [3, 4] }, (b, x) => b.add(b.mean(x.x!, 1), b.max(x.x!, 1))),
  'layout (transpose, reshape, slice, concat)': (d) => recipe(d, { x: [2, 3] }, (b, x) => b.concat([b.reshape(b.transpose(x.x!, [1, 0]), [2, 3]), b.sliceAxis(x.x!, 1, 1)], 1)),
  'gather (embedding rows)': (d) => recipe(d, { t: [4, 2] }, (b, x) => b.gather(x.t!, b.value('ids')), { ids: hostTensor('i32', [3], [2, 0, 2]) }),
};
