/**
 * Every op on hand-computed literals, as data the conformance suite runs on any backend. The table is
 * keyed by op kind, so a new op without a literal case is a compile error. Literals are mostly f64;
 * on a backend without f64 they run in f32 (inputs and expectations rounded), with f32 tolerance.
 * Composites are checked as the backend runs them (fused or decomposed, as it declares); the
 * reference backend's own test runs each case both ways.
 */
import type { Backend } from '../engine/backend.js';
import { GraphBuilder, type Tensor } from '../engine/builder.js';
import type { DType, FloatDType } from '../engine/dtype.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import type { OpKind } from '../engine/ops.js';
import type { Shape } from '../engine/shape.js';

export interface Literal {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly values: readonly number[];
}

export interface KernelCase {
  readonly name: string;
  readonly inputs: readonly Literal[];
  readonly build: (b: GraphBuilder, x: readonly Tensor[]) => Tensor;
  readonly expected: Literal;
}

const f64 = (shape: Shape, values: readonly number[]): Literal => ({ dtype: 'f64', shape, values });
const f32 = (shape: Shape, values: readonly number[]): Literal => ({ dtype: 'f32', shape, values });
const i32 = (shape: Shape, values: readonly number[]): Literal => ({ dtype: 'i32', shape, values });
const k = (name: string, inputs: Literal[], build: KernelCase['build'], expected: Literal): KernelCase => ({ name, inputs, build, expected });
const unary = (op: 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'tanh' | 'erf' | 'gelu', x: number[], y: number[]) =>
  k(`${op}(${x.join(', ')})`, [f64([x.length], x)], (b, [t]) => b[op](t!), f64([y.length], y));

const M23 = f64([2, 3], [1, 2, 3, 4, 5, 6]);
const LN2 = Math.log(2);
const LN3 = Math.log(3);

