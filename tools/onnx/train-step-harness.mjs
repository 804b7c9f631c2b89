/**
 * A harness for timing one training step (GPT-NeoX forward, backward and AdamW as one executable) on
 * the ONNX backend at a chosen model shape, batch, method and thread count, with random weights. Used
 * by bench/cases/onnx-train-step.mjs and by the measurements in docs/onnx.md. Not a test and not the
 * trainer (it drives the executable directly so the step is all that is timed).
 */
process.env.ORT_DISABLE_TELEMETRY = '1';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PYTHIA } from '../../packages/core/dist/index.js';
import {
  adamwScalarFeeds,
  appendAdamW,
  buildTrainingGraph,
  initAdapters,
  momentName,
  padBatch,
  parameterFeeds,
  randomGptNeoXParameters,
  castParameters,
  zeroMoments,
  countGraphFlops,
} from '../../packages/core/dist/engine.js';
import { createOnnxBackend, createOnnxWorkerBackend } from '../../packages/backend-onnx/dist/index.js';

/** onnxruntime-node as the backend package's devDependency resolves it (the workspace root has none). */
const requireHere = createRequire(new URL('../../packages/backend-onnx/package.json', import.meta.url));
export const ort = requireHere('onnxruntime-node');
const ortPath = requireHere.resolve('onnxruntime-node');

/**
 * `where`: 'process' (default) runs ORT in the worker backend's child process, as a user of
 * createOnnxWorkerBackend gets it; 'thread' in its worker thread; 'in-process' on the calling thread.
 * CPU seconds are this process's plus, for 'process', the child's (read from /proc).
 * @param {{ model?: string, method: { kind: string, rank?: number }, B?: number, Tq?: number, Tp?: number, threads?: number, steps?: number, warmup?: number, backendOptions?: object, vocabSize?: number, where?: 'process' | 'thread' | 'in-process' }} o
 */
export async function timeTrainStep(o) {
  const arch = { ...PYTHIA[o.model ?? 'pythia-70m'], ...(o.vocabSize ? { vocabSize: o.vocabSize } : {}) };
  const shape = { B: o.B ?? 32, Tq: o.Tq ?? 16, Tp: o.Tp ?? 64 };
  const where = o.where ?? 'process';
  const backend = where === 'in-process'
    ? createOnnxBackend({ ort, threads: o.threads ?? 2, ...(process.env.OLD_ADAM ? { composites: ['softmax', 'logSoftmax', 'layerNorm', 'gelu', 'attention'] } : {}), ...(o.backendOptions ?? {}) })
    : createOnnxWorkerBackend({ isolation: where, threads: o.threads ?? 2, ortModule: ortPath, ...(o.backendOptions ?? {}) });
  const t = buildTrainingGraph(arch, o.method, shape, { dtype: 'f32', loraEmbedIn: false });
  const graph = appendAdamW(t.graph, t.trainable);
  const compileStart = performance.now();
  const exe = await backend.compile(graph);
  const compileSeconds = (performance.now() - compileStart) / 1000;
  const base = castParameters(randomGptNeoXParameters(arch, { seed: 1 }), 'f32');
  const adapters = initAdapters(t.plan, { seed: 2, dtype: 'f32' });
  const params = parameterFeeds(t.graph, base, adapters);
  const trainable = new Map(t.trainable.map((n) => [n, params[n]]));
  const feeds = {};
  // Every parameter and moment resident, as the trainer keeps them.
  for (const [n, v] of Object.entries(params)) feeds[n] = await backend.upload(v);
  for (const [n, v] of zeroMoments(trainable, t.trainable)) feeds[n] = await backend.upload(v);
  const state = t.trainable.flatMap((n) => [n, momentName('m', n), momentName('v', n)]);
  const runOptions = { outputs: [...state, 'loss'], resident: state };
  const random = mulberry(7);
  const pairs = Array.from({ length: shape.B }, () => ({
    query: Array.from({ length: shape.Tq }, () => 1 + Math.floor(random() * (arch.vocabSize - 1))),
    positive: Array.from({ length: shape.Tp }, () => 1 + Math.floor(random() * (arch.vocabSize - 1))),
  }));
  const batch = padBatch(pairs, shape, { vocabSize: arch.vocabSize });
  Object.assign(feeds, batch.feeds);
  const seconds = [];
  const cpuSeconds = [];
  const steps = o.steps ?? 5;
  const warmup = o.warmup ?? 1;
  for (let s = 0; s < warmup + steps; s++) {
    Object.assign(feeds, adamwScalarFeeds(s, 1e-4, 'f32'));
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const child0 = childCpu(backend);
    const out = await exe.run(feeds, runOptions);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    cpu.user += childCpu(backend) - child0;
    if (process.env.HARNESS_VERBOSE) console.error(`step ${s}: ${elapsed.toFixed(2)} s, cpu user ${(cpu.user / 1e6).toFixed(2)} sys ${(cpu.system / 1e6).toFixed(2)}`);
    for (const n of t.trainable) {
      feeds[n] = out[n];
      feeds[momentName('m', n)] = out[momentName('m', n)];
      feeds[momentName('v', n)] = out[momentName('v', n)];
    }
    if (s >= warmup) {
      seconds.push(elapsed);
      cpuSeconds.push((cpu.user + cpu.system) / 1e6);
    }
    if (!Number.isFinite(out.loss.data[0])) throw new Error(`loss ${out.loss.data[0]}`);
  }
  exe.dispose();
  backend.dispose();
  seconds.sort((a, b) => a - b);
  cpuSeconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)];
  return { compileSeconds, stepSeconds: median, cpuSecondsPerStep: cpuSeconds[Math.floor(cpuSeconds.length / 2)], pairsPerSecond: shape.B / median, matmulFlop: countGraphFlops(graph).matmul, nodes: graph.nodes.length, trainable: t.trainable.length };
}

/** CPU microseconds of the worker backend's child process so far (0 for the others). */
function childCpu(backend) {
  const pid = backend.pid;
  if (!pid) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / 100) * 1e6; // utime + stime, in clock ticks of 1/100 s
}

function mulberry(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kind = process.argv[2] ?? 'full';
  const method = kind === 'lora' ? { kind: 'lora', rank: 32, alpha: 64 } : { kind };
  console.log(kind, await timeTrainStep({ method, steps: Number(process.argv[3] ?? 3), where: process.argv[4] ?? 'process', model: process.argv[5] ?? 'pythia-70m', threads: Number(process.argv[6] ?? 2) }));
}
