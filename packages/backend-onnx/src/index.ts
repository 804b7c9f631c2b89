/**
 * @repurpose/backend-onnx — the engine on ONNX Runtime. `createOnnxBackend({ ort })` with the ORT
 * module injected (onnxruntime-node in Node, onnxruntime-web in browsers); every graph is lowered to one
 * standard ONNX model (IR 10, opset 21). No side effects on import; ORT is a peer dependency.
 */
export { createOnnxBackend, ONNX_SUPPORT } from './backend.js';
export type { OnnxBackend } from './backend.js';
export type { OnnxBackendOptions } from './options.js';
export type { OnnxExecutable } from './executable.js';
export type { OrtModule, OrtSession, OrtTensor } from './ort-module.js';
export { BACKEND_NAME } from './resident.js';
export { lowerGraph } from './lower/lower-graph.js';
export type { LoweredModel, LowerGraphOptions } from './lower/lower-graph.js';
export { LOWERINGS } from './lower/index.js';
export { ONNX_IR_VERSION, ONNX_OPSET } from './onnx/version.js';
export { createOnnxWorkerBackend } from './worker/worker-backend.js';
export type { OnnxWorkerBackend, OnnxWorkerBackendOptions, WorkerExecutable } from './worker/worker-backend.js';
export { WORKER_MALLOC_ENV } from './worker/worker-backend.js';
export { createEmbedder } from './embed.js';
export type { Embedder, EmbedderOptions } from './embed.js';
export { exportOnnxModel } from './export/export-onnx-model.js';
export type { ExportOnnxModelOptions, ExportedModel } from './export/export-onnx-model.js';
export { buildExportFiles, gptNeoXConfigJson, TOKENIZER_FILE_NAMES, MODEL_PATH } from './export/export-files.js';
export type { ExportModelOptions, TokenizerFileName } from './export/export-files.js';
export { buildGptNeoXOnnx, EXPORT_INPUTS, EXPORT_OUTPUT, EXPORT_DIMS } from './export/gpt-neox-onnx.js';
export { createOnnxEmbedder } from './onnx-embedder.js';
export type { OnnxEmbedderOptions } from './onnx-embedder.js';
export { POOLED_OUTPUT } from './export/gpt-neox-onnx.js';
export type { GptNeoXOnnxOptions } from './export/gpt-neox-onnx.js';