export const OP_LITERAL_CASES: { readonly [K in OpKind]: readonly KernelCase[] } = {
  constant: [k('literal [2,2]', [], (b) => b.constant([1, 2, 3, 4], [2, 2], 'f64'), f64([2, 2], [1, 2, 3, 4]))],
  fill: [k('2.5 × [2]', [], (b) => b.fill(2.5, [2], 'f64'), f64([2], [2.5, 2.5]))],
  iota: [
    k('axis 1 of [2,3]', [], (b) => b.iota([2, 3], 1), i32([2, 3], [0, 1, 2, 0, 1, 2])),
    k('axis 0 of [2,3] as f32', [], (b) => b.iota([2, 3], 0, 'f32'), f32([2, 3], [0, 0, 0, 1, 1, 1])),
  ],
  add: [
    k('[2,3] + [3]', [M23, f64([3], [10, 20, 30])], (b, [x, y]) => b.add(x!, y!), f64([2, 3], [11, 22, 33, 14, 25, 36])),
    k('f32 rounds: 0.1 + 0.2', [f32([1], [0.1]), f32([1], [0.2])], (b, [x, y]) => b.add(x!, y!), f32([1], [Math.fround(Math.fround(0.1) + Math.fround(0.2))])),
  ],
  sub: [k('[1] − [2,1]', [f64([1], [5]), f64([2, 1], [1, 2])], (b, [x, y]) => b.sub(x!, y!), f64([2, 1], [4, 3]))],
  mul: [
    k('[2,2] · [2,1]', [f64([2, 2], [1, 2, 3, 4]), f64([2, 1], [2, 3])], (b, [x, y]) => b.mul(x!, y!), f64([2, 2], [2, 4, 9, 12])),
    k('i32 wraps like 32-bit', [i32([1], [70000]), i32([1], [70000])], (b, [x, y]) => b.mul(x!, y!), i32([1], [605032704])),
  ],
  div: [
    k('f64 / scalar', [f64([3], [1, -7, 6])], (b, [x]) => b.div(x!, 2), f64([3], [0.5, -3.5, 3])),
    k('i32 truncates toward zero', [i32([2], [7, -7]), i32([1], [2])], (b, [x, y]) => b.div(x!, y!), i32([2], [3, -3])),
  ],
  maximum: [k('[3] vs [1]', [f64([3], [1, 5, -2]), f64([1], [3])], (b, [x, y]) => b.maximum(x!, y!), f64([3], [3, 5, 3]))],
  compare: (['lt', 'le', 'eq', 'ne', 'ge', 'gt'] as const).map((cmp, i) =>
    k(`[1,2,3] ${cmp} 2`, [f64([3], [1, 2, 3])], (b, [x]) => b.compare(x!, 2, cmp), i32([3], [[1, 0, 0], [1, 1, 0], [0, 1, 0], [1, 0, 1], [0, 1, 1], [0, 0, 1]][i]!)),
  ),
  neg: [unary('neg', [1, -2], [-1, 2])],
  exp: [unary('exp', [0, 1], [1, Math.E])],
  log: [unary('log', [1, Math.E], [0, 1])],
  sqrt: [unary('sqrt', [4, 9], [2, 3])],
  rsqrt: [unary('rsqrt', [4, 0.25], [0.5, 2])],
  tanh: [unary('tanh', [0, 1], [0, 0.7615941559557649])],
  erf: [unary('erf', [0, 0.5, 1, -2, 3.5, 7], [0, 0.5204998778130465, 0.8427007929497149, -0.9953222650189527, 0.9999992569016276, 1])],
  cast: [
    k('f64 → i32 truncates', [f64([3], [1.7, -1.7, 2.5])], (b, [x]) => b.cast(x!, 'i32'), i32([3], [1, -1, 2])),
    k('f64 → f32 rounds', [f64([1], [0.1])], (b, [x]) => b.cast(x!, 'f32'), f32([1], [Math.fround(0.1)])),
  ],
  where: [
    k('cond [2,1], a [3], b scalar', [i32([2, 1], [1, 0]), f64([3], [1, 2, 3])], (b, [c, x]) => b.where(c!, x!, 0), f64([2, 3], [1, 2, 3, 0, 0, 0])),
  ],
  matmul: [
    k('[2,2]·[2,2]', [f64([2, 2], [1, 2, 3, 4]), f64([2, 2], [5, 6, 7, 8])], (b, [x, y]) => b.matmul(x!, y!), f64([2, 2], [19, 22, 43, 50])),
    k('Aᵀ·B', [f64([2, 2], [1, 2, 3, 4]), f64([2, 2], [5, 6, 7, 8])], (b, [x, y]) => b.matmul(x!, y!, { transposeA: true }), f64([2, 2], [26, 30, 38, 44])),
    k('A·Bᵀ', [f64([2, 2], [1, 2, 3, 4]), f64([2, 2], [5, 6, 7, 8])], (b, [x, y]) => b.matmul(x!, y!, { transposeB: true }), f64([2, 2], [17, 23, 39, 53])),
    k('batch [2] against shared [2,1]', [f64([2, 1, 2], [1, 2, 3, 4]), f64([2, 1], [1, 1])], (b, [x, y]) => b.matmul(x!, y!), f64([2, 1, 1], [3, 7])),
    k('[2,3]·[3,2] non-square', [M23, f64([3, 2], [1, 0, 0, 1, 1, 1])], (b, [x, y]) => b.matmul(x!, y!), f64([2, 2], [4, 5, 10, 11])),
  ],
  sum: [
    k('axis 0', [M23], (b, [x]) => b.sum(x!, 0), f64([3], [5, 7, 9])),
    k('axis 1 kept', [M23], (b, [x]) => b.sum(x!, 1, { keepDims: true }), f64([2, 1], [6, 15])),
    k('all', [M23], (b, [x]) => b.sum(x!), f64([], [21])),
  ],
  max: [k('axis 1', [f64([2, 3], [1, 3, 2, 6, -1, 4])], (b, [x]) => b.max(x!, 1), f64([2], [3, 6]))],
  mean: [k('axis 1', [M23], (b, [x]) => b.mean(x!, -1), f64([2], [2, 5]))],
  reshape: [k('[2,3] → [3,-1]', [M23], (b, [x]) => b.reshape(x!, [3, -1]), f64([3, 2], [1, 2, 3, 4, 5, 6]))],
  transpose: [
    k('[2,3]ᵀ', [M23], (b, [x]) => b.transpose(x!, [1, 0]), f64([3, 2], [1, 4, 2, 5, 3, 6])),
    k('[2,1,3] perm [2,0,1]', [f64([2, 1, 3], [1, 2, 3, 4, 5, 6])], (b, [x]) => b.transpose(x!, [2, 0, 1]), f64([3, 2, 1], [1, 4, 2, 5, 3, 6])),
  ],
  broadcast: [k('[2,1] → [2,3]', [f64([2, 1], [1, 2])], (b, [x]) => b.broadcast(x!, [2, 3]), f64([2, 3], [1, 1, 1, 2, 2, 2]))],
  slice: [k('[0:2, 1:3]', [M23], (b, [x]) => b.slice(x!, [0, 1], [2, 3]), f64([2, 2], [2, 3, 5, 6]))],
  pad: [
    k('1-D with 9', [f64([2], [1, 2])], (b, [x]) => b.pad(x!, [1], [2], 9), f64([5], [9, 1, 2, 9, 9])),
    k('2-D with 0', [f64([1, 2], [1, 2])], (b, [x]) => b.pad(x!, [1, 0], [0, 1]), f64([2, 3], [0, 0, 0, 1, 2, 0])),
  ],
  concat: [
    k('axis 1', [f64([2, 1], [1, 2]), f64([2, 2], [3, 4, 5, 6])], (b, [x, y]) => b.concat([x!, y!], 1), f64([2, 3], [1, 3, 4, 2, 5, 6])),
  ],
  gather: [
    k('rows 2,0,2', [f64([3, 2], [1, 2, 3, 4, 5, 6]), i32([3], [2, 0, 2])], (b, [t, ids]) => b.gather(t!, ids!), f64([3, 2], [5, 6, 1, 2, 5, 6])),
  ],
  scatterAdd: [
    k('repeats accumulate', [i32([3], [2, 0, 2]), f64([3, 2], [1, 2, 3, 4, 5, 6])], (b, [ids, u]) => b.scatterAdd(ids!, u!, 3), f64([3, 2], [3, 4, 0, 0, 6, 8])),
  ],
  softmax: [
    k('[0, ln2, ln3]', [f64([3], [0, LN2, LN3])], (b, [x]) => b.softmax(x!), f64([3], [1 / 6, 2 / 6, 3 / 6])),
    k('large equal logits stay finite', [f64([2], [1000, 1000])], (b, [x]) => b.softmax(x!), f64([2], [0.5, 0.5])),
    k('axis 0', [f64([2, 1], [0, LN3])], (b, [x]) => b.softmax(x!, 0), f64([2, 1], [0.25, 0.75])),
  ],
  logSoftmax: [k('[0, ln2, ln3]', [f64([3], [0, LN2, LN3])], (b, [x]) => b.logSoftmax(x!), f64([3], [Math.log(1 / 6), Math.log(2 / 6), Math.log(3 / 6)]))],
  layerNorm: [
    k('[1,2,3], eps 0', [f64([3], [1, 2, 3]), f64([3], [2, 1, 1]), f64([3], [0, 1, 0])], (b, [x, w, bias]) => b.layerNorm(x!, w!, bias!, 0),
      f64([3], [-2.449489742783178, 1, 1.224744871391589])),
  ],
  gelu: [unary('gelu', [0, 1, -1], [0, 0.8413447460685429, -0.15865525393145707])],
  attention: [
    k('causal', [f64([2, 1], [1, 1]), f64([2, 1], [0, LN2]), f64([2, 1], [3, 6])], (b, [q, kk, v]) => b.attention(q!, kk!, v!, { causal: true, scale: 1 }),
      f64([2, 1], [3, 5])),
    k('not causal', [f64([2, 1], [1, 1]), f64([2, 1], [0, LN2]), f64([2, 1], [3, 6])], (b, [q, kk, v]) => b.attention(q!, kk!, v!, { causal: false, scale: 1 }),
      f64([2, 1], [5, 5])),
    k('padding mask hides key 1', [f64([2, 1], [1, 1]), f64([2, 1], [0, LN2]), f64([2, 1], [3, 6]), i32([2], [1, 0])],
      (b, [q, kk, v, m]) => b.attention(q!, kk!, v!, { causal: false, scale: 1, mask: m! }), f64([2, 1], [3, 3])),
  ],
  geluGrad: [k('Φ(0)·dy at x = 0', [f64([2], [0, 0]), f64([2], [1, 2])], (b, [x, dy]) => b.node('geluGrad', [x!, dy!], {}), f64([2], [0.5, 1]))],
  softmaxGrad: [
    k('y = [½, ½], dy = [1, 0]', [f64([2], [0.5, 0.5]), f64([2], [1, 0])], (b, [y, dy]) => b.node('softmaxGrad', [y!, dy!], { axis: 0 }), f64([2], [0.25, -0.25])),
  ],
  logSoftmaxGrad: [
    k('y = log [¼, ¾], dy = [1, 1]', [f64([2], [Math.log(0.25), Math.log(0.75)]), f64([2], [1, 1])], (b, [y, dy]) =>
      b.node('logSoftmaxGrad', [y!, dy!], { axis: 0 }), f64([2], [0.5, -0.5])),
  ],
  layerNormGrad: [
    // x = [1,2,3], eps 0: r = √1.5, x̂ = [−√1.5, 0, √1.5]; dy = [1,0,0], weight 1: dx = r·[1/6, −1/3, 1/6], dbias = dy.
    k('dx and dbias packed', [f64([3], [1, 2, 3]), f64([3], [1, 1, 1]), f64([3], [1, 0, 0])], (b, [x, w, dy]) =>
      b.node('layerNormGrad', [x!, w!, dy!], { eps: 0, grads: [true, false, true] }),
      f64([6], [Math.sqrt(1.5) / 6, -Math.sqrt(1.5) / 3, Math.sqrt(1.5) / 6, 1, 0, 0])),
    k('dweight only', [f64([3], [1, 2, 3]), f64([3], [1, 1, 1]), f64([3], [1, 0, 0])], (b, [x, w, dy]) =>
      b.node('layerNormGrad', [x!, w!, dy!], { eps: 0, grads: [false, true, false] }), f64([3], [-Math.sqrt(1.5), 0, 0])),
  ],
  attentionGrad: [
    // p = [⅓, ⅔] in both rows; dy = [1, 0]: dv = [⅓, ⅔], ds row 0 = [−⅔, ⅔], dq = [⅔·ln2, 0], dk = [−⅔, ⅔].
    k('not causal, packed dq dk dv', [f64([2, 1], [1, 1]), f64([2, 1], [0, LN2]), f64([2, 1], [3, 6]), f64([2, 1], [1, 0])],
      (b, [q, kk, v, dy]) => b.node('attentionGrad', [q!, kk!, v!, dy!], { causal: false, scale: 1, grads: [true, true, true] }),
      f64([6], [(2 * LN2) / 3, 0, -2 / 3, 2 / 3, 1 / 3, 2 / 3])),
    // causal: row 0 sees key 0 only; dy = [0, 1] puts all the gradient on row 1.
    k('causal', [f64([2, 1], [1, 1]), f64([2, 1], [0, LN2]), f64([2, 1], [3, 6]), f64([2, 1], [0, 1])],
      (b, [q, kk, v, dy]) => b.node('attentionGrad', [q!, kk!, v!, dy!], { causal: true, scale: 1, grads: [true, true, true] }),
      f64([6], [0, (2 * LN2) / 3, -2 / 3, 2 / 3, 1 / 3, 2 / 3])),
    // mask hides key 1: p = [1, 0], so dv = [dy₀ + dy₁, 0] and ds = 0.
    k('padding mask, dv only', [f64([2, 1], [1, 1]), f64([2, 1], [0, LN2]), f64([2, 1], [3, 6]), f64([2, 1], [1, 2]), i32([2], [1, 0])],
      (b, [q, kk, v, dy, m]) => b.node('attentionGrad', [q!, kk!, v!, dy!, m!], { causal: false, scale: 1, grads: [false, false, true] }),
      f64([2], [3, 0])),
  ],
  adamMoment: [
    k('β·m + (1 − β)·g', [f64([2], [1, 2]), f64([2], [3, -1])], (b, [m, g]) => b.node('adamMoment', [m!, g!], { beta: 0.5, squared: false }), f64([2], [2, 0.5])),
    k('β·v + (1 − β)·g²', [f64([2], [1, 2]), f64([2], [3, -1])], (b, [v, g]) => b.node('adamMoment', [v!, g!], { beta: 0.5, squared: true }), f64([2], [5, 1.5])),
  ],
  // p·decay − m / (√v / √bc2 + eps)·stepSize with decay ½, stepSize 2, √bc2 2, eps 1.
  adamwParam: [
    k('p = [2, 4], m = [1, −2], v = [4, 0]', [f64([2], [2, 4]), f64([2], [1, -2]), f64([2], [4, 0]), f64([], [0.5]), f64([], [2]), f64([], [2])], (b, [p, m, v, d, st, c]) =>
      b.node('adamwParam', [p!, m!, v!, d!, st!, c!], { eps: 1 }), f64([2], [0, 6])),
  ],
};

