/**
 * The worker that owns ONNX Runtime for `createOnnxWorkerBackend` — a `worker_threads` thread or a
 * child process (`isolation: 'process'`, the same script started with `fork`): it imports ORT by the
 * module specifier it was started with, creates an ordinary ONNX backend, and serves compile / run /
 * upload / download / release requests in order. `session.run` blocks this worker, not the caller, so
 * progress output, timers and signal handlers stay live. Resident tensors live here under numeric ids.
 * Not a scheduler: one request at a time, in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ValidationError } from '@repurpose/core';
import type { Feed, ResidentTensor } from '@repurpose/core/engine';
import { createOnnxBackend, type OnnxBackend } from '../backend.js';
import type { OnnxExecutable } from '../executable.js';
import type { OrtModule } from '../ort-module.js';
import type { Envelope, Reply, Request, WireError, WireResult, WorkerInit } from './protocol.js';

/** The channel to the caller: the thread's port, or the child process's IPC channel (its first message is the WorkerInit). */
interface Channel {
  on(listener: (msg: unknown) => void): void;
  post(msg: unknown): void;
}
const channel: Channel = parentPort
  ? { on: (l) => parentPort!.on('message', l), post: (m) => parentPort!.postMessage(m) }
  : { on: (l) => process.on('message', l), post: (m) => process.send!(m) };
// A child whose parent went away has nobody to serve.
if (!parentPort) process.on('disconnect', () => process.exit(0));
let init: WorkerInit = workerData as WorkerInit;
let backend: OnnxBackend | undefined;
const executables = new Map<number, OnnxExecutable>();
const residents = new Map<number, ResidentTensor>();
let nextId = 1;

async function getBackend(): Promise<OnnxBackend> {
  if (!backend) {
    const imported = (await import(init.ortModule)) as { default?: OrtModule } & OrtModule;
    const ort = imported.InferenceSession ? imported : (imported.default as OrtModule);
    backend = createOnnxBackend({ ...init.options, ort } as never);
  }
  return backend;
}

function resident(id: number, field: string): ResidentTensor {
  const t = residents.get(id);
  if (!t) throw new ValidationError(field, `resident tensor #${id}`, 'a tensor this worker backend holds (not released)');
  return t;
}

function keep(t: ResidentTensor): number {
  const id = nextId++;
  residents.set(id, t);
  return id;
}

async function handle(req: Request): Promise<Reply> {
  const be = await getBackend();
  switch (req.kind) {
    case 'compile': {
      const exe = await be.compile(req.graph);
      const id = nextId++;
      executables.set(id, exe);
      return { kind: 'compiled', exe: id, graph: exe.graph };
    }
    case 'run': {
      const exe = executables.get(req.exe);
      if (!exe) throw new ValidationError('executable', req.exe, 'a live executable (not disposed)');
      const feeds: Record<string, Feed> = {};
      for (const [name, f] of Object.entries(req.feeds)) feeds[name] = f.kind === 'host' ? f.tensor : resident(f.id, `feeds.${name}`);
      const out = req.plain ? await exe.run(feeds) : await exe.run(feeds, { ...(req.outputs ? { outputs: req.outputs } : {}), ...(req.resident ? { resident: req.resident } : {}) });
      const outputs: Record<string, WireResult> = {};
      for (const [name, t] of Object.entries(out)) {
        outputs[name] = 'kind' in t ? { kind: 'resident', id: keep(t), dtype: t.dtype, shape: t.shape } : { kind: 'host', tensor: t };
      }
      return { kind: 'ran', outputs };
    }
    case 'upload':
      return { kind: 'uploaded', id: keep(await be.upload(req.tensor)) };
    case 'download':
      return { kind: 'downloaded', tensor: await be.download(resident(req.id, 'download')) };
    case 'release':
      be.release(resident(req.id, 'release'));
      residents.delete(req.id);
      return { kind: 'done' };
    case 'disposeExecutable':
      executables.get(req.exe)?.dispose();
      executables.delete(req.exe);
      return { kind: 'done' };
  }
}

function wireError(error: unknown): WireError {
  if (error instanceof ValidationError) return { name: error.name, message: error.message, field: error.field, value: safeValue(error.value), expected: error.expected };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

function safeValue(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    return String(value);
  }
}

// Requests are served strictly in order: a run must see the uploads sent before it.
let queue: Promise<void> = Promise.resolve();
channel.on((raw) => {
  const msg = raw as { id: number; request: Request } | { init: WorkerInit };
  if ('init' in msg) {
    init = msg.init;
    return;
  }
  queue = queue.then(async () => {
    let envelope: Envelope<Reply>;
    try {
      envelope = { id: msg.id, ok: true, reply: await handle(msg.request) };
    } catch (error) {
      envelope = { id: msg.id, ok: false, error: wireError(error) };
    }
    channel.post(envelope);
  });
});
