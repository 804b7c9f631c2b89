/**
 * Text → token ids for training, from a model folder's tokenizer.json (and tokenizer_config.json),
 * through @huggingface/tokenizers (pure JS, no Node APIs: the same code runs in browsers). The
 * paper's setup (Ziarko et al. 2024, §3): no BOS/EOS added, every text truncated to 75 tokens, a batch
 * padded on the right to its longest text with pad = EOS, and an attention mask of 1 on real tokens.
 *
 * Not a tokenizer implementation (the library is, and is checked against transformers' own
 * AutoTokenizer by golden ids), and not a file reader: `loadTokenizerDir` in `@repurpose/core/node`
 * reads a folder; here the caller hands over the parsed JSON (e.g. from fetch in a browser).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import { integerAtLeast, validate } from '../validate.js';
import { TokenizerError } from './errors.js';
import { encodeTruncated, prefixTruncationSafe } from './prefix-truncation.js';

/** The paper truncates every text to 75 tokens. */
export const DEFAULT_MAX_TOKENS = 75;

export interface TokenizerFiles {
  /** Parsed tokenizer.json. */
  readonly tokenizerJson: unknown;
  /** Parsed tokenizer_config.json, if the folder has one (it names the EOS token). */
  readonly tokenizerConfig?: unknown;
}

export interface TextTokenizerOptions {
  /** Truncate every text to its first `maxTokens` tokens. Default 75 (the paper). */
  readonly maxTokens?: number;
  /** The EOS token's text, when tokenizer_config.json does not name it. Default: the config's `eos_token`, else `<|endoftext|>`. */
  readonly eosToken?: string;
}

export interface EncodedBatch {
  /** [rows][T] ids, right-padded with the pad id (= EOS). */
  readonly ids: readonly (readonly number[])[];
  /** [rows][T], 1 on real tokens, 0 on padding. */
  readonly attentionMask: readonly (readonly number[])[];
  /** Real tokens per row, after truncation. */
  readonly lengths: readonly number[];
  /** T: the longest row (or `padTo`). */
  readonly length: number;
}

export interface TextTokenizer {
  /** Highest id the tokenizer can produce + 1 (added tokens included): the model's vocabulary must be at least this. */
  readonly vocabSize: number;
  readonly eosId: number;
  /** = eosId: the paper pads with EOS. */
  readonly padId: number;
  readonly maxTokens: number;
  /** Ids of one text, no special tokens added, truncated to `maxTokens` unless `truncate: false`. */
  encode(text: string, options?: { readonly truncate?: boolean }): number[];
  /** A batch padded on the right to its longest row (or to `padTo`, which must be ≥ it). */
  encodeBatch(texts: readonly string[], options?: { readonly padTo?: number }): EncodedBatch;
  decode(ids: readonly number[]): string;
}

const FilesSchema = z.object({
  tokenizerJson: z.object({ model: z.object({ type: z.string() }).loose() }, { error: () => 'a parsed tokenizer.json (an object with a "model")' }).loose(),
  tokenizerConfig: z.record(z.string(), z.unknown(), { error: () => 'a parsed tokenizer_config.json (an object)' }).optional(),
});

const OptionsSchema = z
  .object({
    maxTokens: integerAtLeast(1, '(tokens)').default(DEFAULT_MAX_TOKENS),
    eosToken: z.string().min(1).optional(),
  })
  .strict();

/** A tokenizer for training from the two parsed JSON files of a model folder. */
export function createTokenizer(files: TokenizerFiles, options: TextTokenizerOptions = {}): TextTokenizer {
  const f = validate(FilesSchema, files, 'tokenizer');
  const o = validate(OptionsSchema, options, 'options');
  let inner: Tokenizer;
  try {
    inner = new Tokenizer(f.tokenizerJson, f.tokenizerConfig ?? {});
  } catch (error) {
    throw new TokenizerError('tokenizer.json', `@huggingface/tokenizers cannot load it: ${(error as Error).message}`);
  }
  const eosToken = o.eosToken ?? tokenText(f.tokenizerConfig?.['eos_token']) ?? '<|endoftext|>';
  const eosId = inner.token_to_id(eosToken);
  if (eosId === undefined) {
    throw new TokenizerError('tokenizer_config.json eos_token', `the EOS token ${JSON.stringify(eosToken)} is not in the vocabulary; padding needs it (pad = EOS) — pass options.eosToken`);
  }
  let vocabSize = 0;
  for (const id of inner.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);

  const plain = (text: string): number[] => inner.encode(text, { add_special_tokens: false }).ids;
  // Long texts are truncated from a prefix where that is exact (prefix-truncation.ts).
  const prefixSafe = prefixTruncationSafe(f.tokenizerJson);
  const encode = (text: string, { truncate = true }: { readonly truncate?: boolean } = {}): number[] => {
    if (typeof text !== 'string') throw new TokenizerError('text', `expected a string, got ${typeof text}`);
    if (truncate && prefixSafe) return encodeTruncated(text, o.maxTokens, plain);
    const ids = plain(text);
    return truncate && ids.length > o.maxTokens ? ids.slice(0, o.maxTokens) : ids;
  };
  return {
    vocabSize,
    eosId,
    padId: eosId,
    maxTokens: o.maxTokens,
    encode,
    encodeBatch: (texts, { padTo } = {}) => padRows(texts.map((t) => encode(t)), eosId, padTo),
    decode: (ids) => inner.decode([...ids], { skip_special_tokens: false }),
  };
}

/** Right-pads rows of ids to a common length with `padId`; the mask marks real tokens. */
export function padRows(rows: readonly (readonly number[])[], padId: number, padTo?: number): EncodedBatch {
  const longest = rows.reduce((m, r) => Math.max(m, r.length), 0);
  if (padTo !== undefined && !(Number.isInteger(padTo) && padTo >= longest)) {
    throw new TokenizerError('padTo', `expected an integer ≥ the longest row (${longest}), got ${padTo}`);
  }
  const T = padTo ?? longest;
  return {
    ids: rows.map((r) => [...r, ...new Array<number>(T - r.length).fill(padId)]),
    attentionMask: rows.map((r) => [...new Array<number>(r.length).fill(1), ...new Array<number>(T - r.length).fill(0)]),
    lengths: rows.map((r) => r.length),
    length: T,
  };
}

/** tokenizer_config.json writes special tokens as a string or as an AddedToken object `{ content }`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}
