/**
 * Errors of the text pipeline: a tokenizer folder that cannot be used, and a pair file with bad lines.
 * A PairFileError carries every problem found (line numbers and messages, the first `maxErrors`
 * listed, all counted) so a user fixes a file in one pass. Not a logger.
 */
import { RepurposeError } from '../errors.js';

/** tokenizer.json / tokenizer_config.json cannot be loaded or lack what training needs (EOS). */
export class TokenizerError extends RepurposeError {
  override name = 'TokenizerError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface PairFileProblem {
  /** 1-based line number; 0 for problems of the whole file (empty, too small). */
  readonly line: number;
  readonly message: string;
}

/** A pair file that cannot be trained on, with every problem found before any compute. */
export class PairFileError extends RepurposeError {
  override name = 'PairFileError';
  constructor(
    /** What was read: a path, a file name, or "pair file". */
    readonly source: string,
    /** The problems listed (at most `maxErrors` of them). */
    readonly problems: readonly PairFileProblem[],
    /** How many problems there were in all (≥ problems.length). */
    readonly count: number,
  ) {
    super(formatProblems(source, problems, count));
  }
}

function formatProblems(source: string, problems: readonly PairFileProblem[], count: number): string {
  if (count === 1 && problems[0]?.line === 0) return `${source}: ${problems[0].message}`;
  const shown = problems.length < count ? ` (the first ${problems.length} listed)` : '';
  const lines = problems.map((p) => (p.line === 0 ? `  ${p.message}` : `  line ${p.line}: ${p.message}`));
  return [`${source}: ${count} bad line${count === 1 ? '' : 's'}${shown}:`, ...lines].join('\n');
}
