/**
 * Flag parsing on top of node:util's parseArgs: strict (unknown flags are errors), a flag given twice
 * is an error (parseArgs would keep the last one silently), and values parsed so an error names the
 * flag, shows what was typed and says what was expected (`--budget: expected a number, got "1e17x"`).
 * Not a general option library: only what the repurpose commands use.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';
import { num } from './format/numbers.js';

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>;

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O, command?: string): Parsed<O> {
  let parsed: Parsed<O> & { tokens?: { kind: string; name?: string }[] };
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: true, tokens: true }) as typeof parsed;
  } catch (error) {
    // parseArgs explains itself over several lines; the first says what is wrong.
    const first = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/s, '');
    throw new CliError(`${first}${command ? ` (see 'repurpose ${command} --help')` : ''}`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || !token.name || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw new CliError(`--${token.name} given twice: give it once`);
    seen.add(token.name);
  }
  const { tokens: _tokens, ...rest } = parsed;
  return rest as Parsed<O>;
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

/** Shows what the user typed, cut to a readable length. */
export const typed = (raw: string) => JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}...` : raw);

/** A finite number as typed; anything else ("NaN", "Infinity", "1e400", "") is an error naming the flag. */
export function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().replace(/_/g, '');
  if (!NUMBER.test(text)) throw new CliError(`--${flag}: expected a number, got ${typed(raw)}`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new CliError(`--${flag}: expected a finite number, got ${typed(raw)}`);
  return value;
}

export interface Range {
  /** Smallest allowed value (inclusive unless `above`). */
  readonly min?: number;
  /** The value must be strictly greater than `min`. */
  readonly above?: boolean;
  readonly max?: number;
  readonly integer?: boolean;
  /** What the number is, for the message: "GPU-hours". */
  readonly what?: string;
}

/** A number in a range: `--mfu: expected a number in (0, 1] (model FLOP utilisation), got "1.5"`. */
export function rangeFlag(flag: string, raw: string | undefined, range: Range): number | undefined {
  const value = numberFlag(flag, raw);
  if (value === undefined) return undefined;
  const lo = range.min === undefined ? '' : `${range.above ? '>' : '≥'} ${num(range.min)}`;
  const hi = range.max === undefined ? '' : `≤ ${num(range.max)}`;
  const expected = `${range.integer ? 'a whole number' : 'a number'}${[lo, hi].filter(Boolean).length ? ` ${[lo, hi].filter(Boolean).join(' and ')}` : ''}${range.what ? ` (${range.what})` : ''}`;
  const bad =
    (range.integer && !Number.isInteger(value)) ||
    (range.min !== undefined && (range.above ? value <= range.min : value < range.min)) ||
    (range.max !== undefined && value > range.max);
  if (bad) throw new CliError(`--${flag}: expected ${expected}, got ${typed(raw!)}`);
  return value;
}

/** At most this many entries in a comma-separated list (budgets, ranks, run indices). */
export const MAX_LIST = 1000;

/** A comma-separated list: `--budget 1e16,1e17`, each entry checked like a single value. */
export function listFlag<T>(flag: string, raw: string | undefined, each: (part: string) => T): T[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',');
  if (parts.length > MAX_LIST) throw new CliError(`--${flag}: expected at most ${MAX_LIST} comma-separated values, got ${parts.length}`);
  if (raw.trim() === '') throw new CliError(`--${flag}: expected a comma-separated list, got ""`);
  return parts.map(each);
}

export const numberListFlag = (flag: string, raw: string | undefined, range: Range = {}) => listFlag(flag, raw, (part) => rangeFlag(flag, part, range)!);

/** A choice among fixed words: `--accounting: expected paper or detailed, got "papr"`. */
export function choiceFlag<const C extends string>(flag: string, raw: string | undefined, choices: readonly C[]): C | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    const list = choices.length === 1 ? choices[0]! : choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
    throw new CliError(`--${flag}: expected ${list}, got ${typed(raw)}`);
  }
  return raw as C;
}

/** A non-empty string (names, GPU names): an empty `--gpu ''` is an error, not a default. */
export function textFlag(flag: string, raw: string | undefined, what: string): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new CliError(`--${flag}: expected ${what}, got ""`);
  return raw;
}

export function requireFlag<T>(flag: string, value: T | undefined, what: string): T {
  if (value === undefined) throw new CliError(`--${flag} is required: ${what}`);
  return value;
}

export function noPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new CliError(`${command} takes no positional arguments, got ${typed(positionals[0]!)}`);
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** A memory size: `24GB` (10^9), `24GiB` (2^30), `512MB`, or a plain number of bytes; > 0 and finite. */
export function bytesFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*([0-9.e+-]+)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = BYTE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  const value = match && unit !== undefined && NUMBER.test(match[1]!) ? Number(match[1]) * unit : NaN;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new CliError(`--${flag}: expected a size greater than 0 such as 24GB, 24GiB or 512MB, got ${typed(raw)}`);
  }
  return value;
}
