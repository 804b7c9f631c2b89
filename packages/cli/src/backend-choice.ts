/**
 * `--backend reference|onnx` for the commands that compute (train, eval): the CPU reference
 * interpreter, or ONNX Runtime through @repurpose/backend-onnx on onnxruntime-node (the default;
 * `--threads` fixes its intra-op threads, which makes runs reproducible). ORT is imported only when
 * chosen, so `--backend reference` never loads it.
 *
 * A stand-in until the shared `backend-option.ts` lands; it constructs, it does not configure.
 */
import type { Backend } from '@repurpose/core/engine';
import { referenceBackend } from '@repurpose/core/reference';

export const BACKEND_CHOICES = ['reference', 'onnx'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export async function createBackend(kind: BackendChoice, threads?: number): Promise<Backend> {
  if (kind === 'reference') return referenceBackend();
  process.env.ORT_DISABLE_TELEMETRY = '1';
  const ort = await import('onnxruntime-node');
  const { createOnnxBackend } = await import('@repurpose/backend-onnx');
  return createOnnxBackend({ ort: ort as never, ...(threads !== undefined ? { threads } : {}) });
}