export interface OpLiteralCheck {
  readonly kind: OpKind;
  readonly name: string;
  /** Throws when the backend's result differs from the literal by more than `tolerance` (relative, floats) or at all (i32). */
  check(backend: Backend, dtype: FloatDType, tolerance: number): Promise<void>;
}

/** Every literal case as a check on a backend. */
export function opLiteralCases(): OpLiteralCheck[] {
  return (Object.entries(OP_LITERAL_CASES) as [OpKind, readonly KernelCase[]][]).flatMap(([kind, cases]) =>
    cases.map((kc) => ({ kind, name: kc.name, check: (backend: Backend, dtype: FloatDType, tolerance: number) => checkLiteral(backend, kind, kc, dtype, tolerance) })),
  );
}

/** The graph of a case and its feeds (inputs `x0`, `x1`, …; output `y`), with f64 replaced by `dtype`. */
export function literalGraph(kc: KernelCase, dtype: FloatDType = 'f64'): { graph: ReturnType<GraphBuilder['build']>; feeds: Record<string, HostTensor> } {
  const as = (d: DType): DType => (d === 'f64' ? dtype : d);
  const b = new GraphBuilder({ dtype });
  const xs = kc.inputs.map((lit, i) => b.data(`x${i}`, lit.shape, as(lit.dtype)));
  let y = kc.build(b, xs);
  // A case that builds in f64 explicitly (constant, fill) is cast to the backend's dtype.
  if (y.dtype === 'f64' && dtype !== 'f64') y = b.cast(y, dtype);
  b.output('y', y);
  const feeds = Object.fromEntries(kc.inputs.map((lit, i) => [`x${i}`, hostTensor(as(lit.dtype), lit.shape, lit.values)]));
  return { graph: b.build(), feeds };
}

