#!/usr/bin/env node
/**
 * A real fine-tune, end to end, with nothing downloaded: a tiny GPT-NeoX created on the spot (no model
 * hub is reachable here), learnable SYNTHETIC query/positive pairs, the paper's loss (mean pooling,
 * symmetric in-batch InfoNCE at inverse temperature 40), AdamW with warm-up + cosine, on ONNX Runtime
 * (onnxruntime-node in a worker thread, 2 threads) — or on the CPU reference backend with
 * `--backend reference`, or when onnxruntime-node cannot be loaded (said on stderr). Prints the loss
 * as it trains and the held-out loss before and after.
 * Run `npm run build` once, then `node examples/finetune-tiny.mjs [--backend onnx|reference]`.
 */
import { createRequire } from 'node:module';
import { architectureFromConfig } from '../packages/core/dist/index.js';
import {
  buildLossGraph,
  padBatch,
  parameterFeeds,
  randomGptNeoXParameters,
  syntheticPairs,
  train,
  hostTensor,
} from '../packages/core/dist/engine.js';
import { referenceBackend } from '../packages/core/dist/reference.js';
import { createOnnxWorkerBackend } from '../packages/backend-onnx/dist/index.js';

const arch = architectureFromConfig(
  { num_hidden_layers: 2, hidden_size: 32, num_attention_heads: 4, intermediate_size: 128, vocab_size: 128, max_position_embeddings: 64 },
  'tiny-neox',
);
const shape = { B: 8, Tq: 6, Tp: 8 };
const backend = await chooseBackend(process.argv.slice(2));
const data = syntheticPairs({ vocabSize: arch.vocabSize, topics: 16, seed: 3 });

// Random weights, with the final LayerNorm made anisotropic as pretrained LMs are (every pooled
// embedding starts near one direction), so the loss starts at chance, ≈ ln B.
const parameters = randomGptNeoXParameters(arch, { seed: 1, dtype: 'f32' });
parameters.set('final_layer_norm.weight', hostTensor('f32', [32], new Array(32).fill(0.2)));
let s = 101;
parameters.set('final_layer_norm.bias', hostTensor('f32', [32], Array.from({ length: 32 }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1)));

const evaluator = await backend.compile(buildLossGraph(arch, { kind: 'full' }, shape, { dtype: 'f32' }).graph);
async function heldOutLoss(params) {
  let sum = 0;
  for (let k = 0; k < 8; k++) {
    const batch = padBatch(await data.read(1_000_000 + k * shape.B, shape.B), shape);
    sum += (await evaluator.run({ ...batch.feeds, ...parameterFeeds(evaluator.graph, params) })).loss.data[0];
  }
  return sum / 8;
}

const before = await heldOutLoss(parameters);
console.log(`tiny GPT-NeoX (${arch.numLayers} blocks, d ${arch.hiddenSize}), full fine-tuning, B = ${shape.B}, ${backend.label}`);
const result = await train(
  { backend, architecture: arch, method: { kind: 'full' }, parameters, data, batch: shape, steps: 80, peakLearningRate: 1e-2, dtype: 'f32' },
  (e) => {
    if (e.kind === 'step' && e.step % 10 === 0) console.log(`  step ${String(e.step).padStart(2)}  loss ${e.loss.toFixed(3)}  lr ${e.learningRate.toExponential(2)}  ${Math.round(e.tokensPerSecond)} tokens/s`);
  },
);
const after = await heldOutLoss(result.parameters);
console.log(`held-out InfoNCE loss ${before.toFixed(3)} → ${after.toFixed(3)} (ln B = ${Math.log(shape.B).toFixed(3)}); stopped by ${result.reason}`);
evaluator.dispose();
backend.dispose();

/** ONNX Runtime unless `--backend reference`; the reference backend, with a note, when ORT does not load. */
async function chooseBackend(argv) {
  const i = argv.indexOf('--backend');
  const name = i >= 0 ? argv[i + 1] : 'onnx';
  if (name !== 'onnx' && name !== 'reference') {
    console.error(`--backend: expected onnx or reference, got ${JSON.stringify(name)}`);
    process.exit(2);
  }
  if (name === 'onnx') {
    try {
      // Resolved from the backend package, which is where its worker imports ORT from.
      const ortPath = createRequire(new URL('../packages/backend-onnx/package.json', import.meta.url)).resolve('onnxruntime-node');
      await import(ortPath);
      const onnx = createOnnxWorkerBackend({ threads: 2 });
      return Object.assign(onnx, { label: 'ONNX Runtime (onnxruntime-node, 2 threads, in a worker)' });
    } catch (error) {
      if (i >= 0) throw error;
      console.error(`onnxruntime-node cannot be loaded (${String(error.message).split('\n')[0]}); using the CPU reference backend`);
    }
  }
  return Object.assign(referenceBackend(), { label: 'CPU reference backend' });
}
