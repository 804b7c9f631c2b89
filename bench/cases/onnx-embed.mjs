/**
 * Embedding throughput, texts/s: our ONNX embedder (`createOnnxEmbedder`: the exported model with
 * pooling in the graph, one session, sequences sorted by length and cut into batches of 32, each
 * padded only to its own longest) against the tool a user
 * would otherwise pick in JavaScript, @huggingface/transformers' feature-extraction pipeline (mean
 * pooling, normalize), on the SAME exported model (`exportOnnxModel`, pythia-70m shape, random
 * weights, vocab 50,304), both on onnxruntime-node 1.30 at 2 intra-op threads, both tokenizing the
 * same texts with the same tokenizer (core's tiny-bpe fixture, through @huggingface/tokenizers).
 * Two sets: 128 texts of exactly 64 tokens, and 256 texts of 8 to 75 tokens (uniform, seeded); the
 * pipeline gets them in batches of 32 in the given order (each padded to its own longest, as its
 * tokenizer pads), ours gets the whole list. Runs are interleaved (ours, theirs, ours, theirs …) and
 * each figure is the median of BENCH_EMBED_ROUNDS (default 3) after one warm-up round, so load from
 * other processes hits both sides alike; CPU seconds per 100 texts are reported beside wall time.
 * Not a test: it asserts nothing.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PYTHIA } from '../../packages/core/dist/index.js';
import { randomGptNeoXParameters } from '../../packages/core/dist/engine.js';
import { loadTokenizerDir } from '../../packages/core/dist/node.js';
import { createOnnxEmbedder, exportOnnxModel } from '../../packages/backend-onnx/dist/index.js';

export const name = 'ONNX backend embedding vs @huggingface/transformers feature-extraction (same exported model, same CPU, 2 threads)';
export const target = 'ratio ≥ 1.0 on fixed 64-token texts, ≥ 1.3 on the mixed 8–75-token set';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKENIZER_DIR = join(root, 'packages/core/test/fixtures/text/tiny-bpe');
const THREADS = 2;
const BATCH = 32;
const ROUNDS = Number(process.env.BENCH_EMBED_ROUNDS ?? 3);
const MODEL = process.env.BENCH_EMBED_MODEL ?? 'pythia-70m';
const requireFromBackend = createRequire(join(root, 'packages/backend-onnx/package.json'));
const ort = requireFromBackend('onnxruntime-node');

function mulberry(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words that are one token each after a space, so a text of n of them is exactly n tokens. */
function oneTokenWords(tokenizer) {
  const words = [];
  for (let id = 0; id < tokenizer.vocabSize && words.length < 200; id++) {
    const w = tokenizer.decode([id]);
    if (!/^ [a-z]{2,}$/.test(w)) continue;
    if (tokenizer.encode(`x${w}`).length === 2) words.push(w.slice(1));
  }
  return words;
}

function textsOf(tokenizer, lengths, seed) {
  const words = oneTokenWords(tokenizer);
  const random = mulberry(seed);
  return lengths.map((n) => {
    const text = Array.from({ length: n }, () => ` ${words[Math.floor(random() * words.length)]}`).join('');
    const got = tokenizer.encode(text, { truncate: false }).length;
    if (got !== n) throw new Error(`bench text has ${got} tokens, wanted ${n}`);
    return text;
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

export async function run() {
  const arch = PYTHIA[MODEL];
  const parameters = randomGptNeoXParameters(arch, { seed: 1, dtype: 'f32' });
  const dir = mkdtempSync(join(tmpdir(), 'repurpose-bench-embed-'));
  try {
    const t0 = performance.now();
    await exportOnnxModel(join(dir, 'model'), { architecture: arch, parameters, tokenizerDir: TOKENIZER_DIR });
    console.log(`exported ${MODEL} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const tokenizer = await loadTokenizerDir(TOKENIZER_DIR, { maxTokens: 75 });
    const random = mulberry(11);
    const sets = {
      'fixed 64 tokens': textsOf(tokenizer, Array.from({ length: 128 }, () => 64), 1),
      'mixed 8–75 tokens': textsOf(tokenizer, Array.from({ length: 256 }, () => 8 + Math.floor(random() * 68)), 2),
    };

    const transformers = await import(pathToFileURL(requireFromBackend.resolve('@huggingface/transformers')).href);
    transformers.env.allowRemoteModels = false;
    transformers.env.localModelPath = dir;
    const extractor = await transformers.pipeline('feature-extraction', 'model', { dtype: 'fp32', session_options: { intraOpNumThreads: THREADS, interOpNumThreads: 1 } });
    const embedder = await createOnnxEmbedder({ ort, threads: THREADS, architecture: arch, parameters, normalize: true, batchSize: BATCH });

    const sides = {
      ours: async (texts) => embedder.embed(texts.map((t) => tokenizer.encode(t))),
      'transformers.js': async (texts) => {
        for (let i = 0; i < texts.length; i += BATCH) await extractor(texts.slice(i, i + BATCH), { pooling: 'mean', normalize: true });
      },
    };
    const rows = [];
    for (const [setName, texts] of Object.entries(sets)) {
      const times = { ours: [], 'transformers.js': [] };
      for (let round = 0; round <= ROUNDS; round++) {
        // Alternate which side goes first, so neither always runs on a warmer (or busier) machine.
        const order = round % 2 === 0 ? ['ours', 'transformers.js'] : ['transformers.js', 'ours'];
        for (const side of order) {
          const t = await timed(() => sides[side](texts));
          if (round > 0) times[side].push(t); // round 0 warms up (and compiles our shapes)
        }
      }
      const stat = (side) => ({ wall: median(times[side].map((t) => t.wall)), cpu: median(times[side].map((t) => t.cpu)) });
      const o = stat('ours');
      const h = stat('transformers.js');
      rows.push({
        model: MODEL,
        set: setName,
        texts: texts.length,
        'ours texts/s': +(texts.length / o.wall).toFixed(1),
        'transformers.js texts/s': +(texts.length / h.wall).toFixed(1),
        ratio: +(h.wall / o.wall).toFixed(2),
        'ours cpu s/100 texts': +((100 * o.cpu) / texts.length).toFixed(2),
        'transformers.js cpu s/100 texts': +((100 * h.cpu) / texts.length).toFixed(2),
        'cpu ratio': +(h.cpu / o.cpu).toFixed(2),
      });
    }
    embedder.dispose();
    await extractor.dispose();
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