async function checkLiteral(backend: Backend, kind: OpKind, kc: KernelCase, dtype: FloatDType, tolerance: number): Promise<void> {
  const { graph, feeds } = literalGraph(kc, dtype);
  if (!graph.nodes.some((n) => n.kind === kind)) throw new Error(`case ${kc.name} builds no ${kind} node`);
  const exe = await backend.compile(graph);
  let y: HostTensor;
  try {
    y = (await exe.run(feeds)).y!;
  } finally {
    exe.dispose();
  }
  const want = kc.expected.dtype === 'f64' ? dtype : kc.expected.dtype;
  if (y.dtype !== want || y.shape.length !== kc.expected.shape.length || y.shape.some((d, i) => d !== kc.expected.shape[i])) {
    throw new Error(`${kind} ${kc.name}: got ${y.dtype}[${y.shape}], expected ${want}[${kc.expected.shape}]`);
  }
  const exact = want === 'i32' || (want === 'f32' && kc.expected.dtype === 'f32');
  kc.expected.values.forEach((w, i) => {
    const got = y.data[i]!;
    const expected = want === 'f32' ? Math.fround(w) : w;
    const ok = exact ? Object.is(got, expected) || got === expected : Math.abs(got - expected) <= tolerance * Math.max(1, Math.abs(expected));
    if (!ok) throw new Error(`${kind} ${kc.name}: element ${i} is ${got}, expected ${expected}${exact ? ' exactly' : ` within ${tolerance}`}`);
  });
}
