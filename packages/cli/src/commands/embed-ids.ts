/**
 * `repurpose embed-ids`: the mean-pooled (not normalised) embedding of each token-id sequence, for
 * debugging and scripted comparisons with other implementations. Sequences of different lengths are
 * right-padded (pad id 0) with an attention mask, so padding never changes an embedding. With
 * `--method-checkpoint` the trained tensors of a `repurpose` trainer checkpoint replace the base
 * model's (and an unmerged LoRA runs through its adapters). Runs on ONNX Runtime unless
 * `--backend reference` (backend-option.ts: the default, the fallback when onnxruntime-node cannot load).
 *
 * Not a tokenizer (ids in, numbers out) and not a batch embedder for corpora.
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ValidationError, type FineTuningMethod } from '@repurpose/core';
import {
  EMBEDDING_OUTPUTS,
  buildEmbeddingGraph,
  castParameters,
  decodeTrainerCheckpoint,
  parameterFeeds,
  type HostTensor,
} from '@repurpose/core/engine';
import { loadCheckpointDir } from '@repurpose/core/node';
import { BACKEND_FLAGS, BACKEND_HELP, parseBackendFlags, runEmbeddingGraph } from '../backend-option.js';
import { choiceFlag, noPositionals, parseFlags, requireFlag, textFlag, typed } from '../args.js';
import { CliError } from '../cli-error.js';
import { nestingDepth, statInput } from '../files/input-file.js';
import { readModelConfig } from '../files/model-config.js';
import { num } from '../format/numbers.js';

/** Bounds checked before any weight is read, so a huge request is refused instead of running for hours. */
export const MAX_SEQUENCES = 4096;
export const MAX_BATCH_TOKENS = 262_144;
const MAX_CHECKPOINT_BYTES = 2 ** 31 - 1;

export const EMBED_IDS_HELP = `repurpose embed-ids — mean-pooled embeddings of token-id sequences (debugging)

  --model DIR               a Hugging Face GPT-NeoX directory (config.json + model.safetensors)
  --ids JSON                sequences of token ids, e.g. '[[12,7,9],[3,4]]' (right-padded with a mask)
  --method-checkpoint FILE  a checkpoint written by the repurpose trainer: its trained tensors
                            (and LoRA adapters) replace the base model's
${BACKEND_HELP}
  --dtype f32|f64           compute precision (default f32)
  --json                    print {"embeddings": [[...], ...]} (one row per sequence, not normalised)

Each sequence must fit the model's max_position_embeddings; at most ${num(MAX_SEQUENCES)} sequences and
${num(MAX_BATCH_TOKENS)} tokens after padding (sequences × longest) in one call.`;

export const FLAGS = {
  model: { type: 'string' },
  ids: { type: 'string' },
  'method-checkpoint': { type: 'string' },
  ...BACKEND_FLAGS,
  dtype: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function embedIds(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'embed-ids');
  noPositionals('embed-ids', positionals);
  const dir = requireFlag('model', textFlag('model', v.model, 'a model directory with config.json and model.safetensors'), 'a model directory with config.json and model.safetensors');
  const idsText = requireFlag('ids', v.ids, "token-id sequences as JSON, e.g. '[[12,7,9],[3,4]]'");
  const backendRequest = parseBackendFlags(v);
  const dtype = choiceFlag('dtype', v.dtype, ['f32', 'f64'] as const) ?? 'f32';

  // Everything that can be checked without the weights is checked first: the ids' shape and size,
  // then the model's config (vocabulary, positions), and only then are the weights read.
  const shaped = parseIds(idsText);
  checkModelDir(dir);
  const arch = readModelConfig(join(dir, 'config.json'), '--model');
  const sequences = checkAgainstModel(shaped, arch.vocabSize, arch.maxPositionEmbeddings);
  if (v['method-checkpoint'] !== undefined) {
    const stats = statInput('--method-checkpoint', v['method-checkpoint'], 'a checkpoint written by the repurpose trainer');
    if (stats.size > MAX_CHECKPOINT_BYTES) throw new CliError(`--method-checkpoint: ${JSON.stringify(v['method-checkpoint'])} is ${num(stats.size)} bytes; expected a trainer checkpoint of at most ${num(MAX_CHECKPOINT_BYTES)} bytes (2 GiB, the most one read takes)`);
  }
  const model = await loadCheckpointDir(dir, { dtype });

  let method: FineTuningMethod = { kind: 'full' };
  let loraEmbedIn: boolean | undefined;
  let trained = new Map<string, HostTensor>();
  if (v['method-checkpoint'] !== undefined) {
    const path = v['method-checkpoint'];
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`--method-checkpoint: cannot read ${JSON.stringify(path)} (${error.code ?? 'read failed'})`);
    });
    let checkpoint: ReturnType<typeof decodeTrainerCheckpoint>;
    try {
      checkpoint = decodeTrainerCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
    } catch (error) {
      // The decoder's messages say what is wrong with the bytes; say which file and flag they are.
      if (error instanceof Error && !error.message.includes(path)) error.message = `--method-checkpoint ${JSON.stringify(path)}: ${error.message}`;
      throw error;
    }
    method = checkpoint.state.method;
    loraEmbedIn = checkpoint.state.loraEmbedIn;
    trained = castParameters(checkpoint.parameters, dtype);
  }

  const B = sequences.length;
  const T = Math.max(...sequences.map((s) => s.length));
  const built = buildEmbeddingGraph(model.architecture, { B, T }, { method, dtype, ...(loraEmbedIn !== undefined ? { loraEmbedIn } : {}) });
  checkTrained(trained, built.plan, v['method-checkpoint']);

  const { outputs: result, ...opened } = await runEmbeddingGraph(backendRequest, built.graph, sequences, 0, parameterFeeds(built.graph, model.parameters, trained));
  const embedding = result[EMBEDDING_OUTPUTS.embedding]!;
  const C = embedding.shape[1]!;
  const rows = Array.from({ length: B }, (_, r) => Array.from(embedding.data.subarray(r * C, (r + 1) * C)));

  if (v.json) {
    out(JSON.stringify({ embeddings: rows }));
    return 0;
  }
  out(`${B} sequence${B === 1 ? '' : 's'} → ${C}-dimensional mean-pooled embeddings (${method.kind}, ${dtype}, ${opened.kind})`);
  rows.forEach((row, r) => {
    const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    const head = row.slice(0, 4).map((x) => x.toFixed(5)).join(', ');
    out(`  [${r}] ${sequences[r]!.length} tokens  ‖e‖ = ${norm.toFixed(5)}  [${head}${C > 4 ? ', …' : ''}]`);
  });
  return 0;
}

