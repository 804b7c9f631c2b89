/**
 * Errors of safetensors reading, writing and layout checking. Each names the file part or tensor, the
 * value found and what was expected, so a malformed checkpoint is reported in one readable line.
 * Not a recovery mechanism: a file that fails any check is rejected whole, never partially loaded.
 */
import { RepurposeError, ValidationError } from '../errors.js';

/** What went wrong, as a tag tests and callers can branch on without parsing the message. */
export type SafetensorsErrorKind =
  | 'truncated' // the file ends before the header or the data it declares
  | 'header-too-large' // the declared header length is over the limit
  | 'invalid-header' // the header is not UTF-8 JSON, not an object, or an entry is malformed
  | 'unknown-dtype' // a dtype this library does not read or write
  | 'bad-offsets' // data_offsets outside the data buffer, reversed, overlapping or leaving gaps
  | 'size-mismatch' // byte length differs from product(shape) * dtype size
  | 'invalid-tensor'; // a tensor handed to the writer is inconsistent

/** A safetensors file (or a tensor to be written) is malformed. `tensor` is set when one tensor is at fault. */
export class SafetensorsError extends RepurposeError {
  override name = 'SafetensorsError';
  constructor(
    readonly kind: SafetensorsErrorKind,
    message: string,
    readonly tensor?: string,
  ) {
    super(message);
  }
}

/** One way a checkpoint differs from the layout a model expects. */
export type LayoutProblem =
  | { kind: 'missing'; name: string; expected: string }
  | { kind: 'unexpected'; name: string; actual: string }
  | { kind: 'shape'; name: string; expected: readonly number[]; actual: readonly number[] }
  | { kind: 'dtype'; name: string; expected: readonly string[]; actual: string };

/** A well-formed file whose tensors are not the ones expected. Lists every problem, not just the first. */
export class LayoutMismatchError extends RepurposeError {
  override name = 'LayoutMismatchError';
  constructor(readonly problems: readonly LayoutProblem[]) {
    super(
      `checkpoint does not match the expected layout (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
        problems.map(describeProblem).join('; '),
    );
  }
}

/** One problem as a phrase, e.g. `tensor "a.weight" has shape [3,4], expected [4,3]`. */
export function describeProblem(problem: LayoutProblem): string {
  if (problem === null || typeof problem !== 'object' || !['missing', 'unexpected', 'shape', 'dtype'].includes(problem.kind)) {
    throw new ValidationError('problem', problem, 'a layout problem { kind: "missing" | "unexpected" | "shape" | "dtype", name, ... }');
  }
  const name = JSON.stringify(problem.name);
  switch (problem.kind) {
    case 'missing':
      return `missing tensor ${name} (expected ${problem.expected})`;
    case 'unexpected':
      return `unexpected tensor ${name} (${problem.actual})`;
    case 'shape':
      return `tensor ${name} has shape ${formatShape(problem.actual)}, expected ${formatShape(problem.expected)}`;
    case 'dtype':
      return `tensor ${name} has dtype ${problem.actual}, expected ${problem.expected.join(' or ')}`;
  }
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
