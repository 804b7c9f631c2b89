/**
 * Stands in, in the browser bundle, for the Node-only modules that @repurpose/backend-onnx's entry
 * reaches through its Node-only exports — the transformers.js folder writer (exportOnnxModel: Node's
 * file system and core's `@repurpose/core/node`) and the child-process worker (`fork`). The page never
 * calls them, so each import only has to resolve; calling one says so. Not a file-system polyfill.
 */
const nodeOnly = (name: string) => () => {
  throw new Error(`${name} is not available in a browser (it belongs to a Node-only part of @repurpose/backend-onnx)`);
};
export const mkdir = nodeOnly('fs.mkdir');
export const readdir = nodeOnly('fs.readdir');
export const fork = nodeOnly('child_process.fork');
export const fileURLToPath = nodeOnly('url.fileURLToPath');
export const dirname = nodeOnly('path.dirname');
export const join = nodeOnly('path.join');
export const readRegularFile = nodeOnly('readRegularFile');
export const writeFileAtomic = nodeOnly('writeFileAtomic');
export default {};
