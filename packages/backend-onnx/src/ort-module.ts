/**
 * The slice of the ONNX Runtime JavaScript API this backend uses, as structural types, so one package
 * serves onnxruntime-node and onnxruntime-web: the caller injects whichever module its platform has.
 * Deliberately not an import of either package (ORT is a peer dependency, never loaded by us).
 */

export type OrtTensorType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}

export interface OrtSessionOptions {
  executionProviders?: readonly (string | { name: string })[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  executionMode?: 'sequential' | 'parallel';
  enableProfiling?: boolean;
  profileFilePrefix?: string;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  extra?: Record<string, unknown>;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
  endProfiling?(): void;
}

export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
  readonly Tensor: new (type: OrtTensorType, data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array, dims: readonly number[]) => OrtTensor;
}

/** Whether `value` looks like an ORT module (has the two constructors this backend calls). */
export function isOrtModule(value: unknown): value is OrtModule {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<Record<keyof OrtModule, unknown>>;
  const session = m.InferenceSession as { create?: unknown } | undefined;
  return typeof m.Tensor === 'function' && (typeof session === 'object' || typeof session === 'function') && session !== null && typeof session.create === 'function';
}
