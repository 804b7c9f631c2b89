/**
 * `repurpose embed`: texts → embeddings, through a model folder's own tokenizer (tokenizer.json) and
 * weights: a Hugging Face folder (`save_pretrained`, sharded or not, f16/bf16/f32; GPT-NeoX or a
 * Llama-family model_type), an exported `repurpose export` folder, optionally with a PEFT LoRA
 * adapter folder (`--adapter`, merged into the weights). Texts are encoded as in training (no special
 * tokens, truncated to the folder's sentence-transformers max_seq_length, else 75 — the paper's),
 * right-padded with a mask, pooled as the folder's 1_Pooling says (mean unless it says last-token),
 * optionally L2-normalised. Prints a summary, all vectors as JSON (`--json`), or writes JSONL
 * (`--out`: one {"text", "embedding"} per line, atomically).
 *
 * Not a batch embedder for corpora (at most MAX_TEXTS texts a call) and not a server.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMBEDDING_OUTPUTS, buildEmbeddingGraph, castParameters, mergePeftAdapter, parameterFeeds, type HostTensor, type Pooling } from '@repurpose/core/engine';
import { loadAdapterDir, loadCheckpointDir, loadTokenizerDir } from '@repurpose/core/node';
import { BACKEND_FLAGS, BACKEND_HELP, parseBackendFlags, runEmbeddingGraph } from '../backend-option.js';
import { choiceFlag, parseFlags, rangeFlag, requireFlag, textFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { checkOutputs, writeOutput } from '../files/output-files.js';
import { checkFolder, checkModelFolder } from '../files/input-file.js';
import { num } from '../format/numbers.js';

/** Bounds checked before the weights are read. */
export const MAX_TEXTS = 4096;
export const MAX_TEXT_CHARS = 100_000;
const DEFAULT_MAX_TOKENS = 75;

export const EMBED_HELP = `repurpose embed — embeddings of texts from a model folder

usage: repurpose embed --model DIR [--adapter DIR] [flags] "text" ["text" ...]

  --model DIR               a Hugging Face model folder (config.json, model.safetensors or shards,
                            tokenizer.json), e.g. one \`repurpose export\` wrote
  --adapter DIR             a PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors),
                            merged into the model's weights
  --normalize               L2-normalise each embedding (cosine similarity is then a dot product)
  --max-tokens N            truncate each text to N tokens (default: the folder's max_seq_length, else 75)
${BACKEND_HELP}
  --dtype f32|f64           compute precision (default f32)
  --out FILE                write JSONL, one {"text", "embedding"} per line, instead of printing
  --json                    print {"embeddings": [[...], ...]}

At most ${num(MAX_TEXTS)} texts of at most ${num(MAX_TEXT_CHARS)} characters each in one call.`;

