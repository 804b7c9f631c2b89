/**
 * WebGPU's numeric flags, spelled out so the backend needs no globals (Node's `webgpu` package only
 * installs GPUBufferUsage and friends on globalThis when asked). Values from the WebGPU spec.
 */
export const BUFFER_USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MAP_MODE_READ = 0x1;
