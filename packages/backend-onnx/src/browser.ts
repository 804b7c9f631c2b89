/**
 * @repurpose/backend-onnx for browsers: everything that runs on onnxruntime-web — the backend, its
 * lowering, the embedders and the in-memory export (`buildExportFiles`) — and nothing that imports a
 * Node module. Bundlers pick this entry through the package's `browser` export condition; Node gets
 * index.ts, which adds the Node-only parts (the worker backend, the folder writer `exportOnnxModel`).
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
export { createEmbedder } from './embed.js';
export type { Embedder, EmbedderOptions } from './embed.js';
export { buildExportFiles, gptNeoXConfigJson, TOKENIZER_FILE_NAMES, MODEL_PATH } from './export/export-files.js';
export type { ExportModelOptions, TokenizerFileName } from './export/export-files.js';
export { buildGptNeoXOnnx, EXPORT_INPUTS, EXPORT_OUTPUT, EXPORT_DIMS, POOLED_OUTPUT } from './export/gpt-neox-onnx.js';
export type { GptNeoXOnnxOptions } from './export/gpt-neox-onnx.js';
export { createOnnxEmbedder } from './onnx-embedder.js';
export type { OnnxEmbedderOptions } from './onnx-embedder.js';
