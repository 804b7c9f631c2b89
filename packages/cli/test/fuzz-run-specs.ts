/**
 * The fuzz suite's flag table for the commands that read models and text and write runs and folders:
 * train, eval, embed, export, export-recipe and sweep (fuzz.test.ts has the planning commands'). Each base is a command
 * line that would do real work — on a tiny random model folder, the text fixture's pairs and a run
 * trained once — so a bad value that is not refused shows up as a run or a folder left behind.
 * `runFixtures` makes those inputs; it is called before the suite lists the files it must not change.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlagSpec } from './fuzz-cases.js';

export interface RunPaths {
  readonly model: string;
  readonly pairs: string;
  readonly run: string;
  readonly adapter: string;
  readonly recipe: string;
  /** A plan --json file with two budgets (for --index). */
  readonly recipes: string;
  readonly sts: string;
  readonly evaluation: string;
  readonly out: string;
}

export function runPaths(dir: string, out: string, root: string): RunPaths {
  const at = (name: string) => join(dir, name);
  return { model: at('tiny-model'), pairs: join(root, 'packages/core/test/fixtures/text/sotu-pairs.jsonl'), run: at('tiny-run'), adapter: at('tiny-adapter'), recipe: at('tiny-recipe.json'), recipes: at('tiny-recipes.json'), sts: at('scored.tsv'), evaluation: at('evaluation.json'), out };
}

/** The tiny model folder, a recipe for it, a LoRA run on it and that run's PEFT adapter, scored pairs, an evaluation table. */
export function runFixtures(p: RunPaths, root: string, bin: string): void {
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe', env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' } });
  node([join(root, 'examples/tiny-model-folder.mjs'), p.model]);
  writeFileSync(p.recipe, node([bin, 'plan', '--budget', '2e10', '--model-config', join(p.model, 'config.json'), '--methods', 'full', '--batch-size', '8', '--max-pairs', '64', '--json']));
  writeFileSync(p.recipes, node([bin, 'plan', '--budget', '2e10,4e10', '--model-config', join(p.model, 'config.json'), '--methods', 'full', '--batch-size', '8', '--json']));
  writeFileSync(p.sts, 'a small cat\ta little cat\t4.5\nthe sea\ta tax form\t0.5\nrain today\tit rains\t4\n');
  writeFileSync(p.evaluation, JSON.stringify([{ metric: 'recall@10', split: 'held-out', value: 0.5 }]));
  node([bin, 'train', '--model', p.model, '--pairs', p.pairs, '--out', p.run, '--method', 'lora', '--rank', '4', '--train-pairs', '16', '--batch-size', '8', '--max-tokens', '16', '--backend', 'reference', '--no-eval']);
  node([bin, 'export', '--format', 'peft', '--model', p.model, '--checkpoint', join(p.run, 'checkpoint.safetensors'), '--out', p.adapter]);
}

/** `argv` without `flag` and the value after it (booleans have none). */
function without(argv: readonly string[], flag: string, isBoolean = false): string[] {
  const i = argv.indexOf(flag);
  return i < 0 ? [...argv] : [...argv.slice(0, i), ...argv.slice(i + (isBoolean ? 1 : 2))];
}

/** Spec makers for one command: the flag under test is taken out of the base (or of `over`). */
const specsOf =
  (command: string, base: readonly string[]) =>
  (flag: string, kind: FlagSpec['kind'], good?: string, over: readonly string[] = base): FlagSpec => ({ command, flag, kind, base: without(over, flag, kind === 'boolean'), ...(good !== undefined ? { good } : {}) });

