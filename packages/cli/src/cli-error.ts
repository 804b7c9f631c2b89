/**
 * A usage error the CLI prints as one line (no stack trace) before exiting with status 2.
 * Library ValidationErrors are printed the same way with status 1.
 */
export class CliError extends Error {
  override name = 'CliError';
}
