/**
 * Test helper for the fuzz suite: runs one call and classifies what happened. A call passes when it
 * throws the library's own error (a RepurposeError subclass) whose message names what was wrong — for
 * a ValidationError, `invalid <field>: expected <what>, got <value>` — or when it returns and the
 * case was declared acceptable. Anything else (a TypeError or RangeError escaping, a silent success,
 * a promise that does not settle) is a failure, reported with the case's name.
 */
import { RepurposeError, ValidationError } from '../errors.js';
import type { FuzzClass } from './bad-values.test-helper.js';

export type Outcome = { kind: 'own-error'; error: RepurposeError } | { kind: 'accepted' } | { kind: 'foreign-error'; error: unknown } | { kind: 'hang' };

/** Seconds an async call may take before it counts as a hang (bounded inputs are refused up front, so real answers take milliseconds). */
const HANG_MS = 5000;

export async function outcomeOf(call: () => unknown): Promise<Outcome> {
  try {
    const result = call();
    if (result instanceof Promise) {
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hang'>((resolve) => {
        timer = setTimeout(() => resolve('hang'), HANG_MS);
      });
      const settled = await Promise.race([result.then(() => 'ok' as const), hang]).finally(() => clearTimeout(timer));
      if (settled === 'hang') return { kind: 'hang' };
    }
    return { kind: 'accepted' };
  } catch (error) {
    return error instanceof RepurposeError ? { kind: 'own-error', error } : { kind: 'foreign-error', error };
  }
}

/** What is wrong with an outcome, or undefined when it is what the library promises. */
export function problemWith(outcome: Outcome, acceptable: boolean): string | undefined {
  switch (outcome.kind) {
    case 'hang':
      return `did not settle within ${HANG_MS} ms`;
    case 'foreign-error': {
      const e = outcome.error as Error;
      return `threw ${e?.name ?? typeof e} (not a RepurposeError): ${String(e?.message ?? e).slice(0, 200)}`;
    }
    case 'accepted':
      return acceptable ? undefined : 'was silently accepted';
    case 'own-error': {
      const { error } = outcome;
      if (error.message.length === 0 || error.message.length > 4000) return `error message of ${error.message.length} characters`;
      if (error instanceof ValidationError) {
        if (!error.field) return 'ValidationError without a field';
        if (!/^invalid \S.*: expected .+, got .+/s.test(error.message)) return `ValidationError message does not read "invalid <field>: expected …, got …": ${error.message.slice(0, 200)}`;
      }
      return undefined;
    }
  }
}

/** Cases run and passed, by class, for the report. */
export const TALLY = new Map<FuzzClass, { cases: number; ownErrors: number; accepted: number }>();

export function count(cls: FuzzClass, outcome: Outcome): void {
  const t = TALLY.get(cls) ?? { cases: 0, ownErrors: 0, accepted: 0 };
  t.cases++;
  if (outcome.kind === 'own-error') t.ownErrors++;
  if (outcome.kind === 'accepted') t.accepted++;
  TALLY.set(cls, t);
}
