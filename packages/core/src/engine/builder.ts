/**
 * The builder model code is written against: `GraphBuilder` creates inputs and nodes, tracks the
 * current `scope`, runs shape/dtype inference on every node and produces an immutable `Graph`.
 * Numbers are accepted wherever a tensor operand is (`b.mul(x, 0.5)`): they become scalar fills of
 * the other operand's dtype. Attributes are normalised here (negative axes, `-1` in reshape), so the
 * graph holds only resolved values.
 *
 * The builder is dtype-generic on purpose: model code asks for `b.floatDType` instead of naming f32,
 * so the same forward builds in f64 for gradient checks. It is not an executor and computes no values.
 */
import { type DType, type FloatDType, isFloat } from './dtype.js';
import { GraphError } from './errors.js';
import type { Graph, GraphInput, GraphNode, GraphNodeOf, GraphOutput, InputRole, TensorType, ValueId } from './graph.js';
import { inferType } from './infer.js';
import type { Comparison, OpAttrs, OpKind } from './ops.js';
import { type Shape, isShape, normalizeAxes, normalizeAxis, sameShape, sizeOf } from './shape.js';

/** A handle on one value of the graph being built. Plain: no operator overloading, no data. */
export class Tensor {
  constructor(
    readonly builder: GraphBuilder,
    readonly id: ValueId,
    readonly type: TensorType,
  ) {}
  get shape(): Shape {
    return this.type.shape;
  }
  get dtype(): DType {
    return this.type.dtype;
  }
  get rank(): number {
    return this.type.shape.length;
  }
}

export type Operand = Tensor | number;

export interface GraphBuilderOptions {
  /** The float dtype params default to and model code should use. Default f32. */
  readonly dtype?: FloatDType;
}

export interface ReduceOptions {
  readonly keepDims?: boolean;
}

export interface AttentionOptions {
  /** Query i may attend key j only when j ≤ i + (S − T) (queries are the last T of S positions). */
  readonly causal: boolean;
  /** Multiplies q·kᵀ; default 1/√HS. */
  readonly scale?: number;
  /** Broadcastable to the scores [..., T, S]; nonzero = may attend. Padding masks go here. */
  readonly mask?: Tensor;
}

export interface OutputOptions {
  /** The input (tensor or id) this output replaces after a run; see `GraphOutput.updates`. */
  readonly updates?: Tensor | ValueId;
}

/** The rule checkGraph also applies: `updates` names an input of the output's type, updated once. */
export function checkUpdate(name: string, type: TensorType, updates: ValueId, inputs: readonly GraphInput[], earlier: readonly GraphOutput[]): void {
  const target = inputs.find((i) => i.id === updates);
  if (!target) throw new GraphError(`output ${name} updates`, updates, 'the id of a graph input');
  if (target.type.dtype !== type.dtype || !sameShape(target.type.shape, type.shape)) {
    throw new GraphError(`output ${name} updates ${updates}`, `${type.dtype}[${type.shape}]`, `${target.type.dtype}[${target.type.shape}] (the input's type)`);
  }
  const other = earlier.find((o) => o.updates === updates);
  if (other) throw new GraphError(`output ${name} updates`, updates, `an input no other output updates (${other.name} does)`);
}

export class GraphBuilder {
  readonly floatDType: FloatDType;
  private readonly inputs: GraphInput[] = [];
  private readonly nodes: GraphNode[] = [];
  private readonly outputs: GraphOutput[] = [];
  private readonly types = new Map<ValueId, TensorType>();
  private readonly scopes: string[] = [];
  private nextId = 0;

  constructor(options: GraphBuilderOptions = {}) {
    this.floatDType = options.dtype ?? 'f32';
  }

  /** A builder that continues an existing graph: same ids, inputs, nodes and outputs. */
  static from(graph: Graph, options: GraphBuilderOptions = {}): GraphBuilder {
    const firstFloat = graph.inputs.find((i) => isFloat(i.type.dtype))?.type.dtype as FloatDType | undefined;
    const b = new GraphBuilder({ dtype: options.dtype ?? firstFloat ?? 'f32' });
    for (const input of graph.inputs) {
      b.inputs.push(input);
      b.types.set(input.id, input.type);
    }
    for (const node of graph.nodes) {
      b.nodes.push(node);
      b.types.set(node.id, node.type);
      const n = Number(node.id.slice(1));
      if (Number.isInteger(n) && n >= b.nextId) b.nextId = n + 1;
    }
    b.outputs.push(...graph.outputs);
    return b;
  }

