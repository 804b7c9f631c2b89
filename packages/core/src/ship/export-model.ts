/**
 * `exportModel`: a trainer checkpoint plus its base model → the files of a model folder other
 * libraries load (bytes; browser-safe; write-folder.ts puts them on disk atomically):
 *
 *   hf                     config.json, model.safetensors (LoRA merged; f32, f16 or bf16), tokenizer files
 *   sentence-transformers  the hf files + modules.json, sentence_bert_config.json,
 *                          config_sentence_transformers.json, 1_Pooling/config.json
 *   peft                   adapter_config.json, adapter_model.safetensors (LoRA runs only)
 *
 * and in each a README.md model card (model-card.ts). Without a checkpoint the base model is
 * exported as it is (a format or dtype conversion). `onnx` is not here: that writer belongs to
 * @repurpose/backend-onnx, which core never imports.
 */
import { z } from 'zod';
import type { ModelArchitecture } from '../catalog/architecture.js';
import { ValidationError } from '../errors.js';
import type { ParameterMap } from '../model/parameter-map.js';
import type { TrainerCheckpoint } from '../train/checkpoint.js';
import { expect, integerAtLeast, validate } from '../validate.js';
import { CORE_EXPORT_FORMATS, type CoreExportFormat, DEFAULT_MAX_SEQ_LENGTH, EXPORT_DTYPES, type ExportDtype } from './export-format.js';
import { type ExportedFolder, textFile } from './exported-folder.js';
import { baseModelClass, hfFolderFiles } from './hf-folder.js';
import { type ModelCardInput, modelCard } from './model-card.js';
import { peftAdapterConfig, peftAdapterWeights, peftTargetModules } from './peft-adapter.js';
import { sentenceTransformersFiles, sentenceTransformersTokenizer } from './sentence-transformers-folder.js';
import { jsonFile } from './exported-folder.js';
import { trainedWeights } from './trained-weights.js';

export interface ExportModelInput {
  readonly format: CoreExportFormat;
  /** The base model, e.g. what `loadCheckpoint` / `loadCheckpointDir` returns. */
  readonly base: {
    readonly architecture: ModelArchitecture;
    readonly config: Readonly<Record<string, unknown>>;
    readonly parameters: ParameterMap;
  };
  /** A checkpoint of the repurpose trainer on this base; without it the base is exported unchanged. */
  readonly checkpoint?: TrainerCheckpoint;
  /** Tokenizer files by name (tokenizer.json, tokenizer_config.json, …), copied into hf and sentence-transformers folders. */
  readonly tokenizer?: ReadonlyMap<string, Uint8Array>;
  /** Storage dtype of the weights. Default f32. */
  readonly dtype?: ExportDtype;
  /** sentence-transformers' max_seq_length. Default 75 (the paper's truncation). */
  readonly maxSeqLength?: number;
  /** What the card says beyond the checkpoint: recipe, evaluation, data hash. */
  readonly card?: ModelCardInput;
}

const InputSchema = z
  .object({
    format: z.enum(CORE_EXPORT_FORMATS, expect(`one of ${CORE_EXPORT_FORMATS.join(', ')} ("onnx" is written by @repurpose/backend-onnx)`)),
    base: z.looseObject({ architecture: z.looseObject({ name: z.string(), hiddenSize: z.number() }, expect('a model architecture')), config: z.record(z.string(), z.unknown()), parameters: z.instanceof(Map, expect('a Map of parameters')) }, expect('a loaded base model { architecture, config, parameters }')),
    checkpoint: z.looseObject({ state: z.looseObject({}), parameters: z.instanceof(Map), moments: z.instanceof(Map) }, expect('a TrainerCheckpoint')).optional(),
    tokenizer: z.instanceof(Map, expect('a Map from file name to bytes')).optional(),
    dtype: z.enum(EXPORT_DTYPES, expect(`one of ${EXPORT_DTYPES.join(', ')}`)).optional(),
    maxSeqLength: integerAtLeast(1, '(tokens)').optional(),
    card: z.unknown().optional(),
  })
  .strict();

