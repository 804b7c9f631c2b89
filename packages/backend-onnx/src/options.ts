/**
 * Options of `createOnnxBackend`, validated at the boundary: the injected ORT module, execution
 * providers in preference order (default `['cpu']`), intra-op threads (default: ORT's own choice),
 * and the graph optimisation level. Not a place for per-graph settings.
 */
import { z } from 'zod';
import { ValidationError } from '@repurpose/core';
import { COMPOSITE_KINDS, type CompositeKind } from '@repurpose/core/engine';
import { isOrtModule, type OrtModule } from './ort-module.js';

/**
 * The composites claimed by default: those with an ONNX op (backward ones are decomposed), and the
 * AdamW composites, whose per-tensor updates run on the host after ORT (host-update/split.ts).
 */
export const ONNX_COMPOSITES: readonly CompositeKind[] = Object.freeze(['softmax', 'logSoftmax', 'layerNorm', 'gelu', 'attention', 'adamMoment', 'adamwParam']);

export interface OnnxBackendOptions {
  /** `import * as ort from 'onnxruntime-node'` (Node) or `'onnxruntime-web'` (browsers, wasm). */
  readonly ort: OrtModule;
  /** In preference order; default `['cpu']` (use `['wasm']` with onnxruntime-web). */
  readonly executionProviders?: readonly string[];
  /** ORT intra-op threads; default ORT's choice (all cores). */
  readonly threads?: number;
  /** Default 'all' (ORT fuses Transpose+MatMul, Gelu, LayerNorm…). */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Composites lowered as one ONNX op (or, for backward ones, in place); the rest are decomposed by the engine first. Default ONNX_COMPOSITES (the five forward ones and AdamW's, which run on the host). */
  readonly composites?: readonly CompositeKind[];
  /** Extra ORT session options, passed through (profiling, `extra` config entries such as spinning). */
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
}

export interface ResolvedOnnxOptions {
  readonly ort: OrtModule;
  readonly executionProviders: readonly string[];
  readonly threads: number | undefined;
  readonly optimization: 'disabled' | 'basic' | 'extended' | 'all';
  readonly composites: readonly CompositeKind[];
  readonly sessionOptions: Readonly<Record<string, unknown>>;
}

const Schema = z
  .object({
    ort: z.unknown().optional(),
    executionProviders: z.array(z.string({ error: () => 'an execution provider name' }), { error: () => 'an array of execution provider names' }).min(1, { error: () => 'at least one execution provider' }).optional(),
    threads: z.number({ error: () => 'a positive integer' }).int({ error: () => 'a positive integer' }).min(1, { error: () => 'a positive integer' }).optional(),
    composites: z.array(z.enum(COMPOSITE_KINDS as [CompositeKind, ...CompositeKind[]], { error: () => `a composite (${COMPOSITE_KINDS.join(', ')})` })).optional(),
    sessionOptions: z.record(z.string(), z.unknown(), { error: () => 'an object of ORT session options' }).optional(),
    optimization: z.enum(['disabled', 'basic', 'extended', 'all'], { error: () => '"disabled", "basic", "extended" or "all"' }).optional(),
  })
  .strict();

export function resolveOnnxOptions(options: unknown): ResolvedOnnxOptions {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', options, 'an object { ort, executionProviders?, threads? }');
  const parsed = Schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['options', ...issue.path.map(String)].join('.');
    let value: unknown = options;
    for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
    const expected = issue.code === 'unrecognized_keys' ? `no key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
    throw new ValidationError(path, value, expected);
  }
  const { ort } = parsed.data;
  if (!isOrtModule(ort)) {
    throw new ValidationError('options.ort', ort, "an ONNX Runtime module (import * as ort from 'onnxruntime-node' or 'onnxruntime-web')");
  }
  return {
    ort,
    executionProviders: parsed.data.executionProviders ?? ['cpu'],
    threads: parsed.data.threads,
    optimization: parsed.data.optimization ?? 'all',
    composites: parsed.data.composites ?? ONNX_COMPOSITES,
    sessionOptions: parsed.data.sessionOptions ?? {},
  };
}
