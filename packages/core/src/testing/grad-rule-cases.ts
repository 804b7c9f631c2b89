/**
 * The gradient-rule cases every backend's autodiff is checked with: per op kind, small graphs on random
 * shapes with broadcasting and reductions (or `NO_GRADIENT` for ops that have none), keyed by op kind
 * so a new op without a case is a compile error. `gradRuleGraph` builds a case's graph — its output
 * weighted by a random projection and summed into `loss` — with its seeded feeds and the float inputs
 * to differentiate; the caller checks it with `gradCheck` (sync) or `gradCheckOn` (any backend).
 * The reference backend's rules test and the ONNX backend's both run this one table.
 */
import { GraphBuilder, type Tensor } from '../engine/builder.js';
import type { DType } from '../engine/dtype.js';
import type { Graph } from '../engine/graph.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import type { OpKind } from '../engine/ops.js';
import { seededRandom, uniformValues } from '../engine/seeded-random.js';
import { type Shape, sizeOf } from '../engine/shape.js';

export type Values = 'uniform' | 'positive' | 'distinct' | 'distinct-offset' | { ids: number } | { fixed: number[] } | 'mask';

export interface InputSpec {
  readonly shape: Shape;
  readonly values?: Values;
}

export interface GradCase {
  readonly name: string;
  readonly inputs: Readonly<Record<string, InputSpec>>;
  readonly build: (b: GraphBuilder, x: Readonly<Record<string, Tensor>>) => Tensor;
}

const c = (name: string, inputs: Record<string, InputSpec>, build: GradCase['build']): GradCase => ({ name, inputs, build });
const s = (...shape: number[]): InputSpec => ({ shape });
const pos = (...shape: number[]): InputSpec => ({ shape, values: 'positive' });

const binaryCases = (op: 'add' | 'sub' | 'mul' | 'div') => {
  const rhs = op === 'div' ? pos : s;
  return [
    c('same shape', { a: s(2, 3), b: rhs(2, 3) }, (b, x) => b[op](x.a!, x.b!)),
    c('broadcast [2,3,4] ∘ [3,1]', { a: s(2, 3, 4), b: rhs(3, 1) }, (b, x) => b[op](x.a!, x.b!)),
    c('broadcast [4] ∘ [2,1,4] (left smaller)', { a: s(4), b: rhs(2, 1, 4) }, (b, x) => b[op](x.a!, x.b!)),
    c('scalar operand', { a: s(3, 2) }, (b, x) => b[op](x.a!, 1.7)),
  ];
};

const unary = (op: 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'tanh' | 'erf', domain: 'uniform' | 'positive') => [
  c('[2,3,2]', { x: { shape: [2, 3, 2], values: domain } }, (b, x) => b[op](x.x!)),
];

const reduction = (op: 'sum' | 'mean' | 'max') => {
  const v: Values = op === 'max' ? 'distinct' : 'uniform';
  return [
    c('axes [0,2] dropped', { x: { shape: [2, 3, 4], values: v } }, (b, x) => b[op](x.x!, [0, 2])),
    c('axis -1 kept', { x: { shape: [3, 4], values: v } }, (b, x) => b[op](x.x!, -1, { keepDims: true })),
    c('all axes', { x: { shape: [2, 3], values: v } }, (b, x) => b[op](x.x!)),
  ];
};

export const NO_GRADIENT = 'no gradient' as const;

