/**
 * Stands in for Node's `worker_threads` in the browser bundle. @repurpose/backend-onnx's entry also
 * exports its Node worker backend (createOnnxWorkerBackend), which imports `Worker` from there; the
 * page never calls it, so the import only has to resolve. Not a Worker polyfill.
 */
export class Worker {
  constructor() {
    throw new Error('worker_threads is not available in a browser (createOnnxWorkerBackend is Node only)');
  }
}
export const parentPort = null;
export const workerData = undefined;
