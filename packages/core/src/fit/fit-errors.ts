/**
 * Errors of the fitting code beyond a single bad field (those are ValidationErrors): a ledger with
 * malformed lines, reported all at once with their line numbers, and a fit that could not be made.
 * Not a logging facility.
 */
import { RepurposeError } from '../errors.js';

export interface LedgerProblem {
  /** 1-based line number in the ledger text. */
  readonly line: number;
  /** Dotted path inside the line, e.g. `line.method.rank`; `line` for the whole line. */
  readonly field: string;
  /** One readable sentence: what was wrong and what was expected. */
  readonly message: string;
}

/** A ledger had malformed lines. Every problem is listed; no line was silently dropped. */
export class LedgerError extends RepurposeError {
  override name = 'LedgerError';
  constructor(
    readonly problems: readonly LedgerProblem[],
    readonly source = 'ledger',
  ) {
    const shown = problems.slice(0, 50).map((p) => `  line ${p.line}: ${p.message}`);
    const more = problems.length > 50 ? [`  … and ${problems.length - 50} more`] : [];
    const lines = new Set(problems.map((p) => p.line)).size;
    super([`${source}: ${lines} malformed line${lines === 1 ? '' : 's'}; fix or remove ${lines === 1 ? 'it' : 'them'} and parse again`, ...shown, ...more].join('\n'));
  }
}

/** The data cannot support a fit (not a malformed input: e.g. the optimizer found no finite start). */
export class FitError extends RepurposeError {
  override name = 'FitError';
}