export const GRAD_RULE_CASES: { readonly [K in OpKind]: readonly GradCase[] | typeof NO_GRADIENT } = {
  constant: NO_GRADIENT,
  fill: NO_GRADIENT,
  iota: NO_GRADIENT,
  compare: NO_GRADIENT,
  add: binaryCases('add'),
  sub: binaryCases('sub'),
  mul: [...binaryCases('mul'), c('same tensor twice (accumulation)', { a: s(2, 3) }, (b, x) => b.mul(x.a!, x.a!))],
  div: binaryCases('div'),
  maximum: [
    c('broadcast [2,3] vs [3]', { a: { shape: [2, 3], values: 'distinct' }, b: { shape: [3], values: 'distinct-offset' } }, (b, x) =>
      b.maximum(x.a!, x.b!),
    ),
  ],
  neg: unary('neg', 'uniform'),
  exp: unary('exp', 'uniform'),
  log: unary('log', 'positive'),
  sqrt: unary('sqrt', 'positive'),
  rsqrt: unary('rsqrt', 'positive'),
  tanh: unary('tanh', 'uniform'),
  erf: [...unary('erf', 'uniform'), c('wide range', { x: s(7) }, (b, x) => b.erf(b.mul(x.x!, 3.5)))],
  cast: [c('f64 → f64', { x: s(2, 3) }, (b, x) => b.mul(b.cast(x.x!, 'f64'), x.x!))],
  where: [
    c('mask broadcast [2,1] over [2,3], scalar branch', { m: { shape: [2, 3], values: 'mask' }, a: s(2, 3) }, (b, x) =>
      b.where(x.m!, x.a!, -2),
    ),
    c('both branches, broadcast', { m: { shape: [2, 1], values: { fixed: [0, 1] } }, a: s(3), b: s(2, 3) }, (b, x) => b.where(x.m!, x.a!, x.b!)),
  ],
  matmul: [
    c('[3,4]·[4,5]', { a: s(3, 4), b: s(4, 5) }, (b, x) => b.matmul(x.a!, x.b!)),
    c('transposeA', { a: s(4, 3), b: s(4, 5) }, (b, x) => b.matmul(x.a!, x.b!, { transposeA: true })),
    c('transposeB', { a: s(3, 4), b: s(5, 4) }, (b, x) => b.matmul(x.a!, x.b!, { transposeB: true })),
    c('both transposed, batched', { a: s(2, 4, 3), b: s(2, 5, 4) }, (b, x) => b.matmul(x.a!, x.b!, { transposeA: true, transposeB: true })),
    c('[2,3,4]·[4,5] (weight shared over batch)', { a: s(2, 3, 4), b: s(4, 5) }, (b, x) => b.matmul(x.a!, x.b!)),
    c('linear: [2,3,4]·[5,4]ᵀ', { a: s(2, 3, 4), b: s(5, 4) }, (b, x) => b.matmul(x.a!, x.b!, { transposeB: true })),
    c('[3,4]·[2,4,5] (left broadcast)', { a: s(3, 4), b: s(2, 4, 5) }, (b, x) => b.matmul(x.a!, x.b!)),
    c('[2,1,3,4]·[3,4,2] batch broadcast both ways', { a: s(2, 1, 3, 4), b: s(3, 4, 2) }, (b, x) => b.matmul(x.a!, x.b!)),
  ],
  sum: reduction('sum'),
  max: [...reduction('max'), c('tied maxima share the gradient', { x: s(2, 3) }, (b, x) => b.max(b.mul(b.fill(1, [2, 3]), b.sum(x.x!)), 1))],
  mean: reduction('mean'),
  reshape: [c('[2,3,4] → [4,-1]', { x: s(2, 3, 4) }, (b, x) => b.reshape(x.x!, [4, -1]))],
  transpose: [c('perm [2,0,1]', { x: s(2, 3, 4) }, (b, x) => b.transpose(x.x!, [2, 0, 1]))],
  broadcast: [c('[3,1] → [2,3,4]', { x: s(3, 1) }, (b, x) => b.broadcast(x.x!, [2, 3, 4]))],
  slice: [
    c('box', { x: s(3, 5, 2) }, (b, x) => b.slice(x.x!, [1, 1, 0], [3, 4, 1])),
    c('sliceAxis negative', { x: s(2, 6) }, (b, x) => b.sliceAxis(x.x!, -1, -4, -1)),
  ],
  pad: [c('before/after with value', { x: s(2, 3) }, (b, x) => b.pad(x.x!, [1, 0], [2, 1], 0.5))],
  concat: [c('three inputs on axis 1', { a: s(2, 1, 3), b: s(2, 2, 3), d: s(2, 3, 3) }, (b, x) => b.concat([x.a!, x.b!, x.d!], 1))],
  gather: [c('ids [2,3] from table [5,4], repeats', { t: s(5, 4), ids: { shape: [2, 3], values: { ids: 5 } } }, (b, x) => b.gather(x.t!, x.ids!))],
  scatterAdd: [
    c('updates [2,3,2] into 4 rows', { ids: { shape: [2, 3], values: { ids: 4 } }, u: s(2, 3, 2) }, (b, x) => b.scatterAdd(x.ids!, x.u!, 4)),
  ],
  softmax: [
    c('axis -1', { x: s(2, 3, 4) }, (b, x) => b.softmax(x.x!, -1)),
    c('axis 0', { x: s(3, 2) }, (b, x) => b.softmax(x.x!, 0)),
  ],
  logSoftmax: [
    c('axis -1, large logits', { x: s(3, 5) }, (b, x) => b.logSoftmax(b.mul(x.x!, 40), -1)),
    c('axis 1 of 3', { x: s(2, 3, 2) }, (b, x) => b.logSoftmax(x.x!, 1)),
  ],
  layerNorm: [
    c('[2,3,5] with weight and bias', { x: s(2, 3, 5), w: s(5), bias: s(5) }, (b, x) => b.layerNorm(x.x!, x.w!, x.bias!, 1e-5)),
    c('weight frozen (constant): dx and dbias packed', { x: s(3, 4), bias: s(4) }, (b, x) =>
      b.layerNorm(x.x!, b.constant([0.5, 1.5, -1, 2], [4], 'f64'), x.bias!, 1e-5),
    ),
  ],
  gelu: [c('[3,4] wide range', { x: s(3, 4) }, (b, x) => b.gelu(b.mul(x.x!, 3)))],
  attention: [
    c('causal + padding mask', { q: s(2, 2, 3, 4), k: s(2, 2, 3, 4), v: s(2, 2, 3, 4), m: { shape: [2, 1, 1, 3], values: 'mask' } }, (b, x) =>
      b.attention(x.q!, x.k!, x.v!, { causal: true, mask: x.m! }),
    ),
    c('causal, fewer queries than keys', { q: s(1, 2, 4), k: s(1, 3, 4), v: s(1, 3, 2) }, (b, x) =>
      b.attention(x.q!, x.k!, x.v!, { causal: true, scale: 0.7 }),
    ),
    c('unmasked, k/v broadcast over heads', { q: s(2, 3, 2, 4), k: s(2, 1, 3, 4), v: s(2, 1, 3, 5) }, (b, x) =>
      b.attention(x.q!, x.k!, x.v!, { causal: false }),
    ),
    c('v frozen (only dq, dk packed)', { q: s(1, 3, 4), k: s(1, 3, 4) }, (b, x) =>
      b.attention(x.q!, x.k!, b.constant(Array.from({ length: 12 }, (_, i) => Math.sin(i)), [1, 3, 4], 'f64'), { causal: true }),
    ),
  ],
  // Backward composites: their rule is 'decompose', so these are second-order checks through the
  // decompositions (the first-order rules that emit them are the forward cases above).
  geluGrad: [c('[3,4]', { x: s(3, 4), dy: s(3, 4) }, (b, x) => b.node('geluGrad', [b.mul(x.x!, 3), x.dy!], {}))],
  softmaxGrad: [c('axis 1', { y: pos(2, 4), dy: s(2, 4) }, (b, x) => b.node('softmaxGrad', [x.y!, x.dy!], { axis: 1 }))],
  logSoftmaxGrad: [c('axis 0', { y: s(3, 2), dy: s(3, 2) }, (b, x) => b.node('logSoftmaxGrad', [x.y!, x.dy!], { axis: 0 }))],
  layerNormGrad: [
    c('all three packed', { x: s(2, 3, 4), w: s(4), dy: s(2, 3, 4) }, (b, x) =>
      b.node('layerNormGrad', [x.x!, x.w!, x.dy!], { eps: 1e-5, grads: [true, true, true] }),
    ),
    c('dx and dbias only, rank 1', { x: s(5), w: s(5), dy: s(5) }, (b, x) =>
      b.node('layerNormGrad', [x.x!, x.w!, x.dy!], { eps: 1e-5, grads: [true, false, true] }),
    ),
  ],
  attentionGrad: [
    c('causal + mask, all three', { q: s(1, 2, 3, 2), k: s(1, 2, 3, 2), v: s(1, 2, 3, 2), dy: s(1, 2, 3, 2), m: { shape: [1, 1, 1, 3], values: 'mask' } }, (b, x) =>
      b.node('attentionGrad', [x.q!, x.k!, x.v!, x.dy!, x.m!], { causal: true, scale: 0.6, grads: [true, true, true] }),
    ),
    c('dk only, k/v broadcast', { q: s(2, 2, 3), k: s(1, 3, 3), v: s(1, 3, 2), dy: s(2, 2, 2) }, (b, x) =>
      b.node('attentionGrad', [x.q!, x.k!, x.v!, x.dy!], { causal: false, scale: 0.5, grads: [false, true, false] }),
    ),
  ],
  // The optimiser composites: rule 'decompose', checked like the backward composites.
  adamMoment: [
    c('m', { m: s(2, 3), g: s(2, 3) }, (b, x) => b.node('adamMoment', [x.m!, x.g!], { beta: 0.9, squared: false })),
    c('v (squared)', { v: s(3), g: s(3) }, (b, x) => b.node('adamMoment', [x.v!, x.g!], { beta: 0.999, squared: true })),
  ],
  adamwParam: [
    c('[2,3]', { p: s(2, 3), m: s(2, 3), v: pos(2, 3), d: s(), st: s(), c: pos() }, (b, x) =>
      b.node('adamwParam', [x.p!, x.m!, x.v!, x.d!, x.st!, x.c!], { eps: 1e-3 }),
    ),
  ],
};

