/**
 * The Pythia suite (Biderman et al. 2023) as used by the paper: eight GPT-NeoX models, 14M … 2.8B.
 * Architecture numbers and pre-training LRs are from the Pythia model cards (Biderman et al., 2023), as the paper lists them; non-embedding counts
 * are derived by `parameterCounts` and checked against the paper's counts in the tests.
 */
import type { ModelArchitecture } from './architecture.js';

/** Every Pythia model shares these; only L, d and heads vary. */
const PYTHIA_COMMON = {
  vocabSize: 50304,
  maxPositionEmbeddings: 2048,
  rotaryPct: 0.25,
  rotaryEmbBase: 10000,
  layerNormEps: 1e-5,
  useParallelResidual: true,
} as const;

function pythia(name: string, numLayers: number, hiddenSize: number, numHeads: number, preTrainingLr: number): ModelArchitecture {
  return { name, numLayers, hiddenSize, numHeads, intermediateSize: 4 * hiddenSize, preTrainingLr, ...PYTHIA_COMMON };
}

/** The eight Pythia models, smallest first. */
export const PYTHIA = {
  'pythia-14m': pythia('pythia-14m', 6, 128, 4, 1.0e-3),
  'pythia-31m': pythia('pythia-31m', 6, 256, 8, 1.0e-3),
  'pythia-70m': pythia('pythia-70m', 6, 512, 8, 1.0e-3),
  'pythia-160m': pythia('pythia-160m', 12, 768, 12, 6.0e-4),
  'pythia-410m': pythia('pythia-410m', 24, 1024, 16, 3.0e-4),
  'pythia-1b': pythia('pythia-1b', 16, 2048, 8, 3.0e-4),
  'pythia-1.4b': pythia('pythia-1.4b', 24, 2048, 16, 2.0e-4),
  'pythia-2.8b': pythia('pythia-2.8b', 32, 2560, 32, 1.6e-4),
} as const satisfies Record<string, ModelArchitecture>;

export type PythiaName = keyof typeof PYTHIA;

/** Names in size order; the planner's default candidate list. */
export const PYTHIA_NAMES = Object.keys(PYTHIA) as readonly PythiaName[];
