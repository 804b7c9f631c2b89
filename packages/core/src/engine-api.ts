/**
 * @repurpose/core/engine — the backend-neutral training engine: the graph IR and autodiff, the backend
 * contract, GPT-NeoX and the fine-tuning methods as graphs, the trainer, and safetensors on bytes.
 * The root entry (`@repurpose/core`) is the planning API; this subpath is for backends, trainers and
 * users who build graphs. Browser-safe and free of side effects, like the root.
 */
export * from './io/index.js';
export * from './engine/index.js';
export * from './model/index.js';
export * from './train/index.js';
export * from './text/index.js';
export * from './ship/index.js';
