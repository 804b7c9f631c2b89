/**
 * `--backend onnx|reference` and `--threads N` for every command that computes (embed-ids, train,
 * embed): parsing the two flags, and opening the backend they name. ONNX Runtime (onnxruntime-node,
 * through `@repurpose/backend-onnx`) is the default; the reference backend is the pure-TypeScript one
 * in core. When no backend is named and onnxruntime-node cannot be loaded (not installed, or its
 * native binding does not load on this platform), the command says so on stderr, once, and falls back
 * to the reference backend; when `--backend onnx` is named explicitly the same failure is an error.
 *
 * Not a backend registry and not a place for per-graph options (dtype, composites): only the choice
 * of engine and its thread count.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type Backend, EMBEDDING_INPUTS, type Graph, type HostTensor, hostTensor } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';
import { createOnnxBackend, createOnnxWorkerBackend, type OrtModule } from '@repurpose/backend-onnx';
import { choiceFlag, rangeFlag } from './args.js';
import { CliError } from './cli-error.js';

/** The backends a command can be asked for, the default first. */
export const BACKEND_NAMES = ['onnx', 'reference'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The module the ONNX backend loads by default; the version this repository is tested with. */
export const DEFAULT_ORT_MODULE = 'onnxruntime-node';
export const ORT_NODE_VERSION = '1.30.0';

/** Spread into a command's parseArgs options: `{ ...BACKEND_FLAGS, model: … }`. */
export const BACKEND_FLAGS = {
  backend: { type: 'string' },
  threads: { type: 'string' },
} as const;

/** Lines for a command's --help, aligned like the others (26 columns before the text). */
export const BACKEND_HELP = `  --backend onnx|reference  the engine (default onnx: ONNX Runtime through onnxruntime-node; when
                            that cannot load and no backend is named, the reference backend, with a note)
  --threads N               ONNX Runtime intra-op threads (default: ONNX Runtime's choice, all cores)`;

/** What the flags asked for. `explicit` is whether `--backend` was given (a failure to load is then an error). */
export type BackendRequest =
  | { readonly kind: 'onnx'; readonly explicit: boolean; readonly threads: number | undefined }
  | { readonly kind: 'reference' };

/** Parses `--backend` and `--threads` from parseArgs values. `--threads` with the reference backend is an error (it has no threads). */
export function parseBackendFlags(values: { readonly backend?: string | undefined; readonly threads?: string | undefined }): BackendRequest {
  const name = choiceFlag('backend', values.backend, BACKEND_NAMES);
  const threads = rangeFlag('threads', values.threads, { min: 1, max: 1024, integer: true, what: 'ONNX Runtime intra-op threads' });
  if (name === 'reference') {
    if (threads !== undefined) throw new CliError('--threads: only the onnx backend takes a thread count; drop --threads or use --backend onnx');
    return { kind: 'reference' };
  }
  return { kind: 'onnx', explicit: name === 'onnx', threads };
}

/** An opened backend. `label` is for people ("onnx (onnxruntime-node 1.30.0, 2 threads)"). */
export interface OpenedBackend {
  readonly kind: BackendName;
  readonly backend: Backend;
  readonly label: string;
  /** Set when the default (onnx) could not load and the reference backend is used instead: the note that was printed. */
  readonly fallback?: string;
  dispose(): void;
}

export interface OpenBackendOptions {
  /**
   * Run ONNX Runtime in a worker thread (`createOnnxWorkerBackend`), so progress output and SIGINT
   * stay live during a step: what `repurpose train` wants. Default false (in-process), right for a
   * short embedding call.
   */
  readonly worker?: boolean;
  /** Where the fallback note goes; default stderr. */
  readonly warn?: (line: string) => void;
  /** The ORT module specifier; default 'onnxruntime-node'. A test names a missing one to see the fallback. */
  readonly ortModule?: string;
  /** ONNX Runtime session options (e.g. `{ enableCpuMemArena: false }` under a memory cap). */
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
}

interface LoadedOrt {
  readonly ort: OrtModule;
  /** A file URL the worker can import, so it loads the same copy wherever it is resolved from. */
  readonly url: string;
  readonly version: string;
}

/** ORT could not be loaded: `reason` is why, the message adds how to fix it. */
class OrtLoadError extends CliError {
  constructor(readonly specifier: string, readonly reason: string, fix: string) {
    super(`cannot load ${specifier}: ${reason} (${fix})`);
  }
}

const installFix = (specifier: string) => `install it with ONNXRUNTIME_NODE_INSTALL=skip npm install ${specifier}@${ORT_NODE_VERSION}, or use --backend reference`;

/** Resolves and imports ORT; the error says why it could not and how to install it. */
async function loadOrt(specifier: string): Promise<LoadedOrt> {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    path = require.resolve(specifier);
  } catch {
    throw new OrtLoadError(specifier, 'it is not installed', installFix(specifier));
  }
  let imported: { default?: unknown } & Record<string, unknown>;
  try {
    imported = (await import(pathToFileURL(path).href)) as typeof imported;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new OrtLoadError(specifier, `importing it failed: ${reason}`, `re${installFix(specifier)}`);
  }
  const ort = (imported.InferenceSession ? imported : imported.default) as OrtModule | undefined;
  if (!ort || typeof ort.InferenceSession?.create !== 'function') {
    throw new OrtLoadError(specifier, 'the module has no InferenceSession (is it ONNX Runtime?)', 'use --backend reference');
  }
  const env = (ort as unknown as { env?: { versions?: { node?: string; common?: string } } }).env;
  return { ort, url: pathToFileURL(path).href, version: env?.versions?.node ?? env?.versions?.common ?? 'unknown version' };
}

