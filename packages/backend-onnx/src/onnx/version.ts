/**
 * The ONNX versions every model we write declares: IR version 10 (ONNX 1.16+) and the default-domain
 * opset 21, which ONNX Runtime 1.30's CPU EP implements in full for the ops we emit (LayerNormalization
 * from 17, Gelu from 20, ScatterND with reduction from 16/18, reductions with `axes` as an input from
 * 18). The com.microsoft domain (contrib ops, CPU EP) is declared at version 1 only when a model uses it.
 * Not a compatibility matrix: one pair of versions, tested against the ORT we ship with.
 */
export const ONNX_IR_VERSION = 10;
export const ONNX_OPSET = 21;
export const MS_DOMAIN = 'com.microsoft';
export const MS_OPSET = 1;
