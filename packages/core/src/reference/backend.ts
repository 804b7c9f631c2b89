/**
 * The reference backend: plain-loop kernels for every op in f32, f64 and i32. Clear, not fast — the
 * definition other backends are checked against. By default it claims every composite (runs the
 * fused kernels); `referenceBackend({ composites: [] })` runs their decompositions instead.
 * It keeps nothing resident (`support.resident: false`, no upload): `run` honours `RunOptions.outputs`
 * and returns every output on the host.
 */
import type { Backend, BackendSupport, Executable, Feed, RunOptions } from '../engine/backend.js';
import { isResident, prepareForBackend, selectOutputs } from '../engine/backend.js';
import { DTYPES } from '../engine/dtype.js';
import { GraphError } from '../engine/errors.js';
import type { Graph } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { COMPOSITE_KINDS, type CompositeKind } from '../engine/ops.js';
import { checkGraph } from '../engine/passes/check.js';
import { interpret } from './interpreter.js';

export interface ReferenceBackendOptions {
  /** Composites to run fused; default all. */
  readonly composites?: readonly CompositeKind[];
}

export interface ReferenceExecutable extends Executable {
  runSync(feeds: Readonly<Record<string, HostTensor>>): Record<string, HostTensor>;
}

export interface ReferenceBackend extends Backend {
  compile(graph: Graph): Promise<ReferenceExecutable>;
  compileSync(graph: Graph): ReferenceExecutable;
}

export function referenceBackend(options: ReferenceBackendOptions = {}): ReferenceBackend {
  const support: BackendSupport = Object.freeze({
    dtypes: DTYPES,
    composites: Object.freeze([...(options.composites ?? COMPOSITE_KINDS)]),
    resident: false,
  });

  const compileSync = (graph: Graph): ReferenceExecutable => {
    checkGraph(graph);
    const prepared = prepareForBackend(graph, support);
    const runSync = (feeds: Readonly<Record<string, HostTensor>>) => interpret(prepared, feeds);
    return {
      graph: prepared,
      runSync,
      // Resident requests are ignored, as the contract says for `resident: false`: outputs come back on the host.
      run: async (feeds: Readonly<Record<string, Feed>>, options?: RunOptions) => {
        for (const [name, feed] of Object.entries(feeds)) {
          if (isResident(feed)) throw new GraphError(`feeds.${name}`, 'a resident tensor', 'a host tensor (the reference backend keeps nothing resident)');
        }
        const { outputs } = selectOutputs(prepared, options);
        return interpret(prepared, feeds as Readonly<Record<string, HostTensor>>, options?.outputs === undefined ? undefined : outputs);
      },
      dispose: () => {},
    };
  };

  return {
    name: 'reference',
    support,
    compileSync,
    compile: async (graph) => compileSync(graph),
    dispose: () => {},
  };
}