function makeValues(spec: InputSpec, random: () => number): { dtype: DType; values: number[] } {
  const n = sizeOf(spec.shape);
  const kind = spec.values ?? 'uniform';
  if (typeof kind === 'object' && 'fixed' in kind) return { dtype: 'i32', values: kind.fixed };
  if (typeof kind === 'object') return { dtype: 'i32', values: Array.from({ length: n }, () => Math.floor(random() * kind.ids)) };
  if (kind === 'mask') {
    // At least one 1 per row keeps attention rows non-degenerate; the rest random.
    return { dtype: 'i32', values: Array.from({ length: n }, (_, i) => (i % spec.shape[spec.shape.length - 1]! === 0 ? 1 : random() < 0.5 ? 1 : 0)) };
  }
  if (kind === 'distinct' || kind === 'distinct-offset') {
    // Spaced 0.1 apart (0.05 offset for the second operand) so no finite-difference step crosses a tie.
    const order = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
    const half = Math.floor(n / 2);
    return { dtype: 'f64', values: order.map((i) => (i - half) * 0.1 + (kind === 'distinct-offset' ? 0.05 : 0)) };
  }
  return { dtype: 'f64', values: kind === 'positive' ? uniformValues(random, n, 0.5, 2) : uniformValues(random, n, -1, 1) };
}

