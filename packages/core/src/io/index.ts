/**
 * Checkpoint I/O of @repurpose/core: safetensors on bytes (browser-safe). The Node file helpers are in
 * ./safetensors-file.ts and deliberately not re-exported here, so importing this barrel never pulls in
 * node:fs; a Node-only entry point can export them.
 */
export {
  SAFETENSORS_DTYPES,
  WRITABLE_DTYPES,
  DTYPE_BYTES,
  type SafetensorsDtype,
  type WritableDtype,
} from './safetensors-dtype.js';
export {
  SafetensorsError,
  LayoutMismatchError,
  describeProblem,
  type SafetensorsErrorKind,
  type LayoutProblem,
} from './safetensors-error.js';
export {
  DEFAULT_MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  type ParseHeaderOptions,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors-header.js';
export {
  checkLayout,
  findLayoutProblems,
  type ExpectedLayout,
  type ExpectedTensor,
  type LayoutOptions,
  type TensorDescriptions,
} from './safetensors-layout.js';
export {
  readSafetensors,
  decodeTensor,
  type LoadedTensor,
  type ReadOptions,
  type SafetensorsContents,
  type TensorData,
} from './safetensors-read.js';
export { writeSafetensors, type TensorToWrite, type TensorsToWrite } from './safetensors-write.js';
