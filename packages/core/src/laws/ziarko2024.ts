/**
 * The shipped law preset `ziarko2024`.
 *
 * HONEST STATUS: the paper's own fitted coefficients are not available to this project. These
 * coefficients were CALIBRATED, not fitted: `tools/calibrate-ziarko2024.mjs` searches the capacity-law
 * family deterministically, through the real optimizer, for coefficients that reproduce the paper's
 * published decisions (full fine-tuning optimal below 9.06e16 FLOP and LoRA above; optimal LoRA rank
 * 32 or 128; bias-only and block freezing never optimal; larger budgets → larger models, lower loss).
 * The decisions are the paper's; the loss values are plausible magnitudes, not measurements.
 * Fit your own runs for predictions you can quote.
 */
import { capacityLaw, type CapacityLawCoefficients } from './capacity-law.js';
import type { ScalingLaw } from './law.js';
import preset from './presets/ziarko2024.json';

/** Every method covered, so the fields are not optional here. */
export const ZIARKO2024_COEFFICIENTS = preset.coefficients satisfies CapacityLawCoefficients;

export const ziarko2024: ScalingLaw = capacityLaw('ziarko2024', ZIARKO2024_COEFFICIENTS, {
  provenance: preset.provenance,
  fittedToRuns: false,
  budgetRange: [1.5e15, 1.536e18],
  calibration: preset.calibration,
});
