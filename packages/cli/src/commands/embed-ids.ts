/**
 * `repurpose embed-ids`: the mean-pooled (not normalised) embedding of each token-id sequence, for
 * debugging and scripted comparisons with other implementations. Sequences of different lengths are
 * right-padded (pad id 0) with an attention mask, so padding never changes an embedding. With
 * `--method-checkpoint` the trained tensors of a `repurpose` trainer checkpoint replace the base
 * model's (and an unmerged LoRA runs through its adapters).
 *
 * Not a tokenizer (ids in, numbers out) and not a batch embedder for corpora.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ValidationError, type FineTuningMethod } from '@repurpose/core';
import {
  EMBEDDING_INPUTS,
  EMBEDDING_OUTPUTS,
  buildEmbeddingGraph,
  castParameters,
  decodeTrainerCheckpoint,
  hostTensor,
  parameterFeeds,
  type HostTensor,
} from '@repurpose/core/engine';
import { loadCheckpointDir } from '@repurpose/core/node';
import { referenceBackend } from '@repurpose/core/reference';
import { parseFlags, requireFlag } from '../args.js';
import { CliError } from '../cli-error.js';

export const EMBED_IDS_HELP = `repurpose embed-ids — mean-pooled embeddings of token-id sequences (debugging)

  --model DIR               a Hugging Face GPT-NeoX directory (config.json + model.safetensors)
  --ids JSON                sequences of token ids, e.g. '[[12,7,9],[3,4]]' (right-padded with a mask)
  --method-checkpoint FILE  a checkpoint written by the repurpose trainer: its trained tensors
                            (and LoRA adapters) replace the base model's
  --backend reference       the backend to run on (default and, in this command, only: reference)
  --dtype f32|f64           compute precision (default f32)
  --json                    print {"embeddings": [[...], ...]} (one row per sequence, not normalised)`;

const FLAGS = {
  model: { type: 'string' },
  ids: { type: 'string' },
  'method-checkpoint': { type: 'string' },
  backend: { type: 'string' },
  dtype: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const BACKENDS = ['reference'] as const;

export async function embedIds(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new CliError(`embed-ids takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
  const dir = requireFlag('model', v.model, 'a model directory with config.json and model.safetensors');
  const idsText = requireFlag('ids', v.ids, "token-id sequences as JSON, e.g. '[[12,7,9],[3,4]]'");
  const backendName = v.backend ?? 'reference';
  if (!(BACKENDS as readonly string[]).includes(backendName)) {
    throw new CliError(`--backend: expected one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backendName)} (other backends are separate packages)`);
  }
  const dtype = v.dtype ?? 'f32';
  if (dtype !== 'f32' && dtype !== 'f64') throw new CliError(`--dtype: expected f32 or f64, got ${JSON.stringify(dtype)}`);

  const model = await loadCheckpointDir(dir, { dtype });
  const vocab = model.architecture.vocabSize;
  const sequences = parseIds(idsText, vocab);

  let method: FineTuningMethod = { kind: 'full' };
  let loraEmbedIn: boolean | undefined;
  let trained = new Map<string, HostTensor>();
  if (v['method-checkpoint'] !== undefined) {
    const path = v['method-checkpoint'];
    const bytes = await readFile(path).catch(() => {
      throw new CliError(`--method-checkpoint: cannot read ${JSON.stringify(path)}`);
    });
    const checkpoint = decodeTrainerCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
    method = checkpoint.state.method;
    loraEmbedIn = checkpoint.state.loraEmbedIn;
    trained = castParameters(checkpoint.parameters, dtype);
  }

  const B = sequences.length;
  const T = Math.max(...sequences.map((s) => s.length));
  const built = buildEmbeddingGraph(model.architecture, { B, T }, { method, dtype, ...(loraEmbedIn !== undefined ? { loraEmbedIn } : {}) });
  checkTrained(trained, built.plan, v['method-checkpoint']);

  const ids = new Int32Array(B * T);
  const mask = new Int32Array(B * T);
  sequences.forEach((s, r) => s.forEach((id, t) => ((ids[r * T + t] = id), (mask[r * T + t] = 1))));
  const executable = await referenceBackend().compile(built.graph);
  const result = await executable.run({
    [EMBEDDING_INPUTS.ids]: hostTensor('i32', [B, T], ids),
    [EMBEDDING_INPUTS.mask]: hostTensor('i32', [B, T], mask),
    ...parameterFeeds(built.graph, model.parameters, trained),
  });
  executable.dispose();
  const embedding = result[EMBEDDING_OUTPUTS.embedding]!;
  const C = embedding.shape[1]!;
  const rows = Array.from({ length: B }, (_, r) => Array.from(embedding.data.subarray(r * C, (r + 1) * C)));

  if (v.json) {
    out(JSON.stringify({ embeddings: rows }));
    return 0;
  }
  out(`${B} sequence${B === 1 ? '' : 's'} → ${C}-dimensional mean-pooled embeddings (${method.kind}, ${dtype})`);
  rows.forEach((row, r) => {
    const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    const head = row.slice(0, 4).map((x) => x.toFixed(5)).join(', ');
    out(`  [${r}] ${sequences[r]!.length} tokens  ‖e‖ = ${norm.toFixed(5)}  [${head}${C > 4 ? ', …' : ''}]`);
  });
  return 0;
}

function parseIds(text: string, vocab: number): number[][] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`--ids: expected JSON such as '[[12,7,9],[3,4]]', got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}`);
  }
  const id = `a token id in 0..${vocab - 1}`;
  const schema = z
    .array(
      z
        .array(z.number({ error: id }).int({ error: id }).min(0, { error: id }).max(vocab - 1, { error: id }), { error: 'an array of token ids' })
        .min(1, { error: 'a non-empty sequence (mean pooling needs ≥ 1 token)' }),
      { error: 'an array of sequences' },
    )
    .min(1, { error: 'at least one sequence' });
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(['ids', ...issue.path.map(String)].join('.'), valueAt(value, issue.path), issue.message);
  }
  return parsed.data;
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