/** Opens the backend a request names; see the file header for the fallback rule. */
export async function openBackend(request: BackendRequest, options: OpenBackendOptions = {}): Promise<OpenedBackend> {
  if (request.kind === 'reference') {
    const backend = referenceBackend();
    return { kind: 'reference', backend, label: 'reference (TypeScript, one thread)', dispose: () => backend.dispose?.() };
  }
  const specifier = options.ortModule ?? DEFAULT_ORT_MODULE;
  let loaded: LoadedOrt;
  try {
    loaded = await loadOrt(specifier);
  } catch (error) {
    if (request.explicit || !(error instanceof OrtLoadError)) throw error;
    const note = `repurpose: cannot load ${specifier}: ${error.reason} — using the reference backend (slower); install ${specifier}@${ORT_NODE_VERSION} (ONNXRUNTIME_NODE_INSTALL=skip) for ONNX Runtime, or pass --backend reference to silence this`;
    (options.warn ?? ((line: string) => process.stderr.write(`${line}\n`)))(note);
    const backend = referenceBackend();
    return { kind: 'reference', backend, label: 'reference (TypeScript, one thread)', fallback: note, dispose: () => backend.dispose?.() };
  }
  const threads = request.threads;
  const extra = { ...(threads !== undefined ? { threads } : {}), ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}) };
  const backend = options.worker ? createOnnxWorkerBackend({ ortModule: loaded.url, ...extra }) : createOnnxBackend({ ort: loaded.ort, ...extra });
  const label = `onnx (${specifier} ${loaded.version}${threads !== undefined ? `, ${threads} thread${threads === 1 ? '' : 's'}` : ''}${options.worker ? ', in a worker' : ''})`;
  return { kind: 'onnx', backend, label, dispose: () => backend.dispose?.() };
}

/**
 * One embedding run for the CLI's embed commands: token rows padded to the longest (`padId`, mask 0),
 * the graph compiled and run once on the requested backend, everything disposed. Returns the outputs
 * and which backend ran them (for the summary line).
 */
export async function runEmbeddingGraph(
  request: BackendRequest,
  graph: Graph,
  rows: readonly (readonly number[])[],
  padId: number,
  parameters: Readonly<Record<string, HostTensor>>,
): Promise<{ outputs: Record<string, HostTensor>; kind: BackendName; label: string }> {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.length));
  const ids = new Int32Array(B * T).fill(padId);
  const mask = new Int32Array(B * T);
  rows.forEach((row, r) => row.forEach((id, t) => ((ids[r * T + t] = id), (mask[r * T + t] = 1))));
  const opened = await openBackend(request);
  try {
    const executable = await opened.backend.compile(graph);
    try {
      const outputs = await executable.run({ [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], ids), [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], mask), ...parameters });
      return { outputs, kind: opened.kind, label: opened.label };
    } finally {
      executable.dispose();
    }
  } finally {
    opened.dispose();
  }
}
