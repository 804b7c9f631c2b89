/**
 * The `sentence-transformers` export: the hf folder plus the four files that make
 * `SentenceTransformer(dir)` build Transformer → mean Pooling with no code. Written in the classic
 * layout (sentence-transformers 2–5; version 6 loads it too — checked by tools/interop):
 *
 *   modules.json                        [Transformer at "", Pooling at "1_Pooling"]
 *   sentence_bert_config.json           { max_seq_length: 75 by default (the paper's truncation), do_lower_case: false }
 *   config_sentence_transformers.json   { similarity_fn_name: "cosine", prompts: {}, … }
 *   1_Pooling/config.json               mean pooling over word_embedding_dimension = C
 *
 * tokenizer_config.json gets `pad_token` (the EOS token, as training pads, when it names none —
 * sentence-transformers pads every batch; mean pooling masks the padding, so the value never
 * changes an embedding) and `model_max_length` = max_seq_length. Not a Normalize module: like this
 * library's embedder the vectors come out unnormalised, and cosine similarity normalises.
 */
import { ValidationError } from '../errors.js';
import { parseJsonBounded } from '../io/bounded-json.js';
import { type ExportedFile, jsonFile } from './exported-folder.js';
import { LIBRARY_VERSION } from './library-version.js';

export function sentenceTransformersFiles(hiddenSize: number, maxSeqLength: number): ExportedFile[] {
  return [
    jsonFile('modules.json', [
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    ]),
    jsonFile('sentence_bert_config.json', { max_seq_length: maxSeqLength, do_lower_case: false }),
    jsonFile('config_sentence_transformers.json', {
      __version__: { repurpose: LIBRARY_VERSION },
      prompts: {},
      default_prompt_name: null,
      similarity_fn_name: 'cosine',
    }),
    jsonFile('1_Pooling/config.json', {
      word_embedding_dimension: hiddenSize,
      pooling_mode_cls_token: false,
      pooling_mode_mean_tokens: true,
      pooling_mode_max_tokens: false,
      pooling_mode_mean_sqrt_len_tokens: false,
      pooling_mode_weightedmean_tokens: false,
      pooling_mode_lasttoken: false,
      include_prompt: true,
    }),
  ];
}

/** The tokenizer files with tokenizer_config.json's pad_token (EOS when unset) and model_max_length set. */
export function sentenceTransformersTokenizer(tokenizer: ReadonlyMap<string, Uint8Array>, maxSeqLength: number, eosToken: string): Map<string, Uint8Array> {
  const out = new Map(tokenizer);
  const existing = tokenizer.get('tokenizer_config.json');
  const parsed = existing === undefined ? {} : parseJsonBounded(new TextDecoder().decode(existing), 'tokenizer_config.json', 'a JSON object');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError('tokenizer_config.json', parsed, 'a JSON object');
  const config = parsed as Record<string, unknown>;
  out.set('tokenizer_config.json', jsonFile('tokenizer_config.json', { ...config, pad_token: config['pad_token'] ?? eosToken, model_max_length: maxSeqLength }).bytes);
  return out;
}
