/**
 * Fitting scaling laws to your own runs: the run ledger, `fitLaw` and what it returns. The lead
 * re-exports this from the package entry (`export * from './fit/index.js'`); `readLedgerFile` needs
 * Node and lives in ledger-file.ts for the `./node` entry. Internals (objective, layout, grid) stay
 * unexported so they can change.
 */
export { LedgerError, FitError, type LedgerProblem } from './fit-errors.js';
export {
  type Observation,
  type ObservationInput,
  type LedgerRecord,
  type LossKind,
  type RunHardware,
  LedgerRecordSchema,
  parseLedger,
  toObservation,
  formatLedgerLine,
} from './ledger.js';
export { fitLaw, type FitOptions, FitOptionsSchema } from './fit-law.js';
export type {
  FittedLaw,
  FitObjective,
  FitDiagnostics,
  CoefficientIntervals,
  ValueInterval,
  Residual,
  ExcludedRun,
} from './fitted-law.js';
export { type FittedCoefficients, flattenCoefficients } from './coefficients.js';
export type { FixedCoefficient, PenaltyKind } from './parameter-layout.js';
export type { CrossValidation, CrossValidationFold } from './cross-validation.js';
export type { StartPoint } from './start-grid.js';
export type { LbfgsStop } from './lbfgs.js';
export { DEFAULT_HUBER_DELTA } from './objective.js';
export type { FitWarning, FitWarningKind } from './fit-warnings.js';
export { saveLaw, loadLaw, SavedLawSchema, SAVED_LAW_FORMAT, type SavedLaw } from './saved-law.js';
export { measuredThroughput, type MeasuredThroughput } from './measured-throughput.js';
