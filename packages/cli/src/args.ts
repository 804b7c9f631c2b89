/**
 * Flag parsing on top of node:util's parseArgs: strict (unknown flags are errors), and numbers parsed
 * so an error names the flag and shows what was typed (`--budget: expected a number, got "1e17x"`).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>;
import { CliError } from './cli-error.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs explains itself over several lines; the first says what is wrong.
    throw new CliError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** `--budget -1` → `--budget=-1`, so a negative number reaches validation instead of looking like a flag. */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** A number as typed; anything else (including "NaN" and "Infinity") is an error naming the flag. */
export function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().replace(/_/g, '');
  if (!NUMBER.test(text)) throw new CliError(`--${flag}: expected a number, got ${JSON.stringify(raw)}`);
  return Number(text);
}

/** A comma-separated list of numbers: `--budget 1e16,1e17`. */
export function numberListFlag(flag: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((part) => numberFlag(flag, part)!);
}

export function requireFlag<T>(flag: string, value: T | undefined, what: string): T {
  if (value === undefined) throw new CliError(`--${flag} is required: ${what}`);
  return value;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** A memory size: `24GB` (10^9), `24GiB` (2^30), `512MB`, or a plain number of bytes. */
export function bytesFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*([0-9.e+-]+)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = BYTE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined || !NUMBER.test(match[1]!)) {
    throw new CliError(`--${flag}: expected a size such as 24GB, 24GiB or 512MB, got ${JSON.stringify(raw)}`);
  }
  return Number(match[1]) * unit;
}
