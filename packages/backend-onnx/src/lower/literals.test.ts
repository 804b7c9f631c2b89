/**
 * Every op lowered to ONNX and run on onnxruntime-node's CPU EP, on the hand-computed literals the
 * reference kernels are held to (core's `opLiteralCases`, keyed by op kind there), each on three claim
 * sets: the default (forward composites as ONNX ops), every composite claimed (backward ones lowered in
 * place), and none (everything decomposed). The conformance suite runs the default set only; this file
 * adds the other two. f64 cases must agree to 2e-15 relative; i32 exactly.
 */
import { describe, it } from 'vitest';
import { COMPOSITE_KINDS } from '@repurpose/core/engine';
import { opLiteralCases } from '@repurpose/core/testing';
import { createOnnxBackend } from '../backend.js';
import { ORT } from '../test-ort.test-helper.js';

const BACKENDS = {
  default: createOnnxBackend({ ort: ORT, threads: 1 }),
  'all claimed': createOnnxBackend({ ort: ORT, threads: 1, composites: COMPOSITE_KINDS }),
  decomposed: createOnnxBackend({ ort: ORT, threads: 1, composites: [] }),
};

describe('ONNX lowering on hand-computed literals', () => {
  for (const c of opLiteralCases()) {
    for (const [label, backend] of Object.entries(BACKENDS)) it(`${c.kind}: ${c.name} (${label})`, () => c.check(backend, 'f64', 2e-15));
  }
});
