/**
 * The export formats and the weight dtypes they are written in, as string-literal unions with their
 * tables. `onnx` is listed because the CLI and the card know it, but its writer is the ONNX backend's
 * (@repurpose/backend-onnx), never core's. Not the writers themselves.
 */
export const EXPORT_FORMATS = ['hf', 'sentence-transformers', 'peft', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The formats core writes itself. */
export type CoreExportFormat = Exclude<ExportFormat, 'onnx'>;
export const CORE_EXPORT_FORMATS = ['hf', 'sentence-transformers', 'peft'] as const satisfies readonly CoreExportFormat[];

export const EXPORT_DTYPES = ['f32', 'f16', 'bf16'] as const;
export type ExportDtype = (typeof EXPORT_DTYPES)[number];

/** The safetensors dtype and the config.json `dtype` (torch's name) of each export dtype. */
export const EXPORT_DTYPE_NAMES: Readonly<Record<ExportDtype, { readonly safetensors: 'F32' | 'F16' | 'BF16'; readonly torch: string }>> = {
  f32: { safetensors: 'F32', torch: 'float32' },
  f16: { safetensors: 'F16', torch: 'float16' },
  bf16: { safetensors: 'BF16', torch: 'bfloat16' },
};

/** sentence-transformers' max_seq_length default: the paper truncates every text to 75 tokens. */
export const DEFAULT_MAX_SEQ_LENGTH = 75;
