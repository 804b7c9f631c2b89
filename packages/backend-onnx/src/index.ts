/**
 * @repurpose/backend-onnx — the engine on ONNX Runtime. `createOnnxBackend({ ort })` with the ORT
 * module injected (onnxruntime-node in Node, onnxruntime-web in browsers); every graph is lowered to one
 * standard ONNX model (IR 10, opset 21). No side effects on import; ORT is a peer dependency.
 * This is the Node entry: browser.ts (the `browser` export condition) plus the Node-only parts.
 */
export * from './browser.js';
export { createOnnxWorkerBackend, WORKER_MALLOC_ENV } from './worker/worker-backend.js';
export type { OnnxWorkerBackend, OnnxWorkerBackendOptions, WorkerExecutable } from './worker/worker-backend.js';
export { exportOnnxModel } from './export/export-onnx-model.js';
export type { ExportOnnxModelOptions, ExportedModel } from './export/export-onnx-model.js';
