#!/usr/bin/env node
/**
 * Trains a few steps of a Pythia-shaped model (random weights) under a memory cap and reports the
 * process's measured peak RSS beside the cap and the trainer's estimate, as one JSON line. The
 * trainer picks the GradCache mini-batch from the cap (`memoryCap`); `--mini-batch N` forces one, and
 * `--mini-batch whole` runs the batch as one graph (for comparison: beware, at 1024 pairs that needs
 * far more memory than this machine may have).
 *
 *   node tools/memory/train-under-cap.mjs --model pythia-14m --pairs 1024 --tokens 75 --cap 4GB --backend onnx
 *
 * Imports the built packages (run the build first). Not a test (tools/memory/train-under-cap.test.ts
 * runs a small version) and not a benchmark: timings are printed for orientation only.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { PYTHIA, architectureFromConfig } from '../../packages/core/dist/index.js';
import { chooseMiniBatch, randomGptNeoXParameters, syntheticPairs, train } from '../../packages/core/dist/engine.js';
import { referenceBackend } from '../../packages/core/dist/reference.js';

const { values: v } = parseArgs({
  options: {
    model: { type: 'string', default: 'pythia-14m' },
    // A small GPT-NeoX for the quick check: layers,hidden,heads,vocab.
    tiny: { type: 'string' },
    pairs: { type: 'string', default: '1024' },
    tokens: { type: 'string', default: '75' },
    cap: { type: 'string', default: '4GB' },
    backend: { type: 'string', default: 'onnx' },
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '2' },
    method: { type: 'string', default: 'full' },
    'mini-batch': { type: 'string' },
    // ONNX Runtime: turn off each session's CPU memory arena (memory goes back after each run).
    'no-arena': { type: 'boolean', default: false },
  },
  strict: true,
});

const bytes = (s) => {
  const m = /^([\d.e+]+)\s*(GB|GiB|MB|MiB|)$/i.exec(s);
  if (!m) throw new Error(`--cap: expected bytes like 4GB or 4e9, got ${s}`);
  const unit = { gb: 1e9, gib: 2 ** 30, mb: 1e6, mib: 2 ** 20, '': 1 }[m[2].toLowerCase()];
  return Number(m[1]) * unit;
};

let arch;
if (v.tiny) {
  const [L, C, NH, V] = v.tiny.split(',').map(Number);
  arch = architectureFromConfig({ num_hidden_layers: L, hidden_size: C, num_attention_heads: NH, intermediate_size: 4 * C, vocab_size: V, max_position_embeddings: 128 }, 'tiny');
} else arch = PYTHIA[v.model];
if (!arch) throw new Error(`--model: unknown ${v.model}`);
const B = Number(v.pairs);
const T = Number(v.tokens);
const cap = bytes(v.cap);
const method = v.method === 'lora' ? { kind: 'lora', rank: 32 } : { kind: v.method };
const batch = { B, Tq: T, Tp: T };

async function backendOf(name) {
  if (name === 'reference') return referenceBackend();
  const { createOnnxBackend } = await import('../../packages/backend-onnx/dist/index.js');
  const ort = createRequire(new URL('../../packages/backend-onnx/package.json', import.meta.url))('onnxruntime-node');
  return createOnnxBackend({ ort, threads: Number(v.threads), ...(v['no-arena'] ? { sessionOptions: { enableCpuMemArena: false } } : {}) });
}

const backend = await backendOf(v.backend);
const forced = v['mini-batch'];
const miniBatch = forced === undefined ? undefined : forced === 'whole' ? null : Number(forced);
const choice = chooseMiniBatch(arch, method, { batch, dtype: 'f32', memoryCap: forced === undefined ? cap : Number.MAX_SAFE_INTEGER });
const parameters = randomGptNeoXParameters(arch, { seed: 1, dtype: 'f32' });
// Every text the full T tokens long: the worst case for the cap.
const data = syntheticPairs({ vocabSize: arch.vocabSize, seed: 2, queryLength: [T, T], positiveLength: [T, T] });
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const stepSeconds = [];
let miniBatchRun;
const result = await train(
  {
    backend,
    architecture: arch,
    method,
    parameters,
    data,
    batch,
    steps: Number(v.steps),
    peakLearningRate: 1e-4,
    warmupFraction: 0,
    ...(forced === undefined ? { memoryCap: cap } : { miniBatch }),
  },
  (e) => {
    if (e.kind === 'step') stepSeconds.push(e.seconds);
  },
);
miniBatchRun = result.state.miniBatch;
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    model: v.tiny ? `tiny ${v.tiny}` : v.model,
    method: method.kind,
    backend: v.backend + (v['no-arena'] ? ' (no arena)' : ''),
    pairs: B,
    tokens: T,
    cap,
    miniBatch: miniBatchRun,
    estimate: forced === undefined ? choice.estimate : null,
    peakRss,
    underCap: peakRss <= cap,
    rssBeforeTraining: rssBefore,
    steps: result.state.step,
    stepSeconds,
    seconds: (performance.now() - started) / 1000,
    loss: result.lastLoss,
  }),
);
backend.dispose?.();
