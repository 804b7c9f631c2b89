/**
 * `repurpose flops`: the training FLOP of one (model, method, tokens), split by phase. A Pythia name
 * or an architecture from --model-config. Not a profiler: the accounting's count, not a measurement.
 */
import { TOKENS_PER_PAIR, trainingFlops, type FineTuningMethod, type ModelArchitecture } from '@repurpose/core';
import { choiceFlag, noPositionals, parseFlags, rangeFlag, requireFlag, textFlag } from '../args.js';
import { CliError } from '../cli-error.js';
import { readModelConfig } from '../files/model-config.js';
import { sci } from '../format/numbers.js';
import { table } from '../format/table.js';

export const FLOPS_HELP = `repurpose flops — training FLOP of fine-tuning a model with a method

  --model NAME              a Pythia model (see 'repurpose models')
  --model-config FILE       or a Hugging Face config.json (GPT-NeoX or Llama family)
  --method full|freeze|bias|lora
  --rank R                  LoRA rank (with --method lora)
  --alpha A                 LoRA alpha (default 8; does not change FLOP)
  --trainable-blocks K      blocks left trainable (with --method freeze), 1..L
  --tokens D | --pairs P    training data (78 tokens a pair)
  --accounting paper|detailed   (default paper: exactly the authors' formulas)
  --seq-len T               sequence length for detailed accounting (default 75)
  --json                    print the breakdown as one JSON object`;

export const FLAGS = {
  model: { type: 'string' },
  'model-config': { type: 'string' },
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

/** Which flag sets which field of trainingFlops' input, for messages (see main.ts). */
export const FLOPS_FIELD_FLAGS: Record<string, string> = {
  model: '--model',
  method: '--method',
  'method.rank': '--rank',
  'method.alpha': '--alpha',
  'method.trainableBlocks': '--trainable-blocks',
  tokens: '--tokens',
  options: '--accounting',
  'options.sequenceLength': '--seq-len',
  config: '--model-config',
};

/** 10^24 tokens is beyond any corpus; the bound keeps FLOP counts finite and whole. */
const MAX_TOKENS = 1e24;

export function flops(argv: string[], out: (text: string) => void): number {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'flops');
  noPositionals('flops', positionals);
  if (v.model !== undefined && v['model-config'] !== undefined) throw new CliError('give one of --model or --model-config, not both');
  const model: string | ModelArchitecture =
    v['model-config'] !== undefined ? readModelConfig(v['model-config']) : requireFlag('model', textFlag('model', v.model, 'a model name such as pythia-410m'), 'a model name such as pythia-410m (or --model-config FILE)');
  const method = methodFrom(v);
  if ((v.tokens === undefined) === (v.pairs === undefined)) throw new CliError('give exactly one of --tokens or --pairs');
  const tokens =
    v.tokens !== undefined
      ? rangeFlag('tokens', v.tokens, { min: 0, above: true, max: MAX_TOKENS, what: 'training tokens' })!
      : rangeFlag('pairs', v.pairs, { min: 1, max: MAX_TOKENS / TOKENS_PER_PAIR, integer: true, what: 'training pairs' })! * TOKENS_PER_PAIR;
  const options = {
    ...(v.accounting !== undefined ? { accounting: choiceFlag('accounting', v.accounting, ['paper', 'detailed'] as const)! } : {}),
    ...(v['seq-len'] !== undefined ? { sequenceLength: rangeFlag('seq-len', v['seq-len'], { min: 1, max: 2 ** 20, integer: true, what: 'tokens a sequence' })! } : {}),
  };
  if (options.sequenceLength !== undefined && options.accounting !== 'detailed') throw new CliError('--seq-len applies only to --accounting detailed');
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

function methodFrom(v: { method?: string | undefined; rank?: string | undefined; alpha?: string | undefined; 'trainable-blocks'?: string | undefined }): FineTuningMethod {
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
      return { kind, trainableBlocks: requireFlag('trainable-blocks', rangeFlag('trainable-blocks', v['trainable-blocks'], { min: 1, max: 1e6, integer: true, what: 'blocks that train' }), 'how many of the last blocks train, 1..L') };
    case 'lora':
      return {
        kind,
        rank: requireFlag('rank', rangeFlag('rank', v.rank, { min: 1, max: 65536, integer: true, what: 'LoRA rank' }), 'the LoRA rank, e.g. 32'),
        ...(v.alpha !== undefined ? { alpha: rangeFlag('alpha', v.alpha, { min: 0, above: true, max: 1e6, what: 'LoRA alpha' })! } : {}),
      };
    default:
      throw new CliError(`--method: expected full, freeze, bias or lora, got ${JSON.stringify(kind)}`);
  }
}
