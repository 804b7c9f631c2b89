/**
 * The `repurpose` command. Subcommands print a table for people or one JSON object with --json.
 * Every error is one readable line on stderr and a non-zero exit: 2 for usage, 1 for invalid values.
 */
import { RepurposeError } from '@repurpose/core';
import { CliError } from './cli-error.js';
import { EMBED_IDS_HELP, embedIds } from './commands/embed-ids.js';
import { FIT_HELP, fit } from './commands/fit.js';
import { FLOPS_HELP, flops } from './commands/flops.js';
import { gpus, models } from './commands/models.js';
import { PLAN_HELP, plan } from './commands/plan.js';

const VERSION = '0.1.0';

const HELP = `repurpose ${VERSION} — turn decoder LMs into embedding models at the compute-optimal recipe

usage: repurpose <command> [flags]

  plan      the compute-optimal model, method and data for a budget (and the frontier plot)
  fit       fit the scaling law to a ledger of your own runs
  flops     training FLOP of a model, method and token count
  models    the Pythia catalog
  gpus      the GPU table used for GPU-hour budgets
  embed-ids mean-pooled embeddings of token-id sequences from a model directory (debugging)

'repurpose <command> --help' shows a command's flags.`;

type Command = (argv: string[], out: (text: string) => void) => number | Promise<number>;
const COMMANDS: Record<string, [Command, string]> = {
  plan: [plan, PLAN_HELP],
  fit: [fit, FIT_HELP],
  'embed-ids': [embedIds, EMBED_IDS_HELP],
  flops: [flops, FLOPS_HELP],
  models: [models, 'repurpose models [--json] — the eight Pythia models'],
  gpus: [gpus, 'repurpose gpus [--json] — peak dense FLOP/s per dtype'],
};

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
      io.err(`repurpose ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof RepurposeError) {
      io.err(`repurpose ${name}: ${error.message}`);
      return 1;
    }
    io.err(`repurpose ${name}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 70;
  }
}