/** The directory, and every JSON or safetensors file in it regular (a FIFO or /dev/zero would never end). */
function checkModelDir(dir: string): void {
  const what = 'a model directory with config.json and model.safetensors';
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    throw new CliError(`--model: cannot read ${JSON.stringify(dir)} (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as NodeJS.ErrnoException).code}); expected ${what}`);
  }
  if (!isDir) throw new CliError(`--model: ${JSON.stringify(dir)} is not a directory; expected ${what}`);
  for (const name of readdirSync(dir)) {
    if (/\.(json|safetensors)$/.test(name)) statInput('--model', join(dir, name), `${what} (${name} a regular file)`);
  }
}

const ID_SCHEMA = z
  .array(
    z.array(z.number({ error: 'a token id (a whole number ≥ 0)' }).int({ error: 'a token id (a whole number ≥ 0)' }).min(0, { error: 'a token id (a whole number ≥ 0)' }), { error: 'an array of token ids' })
      .min(1, { error: 'a non-empty sequence (mean pooling needs ≥ 1 token)' }),
    { error: 'an array of sequences' },
  )
  .min(1, { error: 'at least one sequence' });

/** The ids' JSON and shape, before the model is known: two levels deep, whole numbers, bounded. */
function parseIds(text: string): number[][] {
  const depth = nestingDepth(text);
  if (depth > 2) throw new CliError(`--ids: expected JSON arrays two levels deep such as '[[12,7,9],[3,4]]', got JSON nested ${num(depth)} levels deep`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`--ids: expected JSON such as '[[12,7,9],[3,4]]', got ${typed(text)}`);
  }
  if (Array.isArray(value) && value.length > MAX_SEQUENCES) {
    throw new CliError(`--ids: expected at most ${num(MAX_SEQUENCES)} sequences in one call, got ${num(value.length)}; split the call`);
  }
  const parsed = ID_SCHEMA.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(['ids', ...issue.path.map(String)].join('.'), valueAt(value, issue.path), issue.message);
  }
  const B = parsed.data.length;
  const T = Math.max(...parsed.data.map((s) => s.length));
  if (B * T > MAX_BATCH_TOKENS) {
    throw new CliError(`--ids: expected at most ${num(MAX_BATCH_TOKENS)} tokens after padding (sequences × longest), got ${num(B)} × ${num(T)} = ${num(B * T)}; split the call`);
  }
  return parsed.data;
}

/** Every id inside the vocabulary and every sequence inside the model's positions. */
function checkAgainstModel(sequences: number[][], vocab: number, positions: number): number[][] {
  sequences.forEach((s, r) => {
    if (s.length > positions) {
      throw new CliError(`--ids: sequence ${r} has ${num(s.length)} ids; expected at most ${num(positions)}, the model's max_position_embeddings`);
    }
    s.forEach((id, t) => {
      if (id > vocab - 1) throw new ValidationError(`ids.${r}.${t}`, id, `a token id in 0..${vocab - 1}`);
    });
  });
  return sequences;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) current = current !== null && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}

/** A checkpoint's tensors must be exactly the plan's trainable ones, in the plan's shapes. */
function checkTrained(trained: ReadonlyMap<string, HostTensor>, plan: { trainable: readonly string[]; parameters: readonly { name: string; shape: readonly number[] }[]; adapters: readonly { name: string; shape: readonly number[] }[] }, path: string | undefined): void {
  if (path === undefined) return;
  const shapes = new Map([...plan.parameters, ...plan.adapters].map((p) => [p.name, p.shape]));
  for (const [name, t] of trained) {
    const want = shapes.get(name);
    if (!want) throw new ValidationError(`${path} tensor ${name}`, name, 'a parameter of this model (is the checkpoint for another model?)');
    if (want.length !== t.shape.length || want.some((d, i) => d !== t.shape[i])) {
      throw new ValidationError(`${path} tensor ${name} shape`, t.shape, `[${want.join(', ')}] as in the model`);
    }
  }
  const missing = plan.trainable.filter((n) => !trained.has(n));
  if (missing.length > 0) throw new ValidationError(`${path} tensors`, missing, 'every trainable tensor of the method');
}