export const FLAGS = {
  model: { type: 'string' },
  adapter: { type: 'string' },
  normalize: { type: 'boolean' },
  'max-tokens': { type: 'string' },
  ...BACKEND_FLAGS,
  dtype: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function embed(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals: texts } = parseFlags(argv, FLAGS, 'embed');
  const dir = requireFlag('model', textFlag('model', v.model, 'a model folder'), 'a model folder with config.json, weights and tokenizer.json');
  const backendRequest = parseBackendFlags(v);
  const dtype = choiceFlag('dtype', v.dtype, ['f32', 'f64'] as const) ?? 'f32';
  const maxTokensFlag = rangeFlag('max-tokens', v['max-tokens'], { min: 1, max: 1_000_000, integer: true, what: 'tokens' });
  if (texts.length === 0) throw new CliError('embed needs at least one text: repurpose embed --model DIR "a sentence"');
  if (texts.length > MAX_TEXTS) throw new CliError(`embed: expected at most ${num(MAX_TEXTS)} texts in one call, got ${num(texts.length)}; split the call`);
  texts.forEach((t, i) => {
    if (t.length > MAX_TEXT_CHARS) throw new CliError(`embed: text ${i} has ${num(t.length)} characters; expected at most ${num(MAX_TEXT_CHARS)}`);
  });
  checkModelFolder('--model', dir);
  if (v.adapter !== undefined) checkFolder('--adapter', v.adapter, 'adapter_config.json', 'a PEFT adapter folder (adapter_config.json, adapter_model.safetensors)');
  if (v.out !== undefined) checkOutputs([{ flag: '--out', path: v.out }], []);

  const folder = await sentenceTransformersSettings(dir);
  const maxTokens = maxTokensFlag ?? folder.maxSeqLength ?? DEFAULT_MAX_TOKENS;
  const tokenizer = await loadTokenizerDir(dir, { maxTokens });
  const model = await loadCheckpointDir(dir, { dtype });
  if (tokenizer.vocabSize > model.architecture.vocabSize) {
    throw new CliError(`--model: the tokenizer of ${JSON.stringify(dir)} has ${num(tokenizer.vocabSize)} tokens but the model's vocab_size is ${num(model.architecture.vocabSize)}; expected a tokenizer that fits the model`);
  }
  let parameters: ReadonlyMap<string, HostTensor> = model.parameters;
  if (v.adapter !== undefined) parameters = castParameters(mergePeftAdapter(model.parameters, await loadAdapterDir(v.adapter, model)), dtype);

  const encoded = texts.map((t) => tokenizer.encode(t));
  const empty = encoded.findIndex((ids) => ids.length === 0);
  if (empty >= 0) throw new CliError(`embed: text ${empty} (${JSON.stringify(texts[empty])}) has no tokens; expected text the tokenizer encodes to at least one token`);
  const B = texts.length;
  const T = Math.max(...encoded.map((ids) => ids.length));
  if (T > model.architecture.maxPositionEmbeddings) throw new CliError(`--max-tokens: ${num(T)} tokens exceed the model's max_position_embeddings (${num(model.architecture.maxPositionEmbeddings)})`);
  const normalize = v.normalize ?? folder.normalize;
  const built = buildEmbeddingGraph(model.architecture, { B, T }, { dtype, pooling: folder.pooling, normalized: normalize });
  const { outputs: result, ...opened } = await runEmbeddingGraph(backendRequest, built.graph, encoded, tokenizer.padId, parameterFeeds(built.graph, parameters));
  const e = result[normalize ? EMBEDDING_OUTPUTS.normalized : EMBEDDING_OUTPUTS.embedding]!;
  const C = e.shape[1]!;
  const rows = Array.from({ length: B }, (_, r) => Array.from(e.data.subarray(r * C, (r + 1) * C)));

  if (v.out !== undefined) {
    await writeOutput({ flag: '--out', path: v.out }, rows.map((row, r) => `${JSON.stringify({ text: texts[r], embedding: row })}\n`).join(''));
    out(`wrote ${B} embedding${B === 1 ? '' : 's'} (${C} dimensions, ${folder.pooling} pooling${normalize ? ', normalised' : ''}) to ${v.out}`);
    return 0;
  }
  if (v.json) {
    out(JSON.stringify({ embeddings: rows }));
    return 0;
  }
  out(`${B} text${B === 1 ? '' : 's'} → ${C}-dimensional ${folder.pooling}-pooled embeddings${normalize ? ' (normalised)' : ''} on ${opened.label}`);
  rows.forEach((row, r) => {
    const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    const head = row.slice(0, 4).map((x) => x.toFixed(5)).join(', ');
    const shown = texts[r]!.length > 40 ? `${texts[r]!.slice(0, 37)}...` : texts[r]!;
    out(`  [${r}] ${JSON.stringify(shown)} ${encoded[r]!.length} tokens  ‖e‖ = ${norm.toFixed(5)}  [${head}${C > 4 ? ', …' : ''}]`);
  });
  return 0;
}

/** What a sentence-transformers folder says about truncation, pooling and normalisation (nothing for a plain HF folder). */
async function sentenceTransformersSettings(dir: string): Promise<{ maxSeqLength?: number; pooling: Pooling; normalize: boolean }> {
  const read = async (name: string): Promise<Record<string, unknown> | undefined> => {
    const path = join(dir, name);
    if (!existsSync(path)) return undefined;
    try {
      const value = JSON.parse(await readFile(path, 'utf8')) as unknown;
      if (value !== null && typeof value === 'object') return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new CliError(`--model: ${JSON.stringify(path)} is not a JSON object; expected sentence-transformers' ${name}`);
  };
  const bert = await read('sentence_bert_config.json');
  const poolingConfig = await read('1_Pooling/config.json');
  const modules = await read('modules.json');
  let pooling: Pooling = 'mean';
  if (poolingConfig) {
    const mode = poolingConfig['pooling_mode'] ?? (poolingConfig['pooling_mode_lasttoken'] === true ? 'lasttoken' : poolingConfig['pooling_mode_mean_tokens'] === true ? 'mean' : undefined);
    if (mode === 'lasttoken') pooling = 'last';
    else if (mode !== 'mean') throw new CliError(`--model: ${dir}/1_Pooling/config.json asks for ${JSON.stringify(mode ?? 'no mode')} pooling; expected mean or last-token pooling (the two this library implements)`);
  }
  const normalize = Array.isArray(modules) && modules.some((m) => typeof (m as { type?: unknown }).type === 'string' && /Normalize$/.test((m as { type: string }).type));
  const maxSeqLength = typeof bert?.['max_seq_length'] === 'number' ? bert['max_seq_length'] : undefined;
  return { ...(maxSeqLength !== undefined ? { maxSeqLength } : {}), pooling, normalize };
}