export function runCommandSpecs(p: RunPaths): { specs: FlagSpec[]; bases: Record<string, string[]> } {
  const runOut = join(p.out, 'run');
  const explicit = ['train', '--model', p.model, '--pairs', p.pairs, '--out', runOut, '--method', 'full', '--train-pairs', '16', '--batch-size', '8', '--max-tokens', '16', '--backend', 'reference', '--no-eval'];
  const train = specsOf('train', explicit);
  const lora = [...without(explicit, '--method'), '--method', 'lora'];
  const freeze = [...without(explicit, '--method'), '--method', 'freeze'];
  const planned = [...without(without(explicit, '--method'), '--train-pairs'), '--budget', '2e10'];
  const evaluated = without(explicit, '--no-eval', true);
  const resumed = ['train', '--model', p.model, '--pairs', p.pairs, '--backend', 'reference', '--no-eval'];
  const evalBase = ['eval', '--model', p.model, '--pairs', p.pairs, '--batch-size', '8', '--max-tokens', '16', '--bootstrap', '0', '--backend', 'reference'];
  const ev = specsOf('eval', evalBase);
  const embedBase = ['embed', '--model', p.model, '--backend', 'reference', 'a text'];
  const em = specsOf('embed', embedBase);
  const exportBase = ['export', '--format', 'hf', '--model', p.model, '--checkpoint', join(p.run, 'checkpoint.safetensors'), '--out', join(p.out, 'export')];
  const ex = specsOf('export', exportBase);
  const specs: FlagSpec[] = [
    train('--model', 'model-dir', p.model),
    train('--pairs', 'json-file', p.pairs),
    train('--out', 'out-dir', runOut),
    train('--recipe', 'json-file', p.recipe, without(without(explicit, '--method'), '--train-pairs')),
    train('--budget', 'number', '2e10', without(without(explicit, '--method'), '--train-pairs')),
    train('--methods', 'choice-list', 'full,lora', planned),
    train('--ranks', 'int-list', '4', [...planned, '--methods', 'lora']),
    train('--accounting', 'choice', 'paper', planned),
    train('--max-pairs', 'int', '64', planned),
    train('--method', 'choice', 'full'),
    train('--rank', 'int', '4', lora),
    train('--alpha', 'number', '8', [...lora, '--rank', '4']),
    train('--trainable-blocks', 'int', '1', freeze),
    train('--train-pairs', 'int', '16'),
    train('--flop-budget', 'number', '1e9'),
    train('--batch-size', 'int', '8'),
    train('--mini-batch', 'int', '4'),
    train('--memory-cap', 'bytes', '4GB'),
    train('--lr', 'number', '1e-3'),
    train('--epochs', 'int', '1'),
    train('--seed', 'int', '1'),
    train('--held-out', 'number', '0.1'),
    train('--held-out-seed', 'int', '1'),
    train('--max-tokens', 'int', '16'),
    train('--dtype', 'choice', 'f32'),
    train('--checkpoint-every', 'int', '1'),
    train('--resume', 'run-dir', p.run, resumed),
    train('--max-steps', 'int', '1'),
    train('--eval-every', 'int', '1', evaluated),
    train('--sts', 'json-file', p.sts, evaluated),
    train('--bootstrap', 'int', '10', evaluated),
    train('--no-eval', 'boolean'),
    train('--ledger', 'out-file', join(p.out, 'runs.jsonl'), evaluated),
    train('--backend', 'choice', 'reference'),
    train('--threads', 'int', '1'),
    train('--json', 'boolean'),
    ev('--model', 'model-dir', p.model),
    ev('--run', 'run-dir', p.run),
    ev('--pairs', 'json-file', p.pairs),
    ev('--held-out', 'number', '0.1'),
    ev('--held-out-seed', 'int', '1'),
    ev('--sts', 'json-file', p.sts),
    ev('--batch-size', 'int', '8'),
    ev('--max-tokens', 'int', '16'),
    ev('--bootstrap', 'int', '0'),
    ev('--backend', 'choice', 'reference'),
    ev('--threads', 'int', '1'),
    ev('--json', 'boolean'),
    em('--model', 'model-dir', p.model),
    em('--adapter', 'adapter-dir', p.adapter),
    em('--normalize', 'boolean'),
    em('--max-tokens', 'int', '16'),
    em('--backend', 'choice', 'reference'),
    em('--threads', 'int', '1'),
    em('--dtype', 'choice', 'f32'),
    em('--out', 'out-file', join(p.out, 'vectors.jsonl')),
    em('--json', 'boolean'),
    ex('--format', 'choice', 'hf'),
    ex('--model', 'model-dir', p.model),
    ex('--checkpoint', 'binary-file', join(p.run, 'checkpoint.safetensors')),
    ex('--out', 'out-dir', join(p.out, 'export')),
    ex('--dtype', 'choice', 'f32'),
    ex('--max-seq-length', 'int', '16'),
    ex('--recipe', 'json-file', p.recipe),
    ex('--eval', 'json-file', p.evaluation),
    ex('--data', 'any-file', p.pairs),
    ex('--base-name', 'text', 'tiny'),
    ex('--title', 'text', 'tiny'),
    ex('--overwrite', 'boolean'),
    ex('--json', 'boolean'),
  ];
  // export-recipe and sweep write scripts for another machine: their shared run flags, then their own.
  const recipeBase = ['export-recipe', '--recipe', p.recipe, '--to', 'sentence-transformers', '--out', join(p.out, 'torch-run')];
  const sweepBase = ['sweep', '--out', join(p.out, 'sweep'), '--models', 'pythia-14m', '--methods', 'full', '--budgets', '1.5e15'];
  const shared = (command: 'export-recipe' | 'sweep', base: readonly string[]): FlagSpec[] => {
    const s = specsOf(command, base);
    return [
      // A sweep has several models: --model is refused there.
      command === 'sweep' ? s('--model', 'refused-flag', 'EleutherAI/pythia-14m') : s('--model', 'text', 'EleutherAI/pythia-14m'),
      // Read by the script, maybe on another machine: checked to be a readable file, not parsed here.
      s('--train', 'any-file', p.pairs),
      s('--held-out', 'any-file', p.pairs),
      s('--held-out-pairs', 'int', '64'),
      // The script appends to it later; a sweep always uses runs.jsonl in --out.
      s('--ledger', command === 'sweep' ? 'refused-flag' : 'later-file', join(p.out, 'runs.jsonl')),
      s('--peak-lr', 'number', '1e-3'),
      s('--warmup', 'number', '0.1'),
      s('--no-lora-embed-in', 'boolean'),
      s('--gpus', 'int', '2'),
      s('--gpu-memory', 'bytes', '80GB'),
      s('--mini-batch', 'int', '8'),
      s('--precision', 'choice', 'fp32'),
      s('--no-gradient-checkpointing', 'boolean'),
      s('--seed', 'int', '1'),
      s('--json', 'boolean'),
    ];
  };
  const er = specsOf('export-recipe', recipeBase);
  const sw = specsOf('sweep', sweepBase);
  specs.push(
    ...shared('export-recipe', recipeBase),
    er('--recipe', 'json-file', p.recipe),
    er('--to', 'choice', 'sentence-transformers'),
    er('--out', 'into-dir', join(p.out, 'torch-run')),
    er('--index', 'int', '0', [...without(recipeBase, '--recipe'), '--recipe', p.recipes]),
    er('--id', 'text', 'run-1'),
    ...shared('sweep', sweepBase),
    sw('--out', 'into-dir', join(p.out, 'sweep')),
    sw('--models', 'name-list', 'pythia-14m'),
    sw('--family', 'name', 'pythia', without(sweepBase, '--models')),
    sw('--methods', 'choice-list', 'full'),
    sw('--ranks', 'int-list', '8'),
    sw('--budgets', 'number-list', '1.5e15'),
    sw('--batch-size', 'int', '1024'),
    sw('--accounting', 'choice', 'paper'),
  );
  return { specs, bases: { train: explicit, eval: evalBase, embed: embedBase, export: exportBase, 'export-recipe': recipeBase, sweep: sweepBase } };
}
