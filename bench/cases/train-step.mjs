/**
 * One training step per backend (`node bench/run.mjs train-step [--full] [--models=14m,70m]`):
 * tokens/s, pairs/s, achieved GFLOP/s (countGraphFlops of the executed graph: forward, backward and
 * the AdamW update) and host↔device bytes per step, for GPT-NeoX at pythia-14m and pythia-70m shapes
 * (random weights, f32), full fine-tuning and LoRA r = 32, batch 32 pairs of 16 query + 64 document
 * tokens. A step is timed after one warm-up step (the first includes lazy setup); compile is reported
 * apart. Bytes: the counting backend counts them; for a backend that keeps nothing resident they are
 * every graph input in and every returned output out, read off the compiled graph.
 *
 * The reference kernels run ~0.1–0.3 GFLOP/s here, so the default is pythia-14m at 4 pairs (about a
 * minute in all); `--full` uses the specified batch of 32 pairs (minutes per step on the reference
 * backend) and `--models=14m,70m` adds the 70m shape. The ONNX and WebGPU backends join the BACKENDS table when their packages exist.
 * Not a test: it asserts nothing.
 */
import { PYTHIA } from '../../packages/core/dist/index.js';
import { appendAdamW, buildTrainingGraph, countGraphFlops, randomGptNeoXParameters, syntheticPairs, trainEvents } from '../../packages/core/dist/engine.js';
import { referenceBackend } from '../../packages/core/dist/reference.js';
import { countingBackend } from '../../packages/core/dist/conformance.js';

export const target = 'report only: throughput and host traffic per step; resident backends move only the batch in and the loss out';

const args = process.argv.slice(2);
const full = args.includes('--full');
const models = (args.find((a) => a.startsWith('--models='))?.slice('--models='.length) ?? '14m').split(',').map((m) => `pythia-${m}`);
const SHAPE = { B: full ? 32 : 4, Tq: 16, Tp: 64 };
export const name = `training step per backend (GPT-NeoX, batch ${SHAPE.B} × (16 + 64) tokens)`;
const METHODS = { full: { kind: 'full' }, 'lora r=32': { kind: 'lora', rank: 32 } };
const BACKENDS = {
  reference: () => referenceBackend(),
  counting: () => countingBackend(),
};

/** Bytes a step moves on a backend that keeps nothing resident: all inputs in, the requested outputs out. */
function hostRoundTripBytes(graph, outputs) {
  const size = (t) => t.shape.reduce((p, d) => p * d, 1) * (t.dtype === 'f64' ? 8 : 4);
  const types = new Map([...graph.inputs.map((i) => [i.id, i.type]), ...graph.nodes.map((n) => [n.id, n.type])]);
  const toDevice = graph.inputs.reduce((n, i) => n + size(i.type), 0);
  const toHost = graph.outputs.filter((o) => outputs.includes(o.name)).reduce((n, o) => n + size(types.get(o.value)), 0);
  return { toDevice, toHost };
}

export async function run() {
  const rows = [];
  for (const model of models) {
    const arch = PYTHIA[model];
    const parameters = randomGptNeoXParameters(arch, { seed: 0, dtype: 'f32' });
    for (const [methodName, method] of Object.entries(METHODS)) {
      const t = buildTrainingGraph(arch, method, SHAPE, { dtype: 'f32' });
      const stepGraph = appendAdamW(t.graph, t.trainable);
      const flops = countGraphFlops(stepGraph).total;
      const stateOutputs = stepGraph.outputs.filter((o) => o.updates !== undefined).map((o) => o.name);
      for (const [backendName, make] of Object.entries(BACKENDS)) {
        const backend = make();
        const data = syntheticPairs({ vocabSize: arch.vocabSize, queryLength: [16, 16], positiveLength: [64, 64], seed: 1 });
        let compileSeconds = 0;
        let last;
        const marks = [];
        for await (const e of trainEvents({ backend, architecture: arch, method, parameters, data, batch: SHAPE, steps: 1, peakLearningRate: 1e-4 })) {
          if (e.kind === 'compile') compileSeconds += e.seconds;
          // The step's own window: from the start event (uploads done) to its step event.
          if (e.kind === 'start' || e.kind === 'step') marks.push(backend.transfers?.length ?? 0);
          if (e.kind === 'step') last = e;
        }
        let bytes;
        if (backend.transfers) {
          const window = backend.transfers.slice(marks.at(-2), marks.at(-1));
          const sum = (dir) => window.filter((x) => x.direction === dir).reduce((n, x) => n + x.bytes, 0);
          bytes = { toDevice: sum('to-device'), toHost: sum('to-host') };
        } else {
          bytes = hostRoundTripBytes(stepGraph, ['loss', ...stateOutputs]);
        }
        const tokens = SHAPE.B * (SHAPE.Tq + SHAPE.Tp);
        rows.push({
          model,
          method: methodName,
          backend: backendName,
          'step s': +last.seconds.toFixed(2),
          'compile s': +compileSeconds.toFixed(2),
          'tokens/s': Math.round(tokens / last.seconds),
          'pairs/s': +(SHAPE.B / last.seconds).toFixed(1),
          'GFLOP/step': +(flops / 1e9).toFixed(2),
          'GFLOP/s': +(flops / 1e9 / last.seconds).toFixed(2),
          'MB to device/step': +(bytes.toDevice / 1e6).toFixed(3),
          'MB to host/step': +(bytes.toHost / 1e6).toFixed(6),
        });
        console.error(`train-step: ${model} ${methodName} ${backendName}: ${last.seconds.toFixed(2)} s/step`);
      }
    }
  }
  return rows;
}
