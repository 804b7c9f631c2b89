/**
 * `@repurpose/core/reference`: the CPU reference backend and its kernel table. Importing it has no
 * side effects; create a backend with `referenceBackend()`.
 */
export { referenceBackend } from './backend.js';
export type { ReferenceBackend, ReferenceBackendOptions, ReferenceExecutable } from './backend.js';
export { interpret, checkFeeds } from './interpreter.js';
export { KERNELS } from './kernels/index.js';
export type { Kernel } from './kernel.js';
export { erf } from './erf.js';
