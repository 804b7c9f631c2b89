/**
 * The run-ledger line of a finished run (fit/ledger.ts's format, what `repurpose fit` reads): the
 * model as its architecture object, the method, the real (unpadded) tokens and pairs trained with
 * their ratio as `tokensPerPair`, the held-out contrastive loss (`lossKind: "held-out"`), the budget
 * the run was planned for, wall-clock seconds, the hardware, and a flat provenance record. The line
 * is checked with the ledger's own validator before it is returned, so what is appended is what
 * `fitLaw` accepts. Not a file writer (files.ts appends it atomically).
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import { ArchitectureSchema, LlamaArchitectureSchema } from '../catalog/resolve-model.js';
import { type LedgerRecord, toObservation } from '../fit/ledger.js';
import type { FineTuningMethod } from '../methods/method.js';

export interface LedgerRecordInput {
  readonly architecture: ModelArchitecture;
  readonly method: FineTuningMethod;
  readonly tokens: number;
  readonly pairs: number;
  readonly heldOutLoss: number;
  readonly budget: number | null;
  readonly seconds: number;
  readonly hardware?: string;
  readonly provenance?: Readonly<Record<string, string | number | boolean>>;
}

export function ledgerRecord(input: LedgerRecordInput): LedgerRecord {
  // Only the keys the ledger's strict architecture schema knows (a recipe's model adds counts).
  const keys = Object.keys((input.architecture.kind === 'llama' ? LlamaArchitectureSchema : ArchitectureSchema).shape);
  const model = Object.fromEntries(Object.entries(input.architecture).filter(([k, v]) => keys.includes(k) && v !== undefined));
  const record: LedgerRecord = {
    model,
    method: input.method,
    tokens: input.tokens,
    pairs: input.pairs,
    tokensPerPair: input.tokens / input.pairs,
    loss: input.heldOutLoss,
    lossKind: 'held-out',
    ...(input.budget !== null ? { budget: input.budget } : {}),
    ...(input.seconds > 0 ? { seconds: input.seconds } : {}),
    ...(input.hardware ? { hardware: { gpu: input.hardware } } : {}),
    ...(input.provenance ? { provenance: { ...input.provenance } } : {}),
  };
  toObservation(record, 'ledger line');
  return record;
}
