/**
 * `createOnnxWorkerBackend`: the ONNX backend with ONNX Runtime in a worker (Node) — a
 * `worker_threads` thread by default, or a child process (`isolation: 'process'`).
 * `session.run` blocks the thread it runs on for the whole step; here that is the worker's, so the
 * caller's event loop — progress bars, timers, SIGINT handlers, an AbortSignal — stays live while a
 * step computes. It is a Backend like any other: the trainer needs no change. Resident tensors stay in
 * the worker (the main thread holds opaque handles), so a training step moves only the batch in and
 * the loss out. ORT cannot be injected as an object across threads, so it is named by module specifier
 * (default 'onnxruntime-node'). The child process exists for speed: onnxruntime-node copies every
 * output into a fresh ArrayBuffer, and glibc serves each large one from new mmap pages that fault in
 * and are unmapped again every step (most of a full fine-tuning step's system time, docs/onnx.md).
 * The child starts with glibc's malloc told never to mmap nor trim (MALLOC_MMAP_MAX_=0,
 * MALLOC_TRIM_THRESHOLD_), which a thread of the caller's process cannot get, so those pages are
 * reused. Not for browsers (a Web Worker version would speak the same protocol).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RepurposeError, ValidationError } from '@repurpose/core';
import { type Backend, type BackendSupport, type Feed, GraphError, type Graph, type HostTensor, type ResidentTensor } from '@repurpose/core/engine';
import { ONNX_SUPPORT } from '../backend.js';
import type { OnnxRunOptions } from '../executable.js';
import { BACKEND_NAME } from '../resident.js';
import type { Envelope, Reply, Request, WireError, WireFeed, WorkerInit } from './protocol.js';

export interface OnnxWorkerBackendOptions {
  /** Module specifier the worker imports ORT from; default 'onnxruntime-node'. */
  readonly ortModule?: string;
  readonly executionProviders?: readonly string[];
  readonly threads?: number;
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
  /** The worker script; default the built `onnx-worker.js` beside this package's entry. */
  readonly workerUrl?: URL;
  /** 'thread' (default): a worker_threads thread; 'process': a child process with the malloc settings above (docs/onnx.md). */
  readonly isolation?: 'process' | 'thread';
}

/** glibc malloc settings of the child: no mmap for large blocks, no trimming, so freed pages are reused. */
export const WORKER_MALLOC_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: String(2 ** 36) });

/** The two ends a worker can be: what the backend needs of a thread or a child process. */
interface WorkerHandle {
  readonly pid: number | undefined;
  post(msg: unknown): void;
  ref(): void;
  unref(): void;
  terminate(): void;
  on(event: 'message', l: (msg: unknown) => void): void;
  on(event: 'error', l: (e: Error) => void): void;
  on(event: 'exit', l: (code: number | null) => void): void;
}

function startWorker(url: URL, init: WorkerInit, isolation: 'process' | 'thread'): WorkerHandle {
  if (isolation === 'thread') {
    const w = new Worker(url, { workerData: init });
    return { pid: undefined, post: (m) => w.postMessage(m), ref: () => w.ref(), unref: () => w.unref(), terminate: () => void w.terminate(), on: (e: string, l: (x: never) => void) => void w.on(e, l as (...args: unknown[]) => void) };
  }
  const child: ChildProcess = fork(fileURLToPath(url), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...WORKER_MALLOC_ENV } });
  child.send({ init });
  const channel = () => child.channel as { ref(): void; unref(): void } | undefined | null;
  return {
    pid: child.pid,
    post: (m) => child.send(m as never),
    ref: () => {
      child.ref();
      channel()?.ref();
    },
    unref: () => {
      child.unref();
      channel()?.unref();
    },
    terminate: () => void child.kill(),
    on: (e: string, l: (x: never) => void) => void child.on(e, l as (...args: unknown[]) => void),
  };
}

export interface WorkerExecutable {
  readonly graph: Graph;
  run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor>>;
  run(feeds: Readonly<Record<string, Feed>>, options: OnnxRunOptions): Promise<Record<string, Feed>>;
  dispose(): void;
}

export interface OnnxWorkerBackend extends Backend {
  compile(graph: Graph): Promise<WorkerExecutable>;
  upload(tensor: HostTensor): Promise<ResidentTensor>;
  download(tensor: ResidentTensor): Promise<HostTensor>;
  release(tensor: ResidentTensor): void;
  /** The child process's id with isolation 'process' (for measuring its CPU time); undefined for a thread. */
  readonly pid: number | undefined;
}

function rethrow(e: WireError): never {
  if (e.name === 'GraphError' && e.field !== undefined) throw new GraphError(e.field, e.value, e.expected ?? '');
  if (e.name === 'ValidationError' && e.field !== undefined) throw new ValidationError(e.field, e.value, e.expected ?? '');
  const error = new RepurposeError(e.message);
  error.name = e.name;
  throw error;
}

