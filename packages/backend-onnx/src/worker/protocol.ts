/**
 * Messages between the main thread's worker backend and the worker that owns ONNX Runtime. Plain,
 * structured-clone-able data only: graphs are plain data already, host tensors travel as typed arrays,
 * resident tensors as numeric ids (their ORT tensors never leave the worker). Errors travel as their
 * name, message and — for validation errors — field, value and expected, so the main thread rethrows
 * the same class with the same message. Not a general RPC layer.
 */
import type { DType, Graph, HostTensor } from '@repurpose/core/engine';

export type WireFeed = { readonly kind: 'host'; readonly tensor: HostTensor } | { readonly kind: 'resident'; readonly id: number };
export type WireResult = { readonly kind: 'host'; readonly tensor: HostTensor } | { readonly kind: 'resident'; readonly id: number; readonly dtype: DType; readonly shape: readonly number[] };

export type Request =
  | { readonly kind: 'compile'; readonly graph: Graph }
  | { readonly kind: 'run'; readonly exe: number; readonly feeds: Readonly<Record<string, WireFeed>>; readonly outputs?: readonly string[]; readonly resident?: readonly string[]; readonly plain: boolean }
  | { readonly kind: 'upload'; readonly tensor: HostTensor }
  | { readonly kind: 'download'; readonly id: number }
  | { readonly kind: 'release'; readonly id: number }
  | { readonly kind: 'disposeExecutable'; readonly exe: number };

export type Reply =
  | { readonly kind: 'compiled'; readonly exe: number; readonly graph: Graph }
  | { readonly kind: 'ran'; readonly outputs: Readonly<Record<string, WireResult>> }
  | { readonly kind: 'uploaded'; readonly id: number }
  | { readonly kind: 'downloaded'; readonly tensor: HostTensor }
  | { readonly kind: 'done' };

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly field?: string;
  readonly value?: unknown;
  readonly expected?: string;
}

export type Envelope<T> = { readonly id: number } & ({ readonly ok: true; readonly reply: T } | { readonly ok: false; readonly error: WireError });

/** What the worker is started with (workerData). */
export interface WorkerInit {
  /** Module specifier the worker imports ORT from, e.g. 'onnxruntime-node'. */
  readonly ortModule: string;
  readonly options: Readonly<Record<string, unknown>>;
}