export function exportModel(input: ExportModelInput): ExportedFolder {
  validate(InputSchema, input, 'input');
  const { format, base, checkpoint } = input;
  const dtype = input.dtype ?? 'f32';
  const arch = base.architecture;
  const maxSeqLength = input.maxSeqLength ?? Math.min(DEFAULT_MAX_SEQ_LENGTH, arch.maxPositionEmbeddings);
  if (maxSeqLength > arch.maxPositionEmbeddings) throw new ValidationError('input.maxSeqLength', maxSeqLength, `at most the model's max_position_embeddings (${arch.maxPositionEmbeddings})`);
  const tokenizer = (input.tokenizer ?? new Map()) as ReadonlyMap<string, Uint8Array>;
  for (const [name, bytes] of tokenizer) if (!(bytes instanceof Uint8Array)) throw new ValidationError(`input.tokenizer.${name}`, bytes, 'the file’s bytes (a Uint8Array)');
  const card = (text: ExportedFolder['format']) =>
    textFile('README.md', modelCard({ format: text as CoreExportFormat, dtype, modelName: arch.name, hiddenSize: arch.hiddenSize, maxSeqLength, ...(checkpoint ? { state: checkpoint.state } : {}) }, input.card ?? {}));

  if (format === 'peft') {
    const method = checkpoint?.state.method;
    if (!checkpoint || method?.kind !== 'lora') {
      throw new ValidationError('input.checkpoint', method ? `a ${method.kind} run` : undefined, 'a checkpoint of a LoRA run (a PEFT adapter holds LoRA factors; export other methods as hf or sentence-transformers)');
    }
    const weights = trainedWeights(arch, base.parameters, checkpoint);
    const cls = baseModelClass(arch);
    const config = peftAdapterConfig({ rank: method.rank, alpha: method.alpha ?? 8, targetModules: peftTargetModules(weights.plan!), baseModelClass: cls.name, parentLibrary: cls.module, baseModel: input.card?.baseModel ?? null });
    return { format, files: [jsonFile('adapter_config.json', config), { path: 'adapter_model.safetensors', bytes: peftAdapterWeights(weights.adapters!, dtype) }, card(format)] };
  }

  const { parameters } = trainedWeights(arch, base.parameters, checkpoint);
  if (format === 'hf') return { format, files: [...hfFolderFiles(arch, base.config, parameters, dtype, tokenizer), card(format)] };

  if (!tokenizer.has('tokenizer.json')) throw new ValidationError('input.tokenizer', [...tokenizer.keys()], 'tokenizer.json among the tokenizer files (sentence-transformers tokenizes with it)');
  const st = sentenceTransformersTokenizer(tokenizer, maxSeqLength, eosTokenOf(tokenizer));
  return { format, files: [...hfFolderFiles(arch, base.config, parameters, dtype, st), ...sentenceTransformersFiles(arch.hiddenSize, maxSeqLength), card(format)] };
}

/** tokenizer_config.json's eos_token (a string or an AddedToken `{ content }`), else GPT-NeoX's `<|endoftext|>`. */
function eosTokenOf(tokenizer: ReadonlyMap<string, Uint8Array>): string {
  const bytes = tokenizer.get('tokenizer_config.json');
  if (!bytes) return '<|endoftext|>';
  try {
    const eos = (JSON.parse(new TextDecoder().decode(bytes)) as { eos_token?: unknown }).eos_token;
    if (typeof eos === 'string' && eos !== '') return eos;
    if (eos !== null && typeof eos === 'object' && typeof (eos as { content?: unknown }).content === 'string') return (eos as { content: string }).content;
  } catch {
    // sentenceTransformersTokenizer reports the malformed file with its name
  }
  return '<|endoftext|>';
}
