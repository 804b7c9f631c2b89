/**
 * STS-style scored sentence pairs: a TSV of `sentence1<TAB>sentence2<TAB>score`, one pair a line
 * (the layout of STS-B's and SICK-R's sentence/score columns), with an optional header line whose
 * third field is not a number. Blank lines are skipped. Every bad line is collected and reported
 * with its line number in one PairFileError before any text is embedded; fewer than 3 pairs is an
 * error (a correlation of two points means nothing).
 *
 * Not a dataset loader: no quoting, no other column layouts.
 */
import { PairFileError, type PairFileProblem } from '../text/errors.js';

export interface ScoredPair {
  readonly first: string;
  readonly second: string;
  readonly score: number;
  /** 1-based line. */
  readonly line: number;
}

export const MIN_SCORED_PAIRS = 3;

export function parseScoredPairs(text: string, options: { readonly name?: string; readonly maxErrors?: number } = {}): ScoredPair[] {
  const name = options.name ?? 'scored pairs';
  const maxErrors = options.maxErrors ?? 20;
  const pairs: ScoredPair[] = [];
  const problems: PairFileProblem[] = [];
  let count = 0;
  const problem = (line: number, message: string) => {
    count++;
    if (problems.length < maxErrors) problems.push({ line, message });
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let seenContent = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const fields = raw.split('\t');
    const first = !seenContent;
    seenContent = true;
    if (fields.length !== 3) return problem(line, `expected 3 tab-separated fields (sentence1, sentence2, score), got ${fields.length}`);
    const scoreText = fields[2]!.trim();
    const score = Number(scoreText);
    if (scoreText === '' || !Number.isFinite(score)) {
      if (first) return; // a header line such as `sentence1	sentence2	score`
      return problem(line, `the score (field 3) is ${JSON.stringify(fields[2])}; expected a finite number`);
    }
    if (fields[0]!.trim() === '') return problem(line, 'sentence 1 (field 1) is empty');
    if (fields[1]!.trim() === '') return problem(line, 'sentence 2 (field 2) is empty');
    pairs.push({ first: fields[0]!, second: fields[1]!, score, line });
  });
  if (count > 0) throw new PairFileError(name, problems, count);
  if (pairs.length < MIN_SCORED_PAIRS) throw new PairFileError(name, [{ line: 0, message: `${pairs.length} scored pair${pairs.length === 1 ? '' : 's'}; expected at least ${MIN_SCORED_PAIRS} (sentence1<TAB>sentence2<TAB>score lines)` }], 1);
  return pairs;
}
