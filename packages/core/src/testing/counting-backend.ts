/**
 * A test backend that behaves like a device backend without a device: it computes with the reference
 * interpreter but keeps tensors "resident" behind opaque handles, and it counts every byte that
 * crosses between host and "device", per direction and per tensor name, and every live handle. The
 * conformance suite and the trainer's tests use it to assert what crosses (a training step moves the
 * batch in and the loss out, nothing else) and that everything was released.
 *
 * Strict where a real device would fail later: feeding a released or foreign handle, releasing twice,
 * or feeding a donated handle (an input a resident output replaced) throws. Not fast and not a mock
 * of any particular device; its arithmetic is the reference backend's, bit for bit.
 */
import type { Backend, BackendSupport, Executable, Feed, ResidentTensor, RunOptions } from '../engine/backend.js';
import { isResident, selectOutputs } from '../engine/backend.js';
import { GraphError } from '../engine/errors.js';
import type { Graph } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import type { CompositeKind } from '../engine/ops.js';
import { referenceBackend } from '../reference/backend.js';
import { interpret } from '../reference/interpreter.js';

export type TransferDirection = 'to-device' | 'to-host';

/** One crossing: a run's host feed or host output (named by input/output), an upload or a download. */
export interface Transfer {
  readonly direction: TransferDirection;
  readonly via: 'run' | 'upload' | 'download';
  /** The input or output name for run transfers; the handle's label for upload/download. */
  readonly name: string;
  readonly bytes: number;
}

export interface CountingBackend extends Backend {
  readonly upload: (tensor: HostTensor, label?: string) => Promise<ResidentTensor>;
  readonly download: (tensor: ResidentTensor) => Promise<HostTensor>;
  readonly release: (tensor: ResidentTensor) => void;
  /** Every crossing since creation (or the last `resetCounts`), in order. */
  readonly transfers: readonly Transfer[];
  /** Bytes per direction since the last reset. */
  bytes(direction: TransferDirection): number;
  /** Resident handles not yet released. */
  liveHandles(): number;
  /** Executables compiled and not yet disposed. */
  liveExecutables(): number;
  resetCounts(): void;
}

export interface CountingBackendOptions {
  /** Composites run fused; default all (as the reference backend). */
  readonly composites?: readonly CompositeKind[];
  /** Default true; false makes it behave as a backend that keeps nothing resident, still counting. */
  readonly resident?: boolean;
}

const NAME = 'counting';

interface Slot {
  tensor: HostTensor;
  label: string;
  state: 'live' | 'donated';
}

export function countingBackend(options: CountingBackendOptions = {}): CountingBackend {
  const reference = referenceBackend(options.composites ? { composites: options.composites } : {});
  const resident = options.resident ?? true;
  const support: BackendSupport = Object.freeze({ ...reference.support, resident });
  const slots = new Map<ResidentTensor, Slot>();
  const transfers: Transfer[] = [];
  let executables = 0;

  const record = (direction: TransferDirection, via: Transfer['via'], name: string, t: HostTensor) =>
    transfers.push(Object.freeze({ direction, via, name, bytes: t.data.byteLength }));
  const handle = (tensor: HostTensor, label: string): ResidentTensor => {
    const h: ResidentTensor = Object.freeze({ kind: 'resident', backend: NAME, dtype: tensor.dtype, shape: tensor.shape });
    slots.set(h, { tensor, label, state: 'live' });
    return h;
  };
  const slotOf = (h: ResidentTensor, field: string): Slot => {
    const slot = slots.get(h);
    if (!slot) throw new GraphError(field, h, `a live resident tensor of the ${NAME} backend (released, or another backend's)`);
    return slot;
  };
  const requireResident = (what: string) => {
    if (!resident) throw new GraphError(`${NAME} backend ${what}`, 'called', 'not called: this instance declares resident: false');
  };

  const compile = async (graph: Graph): Promise<Executable> => {
    const inner = reference.compileSync(graph);
    const prepared = inner.graph;
    executables += 1;
    let disposed = false;
    const run = async (feeds: Readonly<Record<string, Feed>>, runOptions?: RunOptions): Promise<Record<string, Feed>> => {
      if (disposed) throw new GraphError('executable', 'disposed', 'an executable not yet disposed');
      const { outputs, resident: keep } = selectOutputs(prepared, runOptions);
      const host: Record<string, HostTensor> = {};
      for (const [name, feed] of Object.entries(feeds)) {
        if (isResident(feed)) {
          const slot = slotOf(feed, `feeds.${name}`);
          if (slot.state === 'donated') throw new GraphError(`feeds.${name}`, 'a donated resident tensor', 'the output that replaced it (see Executable.run)');
          host[name] = slot.tensor;
        } else {
          record('to-device', 'run', name, feed);
          host[name] = feed;
        }
      }
      const values = interpret(prepared, host, runOptions?.outputs === undefined ? undefined : outputs);
      const result: Record<string, Feed> = {};
      for (const output of prepared.outputs) {
        const value = values[output.name];
        if (!value) continue;
        if (resident && keep.has(output.name)) {
          result[output.name] = handle(value, output.name);
          // Donation, as a device backend may do it: the replaced input's handle is no longer valid to feed.
          const replaced = output.updates === undefined ? undefined : feeds[output.updates];
          if (replaced && isResident(replaced)) slotOf(replaced, `feeds.${output.updates}`).state = 'donated';
        } else {
          record('to-host', 'run', output.name, value);
          result[output.name] = value;
        }
      }
      return result;
    };
    return {
      graph: prepared,
      run: run as Executable['run'],
      dispose: () => {
        if (!disposed) executables -= 1;
        disposed = true;
      },
    };
  };

  const upload = async (tensor: HostTensor, label = 'upload'): Promise<ResidentTensor> => {
    requireResident('upload');
    record('to-device', 'upload', label, tensor);
    return handle(tensor, label);
  };
  const download = async (h: ResidentTensor): Promise<HostTensor> => {
    requireResident('download');
    const slot = slotOf(h, 'download tensor');
    if (slot.state === 'donated') throw new GraphError('download tensor', 'a donated resident tensor', 'a live one');
    record('to-host', 'download', slot.label, slot.tensor);
    return slot.tensor;
  };
  const release = (h: ResidentTensor): void => {
    requireResident('release');
    slotOf(h, 'release tensor');
    slots.delete(h);
  };

  return {
    name: NAME,
    support,
    compile,
    upload,
    download,
    release,
    get transfers() {
      return transfers;
    },
    bytes: (direction) => transfers.reduce((sum, t) => (t.direction === direction ? sum + t.bytes : sum), 0),
    liveHandles: () => slots.size,
    liveExecutables: () => executables,
    resetCounts: () => {
      transfers.length = 0;
    },
    dispose: () => {},
  };
}
