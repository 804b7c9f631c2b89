/** `repurpose flops`: the training FLOP of one (model, method, tokens), split by phase. */
import { trainingFlops, type FineTuningMethod } from '@repurpose/core';
import { numberFlag, parseFlags, requireFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { sci } from '../format/numbers.js';
import { table } from '../format/table.js';

export const FLOPS_HELP = `repurpose flops — training FLOP of fine-tuning a model with a method

  --model NAME              a Pythia model (see 'repurpose models')
  --method full|freeze|bias|lora
  --rank R                  LoRA rank (with --method lora)
  --alpha A                 LoRA alpha (default 8; does not change FLOP)
  --trainable-blocks K      blocks left trainable (with --method freeze), 1..L
  --tokens D | --pairs P    training data (78 tokens a pair)
  --accounting paper|detailed   (default paper: exactly the authors' formulas)
  --seq-len T               sequence length for detailed accounting (default 75)
  --json                    print the breakdown as one JSON object`;

const FLAGS = {
  model: { type: 'string' },
  method: { type: 'string' },
  rank: { type: 'string' },
  alpha: { type: 'string' },
  'trainable-blocks': { type: 'string' },
  tokens: { type: 'string' },
  pairs: { type: 'string' },
  accounting: { type: 'string' },
  'seq-len': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export function flops(argv: string[], out: (text: string) => void): number {
  const { values: v, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new CliError(`flops takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
  const model = requireFlag('model', v.model, 'a model name such as pythia-410m');
  const method = methodFrom(v);
  if ((v.tokens === undefined) === (v.pairs === undefined)) throw new CliError('give exactly one of --tokens or --pairs');
  const tokens = v.tokens !== undefined ? numberFlag('tokens', v.tokens)! : numberFlag('pairs', v.pairs)! * 78;
  const options = {
    ...(v.accounting !== undefined ? { accounting: v.accounting as never } : {}),
    ...(v['seq-len'] !== undefined ? { sequenceLength: numberFlag('seq-len', v['seq-len'])! } : {}),
  };
  const f = trainingFlops(model, method, tokens, options);
  if (v.json) {
    out(JSON.stringify(f));
    return 0;
  }
  out(
    table(
      ['phase', 'FLOP'],
      [
        ['forward', sci(f.forward, 4)],
        ['backward (activations)', sci(f.backwardActivations, 4)],
        ['backward (weights)', sci(f.backwardWeights, 4)],
        ['total', sci(f.total, 4)],
      ],
      [false, true],
    ),
  );
  return 0;
}

function methodFrom(v: { method?: string; rank?: string; alpha?: string; 'trainable-blocks'?: string }): FineTuningMethod {
  const kind = requireFlag('method', v.method, 'full, freeze, bias or lora');
  const onlyWith = (flag: string, value: unknown, needed: string) => {
    if (value !== undefined && kind !== needed) throw new CliError(`--${flag} applies only to --method ${needed}`);
  };
  onlyWith('rank', v.rank, 'lora');
  onlyWith('alpha', v.alpha, 'lora');
  onlyWith('trainable-blocks', v['trainable-blocks'], 'freeze');
  switch (kind) {
    case 'full':
    case 'bias':
      return { kind };
    case 'freeze':
      return { kind, trainableBlocks: requireFlag('trainable-blocks', numberFlag('trainable-blocks', v['trainable-blocks']), 'how many of the last blocks train, 1..L') };
    case 'lora':
      return { kind, rank: requireFlag('rank', numberFlag('rank', v.rank), 'the LoRA rank, e.g. 32'), ...(v.alpha !== undefined ? { alpha: numberFlag('alpha', v.alpha)! } : {}) };
    default:
      throw new CliError(`--method: expected full, freeze, bias or lora, got ${JSON.stringify(kind)}`);
  }
}