/** A case's graph (output `loss`), seeded feeds and the float inputs to differentiate. Throws when the graph has no `kind` node. */
export function gradRuleGraph(kind: OpKind, gc: GradCase, seed: number): { graph: Graph; feeds: Record<string, HostTensor>; wrt: string[] } {
  const random = seededRandom(seed);
  const b = new GraphBuilder({ dtype: 'f64' });
  const feeds: Record<string, HostTensor> = {};
  const tensors: Record<string, Tensor> = {};
  const wrt: string[] = [];
  for (const [name, spec] of Object.entries(gc.inputs)) {
    const { dtype, values } = makeValues(spec, random);
    tensors[name] = dtype === 'i32' ? b.data(name, spec.shape, 'i32') : b.param(name, spec.shape, 'f64');
    feeds[name] = hostTensor(dtype, spec.shape, values);
    if (dtype !== 'i32') wrt.push(name);
  }
  const y = b.scope(kind, () => gc.build(b, tensors));
  // A random projection makes every output element matter to the loss with a different weight.
  const weights = b.constant(uniformValues(random, sizeOf(y.shape), 0.5, 1.5), y.shape, 'f64');
  b.output('loss', b.sum(b.mul(y, weights)));
  const graph = b.build();
  if (!graph.nodes.some((n) => n.kind === kind)) throw new Error(`gradient case ${gc.name} builds no ${kind} node`);
  return { graph, feeds, wrt };
}
