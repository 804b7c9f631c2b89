/**
 * The `repurpose` command. Subcommands print a table for people or one JSON object with --json.
 * Every error is one readable line on stderr and a non-zero exit: 2 for usage, 1 for invalid values;
 * a library error about a field the user set through a flag names the flag too. Exit 70 means a bug.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { RepurposeError, ValidationError } from '@repurpose/core';
import { CliError } from './cli-error.js';
import { EMBED_HELP, embed } from './commands/embed.js';
import { EMBED_IDS_HELP, embedIds } from './commands/embed-ids.js';
import { EVAL_FIELD_FLAGS, EVAL_HELP, evalCommand } from './commands/eval.js';
import { EXPORT_FIELD_FLAGS, EXPORT_HELP, exportCommand } from './commands/export.js';
import { EXPORT_RECIPE_FIELD_FLAGS, EXPORT_RECIPE_HELP, exportRecipeCommand } from './commands/export-recipe.js';
import { FIT_FIELD_FLAGS, FIT_HELP, fit } from './commands/fit.js';
import { FLOPS_FIELD_FLAGS, FLOPS_HELP, flops } from './commands/flops.js';
import { gpus, models } from './commands/models.js';
import { PLAN_FIELD_FLAGS, PLAN_HELP, plan } from './commands/plan.js';
import { TRAIN_FIELD_FLAGS, TRAIN_HELP, train } from './commands/train.js';
import { SWEEP_FIELD_FLAGS, SWEEP_HELP, sweep } from './commands/sweep.js';

const VERSION = '0.1.0';

const HELP = `repurpose ${VERSION} — turn decoder LMs into embedding models at the compute-optimal recipe

usage: repurpose <command> [flags]

  plan      the compute-optimal model, method and data for a budget (and the frontier plot)
  fit       fit the scaling law to a ledger of your own runs
  flops     training FLOP of a model, method and token count
  train     fine-tune a model folder on a pair file (from a recipe), evaluate it, append the ledger line
  eval      retrieval metrics, held-out loss and STS Spearman of a model, before/after a run
  models    the Pythia catalog
  gpus      the GPU table used for GPU-hour budgets
  embed     embeddings of texts from a model folder (and a PEFT adapter)
  embed-ids mean-pooled embeddings of token-id sequences from a model directory (debugging)
  export    write a trained model for transformers, sentence-transformers or PEFT, with a model card
  export-recipe  a recipe as a torchrun / accelerate training script (PyTorch + sentence-transformers)
  sweep     the paper's experiment grid (models × methods × budgets) as such scripts

'repurpose <command> --help' shows a command's flags.`;

type Command = (argv: string[], out: (text: string) => void) => number | Promise<number>;
/** Each command, its help, and which flag sets which library field (longest prefix wins). */
const COMMANDS: Record<string, [Command, string, Record<string, string>]> = {
  plan: [plan, PLAN_HELP, PLAN_FIELD_FLAGS],
  fit: [fit, FIT_HELP, FIT_FIELD_FLAGS],
  embed: [embed, EMBED_HELP, { config: '--model', adapter: '--adapter' }],
  'embed-ids': [embedIds, EMBED_IDS_HELP, { ids: '--ids', config: '--model' }],
  export: [exportCommand, EXPORT_HELP, EXPORT_FIELD_FLAGS],
  flops: [flops, FLOPS_HELP, FLOPS_FIELD_FLAGS],
  train: [train, TRAIN_HELP, TRAIN_FIELD_FLAGS],
  eval: [evalCommand, EVAL_HELP, EVAL_FIELD_FLAGS],
  'export-recipe': [exportRecipeCommand, EXPORT_RECIPE_HELP, EXPORT_RECIPE_FIELD_FLAGS],
  sweep: [sweep, SWEEP_HELP, SWEEP_FIELD_FLAGS],
  models: [models, 'repurpose models [--json] — the eight Pythia models', {}],
  gpus: [gpus, 'repurpose gpus [--json] — peak dense FLOP/s per dtype', {}],
};

/** The flag behind a library field: `options.hardware.mfu` → `--mfu`. */
function flagFor(field: string, table: Record<string, string>): string | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(table)) {
    if ((field === prefix || field.startsWith(`${prefix}.`)) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * The flag whose path a library error is about, when its field is not a known option: readers name
 * the file (`/data/pairs.jsonl: 3 bad lines …`, `…/model/config.json`), and the user gave the
 * folder or the file under a flag. The longest path given that the error's field or message starts
 * with wins; values that are not paths (no separator, nothing on disk) are never matched.
 */
function flagOfPath(error: RepurposeError, argv: readonly string[]): string | undefined {
  const about = error instanceof ValidationError ? [error.field, error.message] : [error.message];
  let best: { flag: string; path: string } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.startsWith('--') ? argv[i]!.split(/=(.*)/s, 2) : [undefined, undefined];
    const path = inline ?? argv[i + 1];
    if (!flag || path === undefined || path.trim() === '' || (!path.includes(sep) && !existsSync(path))) continue;
    const hit = about.some((text) => text === path || text.startsWith(`${path}${sep}`) || text.startsWith(`${path}:`) || text.startsWith(`invalid ${path}`));
    if (hit && (!best || path.length > best.path.length)) best = { flag, path };
  }
  return best?.flag;
}

/** Library messages may list problems over several lines (a ledger's); the CLI prints one line. */
export function oneLine(message: string, max = 800): string {
  const [first = '', ...rest] = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const line = rest.length > 0 ? `${first} — ${rest.join('; ')}` : first;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`repurpose: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command[1]);
    return 0;
  }
  try {
    return await command[0](rest, io.out);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`repurpose ${name}: ${oneLine(error.message)}`);
      return 2;
    }
    if (error instanceof RepurposeError) {
      const flag = (error instanceof ValidationError ? flagFor(error.field, command[2]) : undefined) ?? flagOfPath(error, rest);
      io.err(`repurpose ${name}: ${flag ? `${flag}: ` : ''}${oneLine(error.message)}`);
      return 1;
    }
    io.err(`repurpose ${name}: unexpected error (a bug; please report it): ${oneLine(error instanceof Error ? error.message : String(error))}`);
    return 70;
  }
}

/**
 * The process entry (bin/repurpose.js): a reader that goes away (`repurpose plan --json | head -1`)
 * ends the command quietly instead of crashing with EPIPE.
 */
export async function run(argv: string[]): Promise<void> {
  const quietOnClosedPipe = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  };
  process.stdout.on('error', quietOnClosedPipe);
  process.stderr.on('error', quietOnClosedPipe);
  process.exitCode = await main(argv);
}