export function createOnnxWorkerBackend(options: OnnxWorkerBackendOptions = {}): OnnxWorkerBackend {
  const { ortModule = 'onnxruntime-node', workerUrl, isolation = 'thread', ...backendOptions } = options;
  if (typeof ortModule !== 'string' || ortModule === '') throw new ValidationError('options.ortModule', ortModule, "a module specifier such as 'onnxruntime-node'");
  if (isolation !== 'process' && isolation !== 'thread') throw new ValidationError('options.isolation', isolation, "'process' or 'thread'");
  const url = workerUrl ?? new URL('./onnx-worker.js', import.meta.url);
  const worker = startWorker(url, { ortModule, options: backendOptions }, isolation);
  worker.unref(); // an idle backend does not keep the process alive
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let dead: Error | undefined;
  const fail = (error: Error) => {
    dead = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (raw) => {
    const env = raw as Envelope<Reply>;
    const p = pending.get(env.id);
    if (!p) return;
    pending.delete(env.id);
    if (pending.size === 0) worker.unref();
    if (env.ok) p.resolve(env.reply);
    else {
      try {
        rethrow(env.error);
      } catch (error) {
        p.reject(error);
      }
    }
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => fail(new RepurposeError(`the ONNX worker exited (code ${code})`)));

  const call = <K extends Reply['kind']>(request: Request, _expect: K): Promise<Extract<Reply, { kind: K }>> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    worker.ref(); // a request in flight keeps the process alive until it answers
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (r: Reply) => void, reject });
      worker.post({ id, request });
    });
  };

  const ids = new WeakMap<ResidentTensor, number>();
  const handleOf = (id: number, dtype: ResidentTensor['dtype'], shape: readonly number[]): ResidentTensor => {
    const h: ResidentTensor = Object.freeze({ kind: 'resident', backend: BACKEND_NAME, dtype, shape: Object.freeze([...shape]) });
    ids.set(h, id);
    return h;
  };
  const idOf = (h: ResidentTensor, field: string): number => {
    const id = ids.get(h);
    if (id === undefined) throw new GraphError(field, `a resident tensor of backend ${JSON.stringify(h.backend)}`, 'a tensor this worker backend uploaded or produced (and has not released)');
    return id;
  };
  const support: BackendSupport = ONNX_SUPPORT;

  return {
    name: BACKEND_NAME,
    support,
    pid: worker.pid,
    compile: async (graph) => {
      const { exe, graph: prepared } = await call({ kind: 'compile', graph }, 'compiled');
      async function run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor>>;
      async function run(feeds: Readonly<Record<string, Feed>>, runOptions: OnnxRunOptions): Promise<Record<string, Feed>>;
      async function run(feeds: Readonly<Record<string, Feed>>, runOptions?: OnnxRunOptions): Promise<Record<string, Feed>> {
        const wire: Record<string, WireFeed> = {};
        for (const [name, f] of Object.entries(feeds)) {
          if ('kind' in f && f.kind === 'resident') {
            if (f.backend !== BACKEND_NAME) throw new GraphError(`feeds.${name}`, `a resident tensor of backend ${JSON.stringify(f.backend)}`, 'a host tensor or a resident tensor of this backend');
            wire[name] = { kind: 'resident', id: idOf(f, `feeds.${name}`) };
          } else wire[name] = { kind: 'host', tensor: f as HostTensor };
        }
        const { outputs } = await call({ kind: 'run', exe, feeds: wire, plain: runOptions === undefined, ...(runOptions?.outputs ? { outputs: runOptions.outputs } : {}), ...(runOptions?.resident ? { resident: runOptions.resident } : {}) }, 'ran');
        const out: Record<string, Feed> = {};
        for (const [name, r] of Object.entries(outputs)) out[name] = r.kind === 'host' ? Object.freeze({ ...r.tensor }) : handleOf(r.id, r.dtype, r.shape);
        return out;
      }
      return { graph: prepared, run, dispose: () => void call({ kind: 'disposeExecutable', exe }, 'done').catch(() => {}) };
    },
    upload: async (tensor) => handleOf((await call({ kind: 'upload', tensor }, 'uploaded')).id, tensor.dtype, tensor.shape),
    download: async (tensor) => (await call({ kind: 'download', id: idOf(tensor, 'download') }, 'downloaded')).tensor,
    release: (tensor) => {
      const id = idOf(tensor, 'release');
      ids.delete(tensor);
      void call({ kind: 'release', id }, 'done').catch(() => {});
    },
    dispose: () => {
      dead = new RepurposeError('the ONNX worker backend was disposed');
      worker.terminate();
    },
  };
}