  // ---- graph structure ------------------------------------------------------------------------

  get currentScope(): string {
    return this.scopes.join('.');
  }

  /** Runs `fn` with `name` appended to the scope; nodes made inside carry `outer.name`. */
  scope<T>(name: string, fn: () => T): T {
    if (name === '' || name.includes('..')) throw new GraphError('scope name', name, 'a non-empty name');
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** Runs `fn` with the scope replaced by `scope` (used by passes to keep a node's scope). */
  inScope<T>(scope: string, fn: () => T): T {
    const saved = this.scopes.splice(0, this.scopes.length);
    if (scope !== '') this.scopes.push(scope);
    try {
      return fn();
    } finally {
      this.scopes.splice(0, this.scopes.length, ...saved);
    }
  }

  input(name: string, role: InputRole, shape: Shape, dtype: DType): Tensor {
    if (typeof name !== 'string' || name === '' || name.startsWith('%')) {
      throw new GraphError('input name', name, 'a non-empty name not starting with %');
    }
    if (this.types.has(name)) throw new GraphError('input name', name, 'a name not used before');
    if (!isShape(shape)) throw new GraphError(`input ${name} shape`, shape, 'an array of non-negative integers');
    const type: TensorType = Object.freeze({ dtype, shape: Object.freeze([...shape]) });
    this.inputs.push(Object.freeze({ id: name, role, type }));
    this.types.set(name, type);
    return new Tensor(this, name, type);
  }

  /** Fed every step: token ids, attention masks, learning rate. */
  data(name: string, shape: Shape, dtype: DType = 'i32'): Tensor {
    return this.input(name, 'data', shape, dtype);
  }

  /** Model weight (Hugging Face name). */
  param(name: string, shape: Shape, dtype: DType = this.floatDType): Tensor {
    return this.input(name, 'param', shape, dtype);
  }

  /** Carried between steps: optimiser moments, step counter. */
  state(name: string, shape: Shape, dtype: DType = this.floatDType): Tensor {
    return this.input(name, 'state', shape, dtype);
  }

  /** A handle on an existing value by id. */
  value(id: ValueId): Tensor {
    const type = this.types.get(id);
    if (!type) throw new GraphError('value id', id, 'the id of an input or node of this graph');
    return new Tensor(this, id, type);
  }

  /**
   * Names `tensor` as an output. `updates` declares it the next value of an input of the same type
   * (state a caller carries from run to run, e.g. a parameter and its AdamW moments); each input is
   * updated by at most one output.
   */
  output(name: string, tensor: Tensor, options: OutputOptions = {}): void {
    this.own(tensor, `output ${name}`);
    if (this.outputs.some((o) => o.name === name)) throw new GraphError('output name', name, 'a name not used before');
    const updates = options.updates === undefined ? undefined : typeof options.updates === 'string' ? options.updates : options.updates.id;
    if (updates === undefined) {
      this.outputs.push(Object.freeze({ name, value: tensor.id }));
      return;
    }
    checkUpdate(name, tensor.type, updates, this.inputs, this.outputs);
    this.outputs.push(Object.freeze({ name, value: tensor.id, updates }));
  }

  build(): Graph {
    return Object.freeze({
      inputs: Object.freeze([...this.inputs]),
      nodes: Object.freeze([...this.nodes]),
      outputs: Object.freeze([...this.outputs]),
    });
  }

  /** Adds a node of any kind (passes use this; model code uses the named methods). */
  node<K extends OpKind>(kind: K, inputs: readonly Tensor[], attrs: OpAttrs[K]): Tensor {
    inputs.forEach((t, i) => this.own(t, `${kind} input ${i}`));
    const type = inferType(kind, inputs.map((t) => t.type), attrs, this.opLabel(kind));
    const id = `%${this.nextId++}`;
    const node: GraphNodeOf<K> = Object.freeze({
      id,
      kind,
      inputs: Object.freeze(inputs.map((t) => t.id)),
      attrs: Object.freeze(attrs) as OpAttrs[K],
      type: Object.freeze({ dtype: type.dtype, shape: Object.freeze([...type.shape]) }),
      scope: this.currentScope,
    });
    this.nodes.push(node as unknown as GraphNode);
    this.types.set(id, node.type);
    return new Tensor(this, id, node.type);
  }

  private opLabel(kind: OpKind): string {
    const scope = this.currentScope;
    return scope === '' ? kind : `${scope}: ${kind}`;
  }

  private own(t: Tensor, field: string): void {
    if (!(t instanceof Tensor) || t.builder !== this) throw new GraphError(field, t?.id ?? t, 'a tensor of this builder');
  }

  private operands(a: Operand, b: Operand, kind: string): [Tensor, Tensor] {
    if (typeof a === 'number' && typeof b === 'number') throw new GraphError(`${kind} operands`, [a, b], 'at least one tensor');
    const ta = typeof a === 'number' ? this.scalar(a, (b as Tensor).dtype) : a;
    const tb = typeof b === 'number' ? this.scalar(b, ta.dtype) : b;
    return [ta, tb];
  }

  // ---- sources --------------------------------------------------------------------------------

  constant(values: ArrayLike<number>, shape: Shape, dtype: DType = this.floatDType): Tensor {
    return this.node('constant', [], { values: Object.freeze(Array.from(values)), shape: [...shape], dtype });
  }

  fill(value: number, shape: Shape, dtype: DType = this.floatDType): Tensor {
    return this.node('fill', [], { value, shape: [...shape], dtype });
  }

  scalar(value: number, dtype: DType = this.floatDType): Tensor {
    return this.fill(value, [], dtype);
  }

  zeros(shape: Shape, dtype: DType = this.floatDType): Tensor {
    return this.fill(0, shape, dtype);
  }

  /** Element = its index along `axis` (causal masks, position ids). */
  iota(shape: Shape, axis: number, dtype: DType = 'i32'): Tensor {
    return this.node('iota', [], { shape: [...shape], axis: normalizeAxis('iota axis', axis, shape.length), dtype });
  }

  // ---- elementwise ----------------------------------------------------------------------------

  add(a: Operand, b: Operand): Tensor {
    return this.node('add', this.operands(a, b, 'add'), {});
  }
  sub(a: Operand, b: Operand): Tensor {
    return this.node('sub', this.operands(a, b, 'sub'), {});
  }
  mul(a: Operand, b: Operand): Tensor {
    return this.node('mul', this.operands(a, b, 'mul'), {});
  }
  div(a: Operand, b: Operand): Tensor {
    return this.node('div', this.operands(a, b, 'div'), {});
  }
  maximum(a: Operand, b: Operand): Tensor {
    return this.node('maximum', this.operands(a, b, 'maximum'), {});
  }
  compare(a: Operand, b: Operand, cmp: Comparison): Tensor {
    return this.node('compare', this.operands(a, b, 'compare'), { cmp });
  }
  equal(a: Operand, b: Operand): Tensor {
    return this.compare(a, b, 'eq');
  }
  less(a: Operand, b: Operand): Tensor {
    return this.compare(a, b, 'lt');
  }
  greaterEqual(a: Operand, b: Operand): Tensor {
    return this.compare(a, b, 'ge');
  }
  neg(x: Tensor): Tensor {
    return this.node('neg', [x], {});
  }
  exp(x: Tensor): Tensor {
    return this.node('exp', [x], {});
  }
  log(x: Tensor): Tensor {
    return this.node('log', [x], {});
  }
  sqrt(x: Tensor): Tensor {
    return this.node('sqrt', [x], {});
  }
  rsqrt(x: Tensor): Tensor {
    return this.node('rsqrt', [x], {});
  }
  tanh(x: Tensor): Tensor {
    return this.node('tanh', [x], {});
  }
  erf(x: Tensor): Tensor {
    return this.node('erf', [x], {});
  }
  square(x: Tensor): Tensor {
    return this.mul(x, x);
  }
  cast(x: Tensor, dtype: DType): Tensor {
    return this.node('cast', [x], { dtype });
  }
  /** cond ? a : b; cond is an i32 (compare result); numbers take the other branch's dtype. */
  where(cond: Tensor, a: Operand, b: Operand): Tensor {
    const [ta, tb] = this.operands(a, b, 'where');
    return this.node('where', [cond, ta, tb], {});
  }

  // ---- contraction ----------------------------------------------------------------------------

  matmul(a: Tensor, b: Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
    return this.node('matmul', [a, b], { transposeA: options.transposeA ?? false, transposeB: options.transposeB ?? false });
  }

  /** x·Wᵀ + bias with W laid out [out, in] as torch.nn.Linear (and HF checkpoints) store it. */
  linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
    const y = this.matmul(x, weight, { transposeB: true });
    return bias ? this.add(y, bias) : y;
  }

  // ---- reductions -----------------------------------------------------------------------------

  sum(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
    return this.node('sum', [x], this.reduceAttrs('sum', x, axes, options));
  }
  max(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
    return this.node('max', [x], this.reduceAttrs('max', x, axes, options));
  }
  mean(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
    return this.node('mean', [x], this.reduceAttrs('mean', x, axes, options));
  }
  private reduceAttrs(kind: string, x: Tensor, axes: number | readonly number[] | undefined, options: ReduceOptions) {
    const all = x.shape.map((_, i) => i);
    return { axes: axes === undefined ? all : normalizeAxes(`${kind} axes`, axes, x.rank), keepDims: options.keepDims ?? false };
  }

  // ---- layout ---------------------------------------------------------------------------------

  /** One dim may be -1: it is inferred from the element count. */
  reshape(x: Tensor, shape: readonly number[]): Tensor {
    const unknown = shape.filter((d) => d === -1).length;
    if (unknown > 1) throw new GraphError('reshape shape', shape, 'at most one -1');
    let resolved = [...shape];
    if (unknown === 1) {
      const known = sizeOf(shape.filter((d) => d !== -1));
      const total = sizeOf(x.shape);
      if (known === 0 || total % known !== 0) throw new GraphError('reshape shape', shape, `a shape with ${total} elements`);
      resolved = shape.map((d) => (d === -1 ? total / known : d));
    }
    return this.node('reshape', [x], { shape: resolved });
  }
  transpose(x: Tensor, perm: readonly number[]): Tensor {
    return this.node('transpose', [x], { perm: perm.map((p) => normalizeAxis('transpose perm', p, x.rank)) });
  }
  broadcast(x: Tensor, shape: Shape): Tensor {
    return this.node('broadcast', [x], { shape: [...shape] });
  }
  /** Full slice: one [start, end) per axis. */
  slice(x: Tensor, starts: readonly number[], ends: readonly number[]): Tensor {
    return this.node('slice', [x], { starts: [...starts], ends: [...ends] });
  }
  /** x[..., start:end, ...] on one axis; negative start/end count from the end as in Python. */
  sliceAxis(x: Tensor, axis: number, start: number, end?: number): Tensor {
    const a = normalizeAxis('slice axis', axis, x.rank);
    const d = x.shape[a]!;
    const fix = (i: number) => (i < 0 ? i + d : i);
    const starts = x.shape.map((_, i) => (i === a ? fix(start) : 0));
    const ends = x.shape.map((dim, i) => (i === a ? fix(end ?? d) : dim));
    return this.slice(x, starts, ends);
  }
  pad(x: Tensor, before: readonly number[], after: readonly number[], value = 0): Tensor {
    return this.node('pad', [x], { before: [...before], after: [...after], value });
  }
  concat(xs: readonly Tensor[], axis: number): Tensor {
    const first = xs[0];
    if (!first) throw new GraphError('concat inputs', [], 'at least one tensor');
    return this.node('concat', xs, { axis: normalizeAxis('concat axis', axis, first.rank) });
  }

  // ---- indexing -------------------------------------------------------------------------------

  /** table[ids]: [...ids.shape, ...table.shape[1:]]. */
  gather(table: Tensor, ids: Tensor): Tensor {
    return this.node('gather', [table, ids], {});
  }
  /** zeros([rows, ...]) with updates[i] added at row ids[i]; repeated ids accumulate. */
  scatterAdd(ids: Tensor, updates: Tensor, rows: number): Tensor {
    return this.node('scatterAdd', [ids, updates], { rows });
  }

  // ---- composites -----------------------------------------------------------------------------

  softmax(x: Tensor, axis = -1): Tensor {
    return this.node('softmax', [x], { axis: normalizeAxis('softmax axis', axis, x.rank) });
  }
  logSoftmax(x: Tensor, axis = -1): Tensor {
    return this.node('logSoftmax', [x], { axis: normalizeAxis('logSoftmax axis', axis, x.rank) });
  }
  /** LayerNorm over the last axis; eps default 1e-5 (GPT-NeoX's layer_norm_eps). */
  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps = 1e-5): Tensor {
    return this.node('layerNorm', [x, weight, bias], { eps });
  }
  /** Exact (erf) GELU, as GPT-NeoX's hidden_act "gelu". */
  gelu(x: Tensor): Tensor {
    return this.node('gelu', [x], {});
  }
  /** q [..., T, HS], k [..., S, HS], v [..., S, HSv] → [..., T, HSv]. */
  attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions): Tensor {
    const hs = q.shape[q.rank - 1] ?? 1;
    const inputs = options.mask ? [q, k, v, options.mask] : [q, k, v];
    return this.node('attention', inputs, { causal: options.causal, scale: options.scale ?? 1 / Math.sqrt(hs) });
  }
}
