/**
 * The `hf` export: the folder `save_pretrained` would write for the base model class —
 * `config.json` (the base's, with `architectures` the base model class and `dtype` the stored one),
 * `model.safetensors` (every parameter under its HF name, LoRA already merged, in f32, f16 or bf16,
 * metadata `format: pt` as transformers writes), and the tokenizer files copied unchanged.
 * `AutoModel.from_pretrained(dir)` loads it; so does this library's loader (model/checkpoint.ts).
 *
 * Not sharded (one file: the models this library trains are small) and not a causal-LM head.
 */
import { type ArchitectureKind, type ModelArchitecture, architectureKind } from '../catalog/architecture.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-write.js';
import { llamaParameters } from '../model/llama.js';
import type { ParameterMap } from '../model/parameter-map.js';
import { gptNeoXParameters } from '../model/parameter-layout.js';
import { GraphError } from '../engine/errors.js';
import { type ExportDtype, EXPORT_DTYPE_NAMES } from './export-format.js';
import { type ExportedFile, checkRelativePath, jsonFile } from './exported-folder.js';

/** The tokenizer files a model folder may carry; each present one is copied. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt', 'added_tokens.json'] as const;

const LLAMA_CLASSES = { llama: 'LlamaModel', mistral: 'MistralModel', qwen2: 'Qwen2Model', qwen3: 'Qwen3Model' } as const;
const BASE_CLASS: Record<ArchitectureKind, (a: ModelArchitecture) => { readonly name: string; readonly module: string }> = {
  gpt_neox: () => ({ name: 'GPTNeoXModel', module: 'transformers.models.gpt_neox.modeling_gpt_neox' }),
  llama: (a) => {
    const type = (a as { modelType: keyof typeof LLAMA_CLASSES }).modelType;
    return { name: LLAMA_CLASSES[type], module: `transformers.models.${type}.modeling_${type}` };
  },
};

/** The transformers class of the embedding model (`GPTNeoXModel`, `Qwen3Model`, …) and its module. */
export function baseModelClass(architecture: ModelArchitecture): { readonly name: string; readonly module: string } {
  return BASE_CLASS[architectureKind(architecture)](architecture);
}

/** config.json of the export: the base's keys, the embedding model's class, the stored dtype. */
export function exportedConfig(architecture: ModelArchitecture, baseConfig: Readonly<Record<string, unknown>>, dtype: ExportDtype): Record<string, unknown> {
  const { torch_dtype: _legacy, ...rest } = baseConfig;
  return { ...rest, architectures: [baseModelClass(architecture).name], dtype: EXPORT_DTYPE_NAMES[dtype].torch };
}

/** model.safetensors with exactly the architecture's layout, in `dtype`. */
export function exportedWeights(architecture: ModelArchitecture, parameters: ParameterMap, dtype: ExportDtype): Uint8Array {
  const specs = architecture.kind === 'llama' ? llamaParameters(architecture) : gptNeoXParameters(architecture);
  const st = EXPORT_DTYPE_NAMES[dtype].safetensors;
  const tensors = new Map<string, TensorToWrite>();
  for (const spec of specs) {
    const t: HostTensor | undefined = parameters.get(spec.name);
    if (!t || t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i])) {
      throw new GraphError(`parameter ${spec.name}`, t ? `[${t.shape}]` : 'nothing', `a tensor [${spec.shape}] of the model layout`);
    }
    tensors.set(spec.name, { shape: t.shape, data: t.data as Float32Array | Float64Array, dtype: st });
  }
  return writeSafetensors(tensors, { format: 'pt' });
}

/** The files of an hf folder (README.md is added by the caller). */
export function hfFolderFiles(architecture: ModelArchitecture, baseConfig: Readonly<Record<string, unknown>>, parameters: ParameterMap, dtype: ExportDtype, tokenizer: ReadonlyMap<string, Uint8Array>): ExportedFile[] {
  return [
    jsonFile('config.json', exportedConfig(architecture, baseConfig, dtype)),
    { path: 'model.safetensors', bytes: exportedWeights(architecture, parameters, dtype) },
    ...[...tokenizer].map(([path, bytes]) => ({ path: checkRelativePath(path, 'tokenizer file'), bytes })),
  ];
}
