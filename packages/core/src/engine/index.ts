/**
 * The backend-neutral engine: op table, graph IR, builder, passes, FLOP counting, autodiff and the
 * backend contract. Re-exported from `@repurpose/core`; no side effects on import.
 */
export { GraphError } from './errors.js';
export type { DType, FloatDType, HostArray } from './dtype.js';
export { DTYPES, isFloat, allocateArray, lowestFinite } from './dtype.js';
export { toHalfBits, fromHalfBits, roundToHalf, encodeHalf, decodeHalf } from './half.js';
export type { Shape } from './shape.js';
export { sizeOf, stridesOf, broadcastShapes, sameShape } from './shape.js';
export type { OpKind, OpAttrs, OpSpec, OpGroup, PackedGrads, PrimitiveKind, CompositeKind, Comparison } from './ops.js';
export { OPS, OP_KINDS, OP_GROUPS, COMPOSITE_KINDS, isComposite, opsInGroup } from './ops.js';
export type { Graph, GraphInput, GraphNode, GraphNodeOf, GraphOutput, InputRole, TensorType, ValueId } from './graph.js';
export { valueTypes, outputValue, outputUpdates, gradScope, isGradScope, GRAD_SCOPE_SUFFIX } from './graph.js';
export { INFER, inferType } from './infer.js';
export { GraphBuilder, Tensor } from './builder.js';
export type { Operand, GraphBuilderOptions, OutputOptions, ReduceOptions, AttentionOptions } from './builder.js';
export { DECOMPOSITIONS } from './decompositions/index.js';
export type { Decomposition } from './decompositions/index.js';
export { eliminateDeadCode } from './passes/dce.js';
export { decomposeUnclaimed, decomposeWhere } from './passes/decompose.js';
export { rewriteGraph } from './passes/rewrite.js';
export { eliminateCommonSubexpressions } from './passes/cse.js';
export { checkDTypes } from './passes/check-dtypes.js';
export { withMasterWeights, MASTER_WEIGHTS_SCOPE } from './passes/master-weights.js';
export type { NodeRewrite } from './passes/rewrite.js';
export { checkGraph } from './passes/check.js';
export { countGraphFlops, countNodeFlops } from './flops.js';
export type { FlopCount, GraphFlops } from './flops.js';
export { grad, gradOutputName, onPath } from './grad.js';
export type { GradOptions } from './grad.js';
export { GRAD_RULES } from './rules/index.js';
export type { GradContext, GradRule, GradRules } from './rules/index.js';
export type { HostTensor } from './host-tensor.js';
export { hostTensor, scalarTensor, hostValues } from './host-tensor.js';
export type { Backend, BackendSupport, Executable, Feed, ResidentTensor, RunOptions } from './backend.js';
export { isResident, prepareForBackend, selectOutputs } from './backend.js';
export { gradCheck, gradCheckOn } from './grad-check.js';
export type { GradCheckOptions, GradCheckResult, SyncRunner } from './grad-check.js';
export { seededRandom, uniformValues } from './seeded-random.js';
