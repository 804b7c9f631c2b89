import { buildTrainingGraph, appendAdamW } from '@repurpose/core/engine';
import { prepareForBackend } from '@repurpose/core/engine';
import { ONNX_SUPPORT } from './dist/index.js';
const arch = { vocabSize: 50304, hiddenSize: 512, numLayers: 6, numHeads: 8, intermediateSize: 2048, rotaryPct: 0.25, rotaryEmbBase: 10000, maxPositions: 2048, layerNormEps: 1e-5, useParallelResidual: true };
