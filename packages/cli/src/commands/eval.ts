/**
 * `repurpose eval`: how good a model folder is — and, with --run, how much better a trained run is —
 * on held-out pairs (recall@1, recall@10, MRR@10, nDCG@10 with bootstrap intervals, held-out
 * contrastive loss) and on STS-style scored pairs (Spearman's ρ), as a table or one JSON object.
 * With --run DIR and the run's own pair file, the run's held-out split is recomputed from its
 * checkpoint (split seed and size, recognised by the file's fingerprint), so the numbers are those
 * `repurpose train` printed. Any other file is a separate test set: --held-out takes a split of it;
 * otherwise every pair of --pairs is evaluated.
 *
 * Not a benchmark harness (no MTEB tasks) and not a trainer.
 */
import { join } from 'node:path';
import { evaluate, formatEvaluationTable, pairsFingerprint, splitPairs, type EmbeddingModel, type EvaluationReport, type ScoredPair } from '@repurpose/core/engine';
import { CHECKPOINT_FILE, loadCheckpointDir, loadTokenizerDir, readFineTuneCheckpoint, readPairFilePath, readScoredPairsPath } from '@repurpose/core/node';
import { choiceFlag, noPositionals, parseFlags, rangeFlag, requireFlag, textFlag } from '../args.js';
import { BACKEND_FLAGS, BACKEND_HELP, openBackend, parseBackendFlags } from '../backend-option.js';
import { CliError } from '../cli-error.js';
import { checkModelFolder, statInput } from '../files/input-file.js';

export const EVAL_HELP = `repurpose eval — retrieval, held-out loss and STS Spearman of a model (before/after with --run)

  --model DIR               base model folder (config.json, model.safetensors, tokenizer.json)
  --run DIR                 a 'repurpose train' run folder: evaluate its checkpoint beside the base
  --pairs FILE              (query, positive) pairs: BGE JSONL or TSV
  --held-out N|F            evaluate a held-out split of --pairs (default: the run's split when --pairs
                            is the run's own file, otherwise every pair)
  --held-out-seed N         seed of that split (default 0)
  --sts FILE                scored pairs (sentence1<TAB>sentence2<TAB>score) for Spearman's rho
  --batch-size N            B of the held-out contrastive loss (default: the run's, else 32)
  --max-tokens N            truncation (default: the run's, else 75)
  --bootstrap N             bootstrap resamples of each interval (default 1000)
${BACKEND_HELP}
  --json                    print one JSON object { before, after }`;

export const FLAGS = {
  model: { type: 'string' },
  run: { type: 'string' },
  pairs: { type: 'string' },
  'held-out': { type: 'string' },
  'held-out-seed': { type: 'string' },
  sts: { type: 'string' },
  'batch-size': { type: 'string' },
  'max-tokens': { type: 'string' },
  bootstrap: { type: 'string' },
  ...BACKEND_FLAGS,
  json: { type: 'boolean' },
} as const;

export const EVAL_FIELD_FLAGS: Record<string, string> = { 'options.heldOut': '--held-out', 'options.pairs': '--pairs', 'options.scored': '--sts' };

export async function evalCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS, 'eval');
  noPositionals('eval', positionals);
  const modelDir = requireFlag('model', textFlag('model', v.model, 'a model folder'), 'a model folder (config.json, model.safetensors, tokenizer.json)');
  checkModelFolder('--model', modelDir);
  if (v.pairs === undefined && v.sts === undefined) throw new CliError('give --pairs FILE (retrieval, held-out loss) and/or --sts FILE (Spearman)');
  if (v.pairs !== undefined) statInput('--pairs', v.pairs, 'a pair file (JSONL or TSV)');
  if (v.sts !== undefined) statInput('--sts', v.sts, 'a scored-pair TSV');
  if (v.run !== undefined) statInput('--run', join(v.run, CHECKPOINT_FILE), `a run folder with ${CHECKPOINT_FILE}`);
  const whole = (flag: 'held-out-seed' | 'batch-size' | 'max-tokens' | 'bootstrap' | 'threads', min: number, what: string, max = 1e9) => rangeFlag(flag, v[flag], { min, max, integer: true, what });
  const backendRequest = parseBackendFlags(v);
  const heldOutFlag = rangeFlag('held-out', v['held-out'], { min: 0, above: true, max: 1e9, what: 'held-out pairs (a count, or a fraction in (0, 1))' });
  const replicates = whole('bootstrap', 0, 'resamples', 100_000);
  const heldOutSeed = whole('held-out-seed', 0, 'a seed', 2 ** 31);

  const run = v.run === undefined ? undefined : await readFineTuneCheckpoint(join(v.run, CHECKPOINT_FILE));
  const maxTokens = whole('max-tokens', 1, 'tokens', 100_000) ?? run?.run.data.maxTokens;
  const tokenizer = await loadTokenizerDir(modelDir, maxTokens === undefined ? {} : { maxTokens });
  const model = await loadCheckpointDir(modelDir, { dtype: run?.trainer.state.dtype ?? 'f32' });

  let pairs: readonly { query: string; positive: string }[] | undefined;
  if (v.pairs !== undefined) {
    const all = (await readPairFilePath(v.pairs)).pairs;
    if (run && pairsFingerprint(all) === run.run.data.fingerprint) {
      if (heldOutFlag !== undefined || heldOutSeed !== undefined) throw new CliError("--held-out and --held-out-seed do not apply to the run's own pair file: the run's split is used");
      pairs = splitPairs(all, { heldOut: run.run.data.heldOut, seed: run.run.data.heldOutSeed }).heldOut;
    } else if (heldOutFlag !== undefined) {
      pairs = splitPairs(all, { heldOut: heldOutFlag, seed: heldOutSeed ?? 0 }).heldOut;
    } else if (heldOutSeed !== undefined) {
      throw new CliError('--held-out-seed applies with --held-out only (without it every pair is evaluated)');
    } else pairs = all;
  }
  const scored: ScoredPair[] | undefined = v.sts === undefined ? undefined : await readScoredPairsPath(v.sts);

  const opened = await openBackend(backendRequest);
  const backend = opened.backend;
  try {
    const common = {
      backend,
      tokenizer,
      ...(pairs ? { pairs } : {}),
      ...(scored ? { scored } : {}),
      lossBatchSize: whole('batch-size', 2, 'pairs per batch', 2 ** 20) ?? run?.run.plan.batchSize ?? 32,
      ...(run ? { inverseTemperature: run.trainer.state.inverseTemperature } : {}),
      ...(replicates !== undefined ? { bootstrap: { replicates } } : {}),
    };
    const base: EmbeddingModel = { architecture: model.architecture, parameters: model.parameters, dtype: run?.trainer.state.dtype ?? 'f32' };
    const before = await evaluate({ ...common, model: base });
    let after: EvaluationReport | undefined;
    if (run) {
      const s = run.trainer.state;
      after = await evaluate({ ...common, model: { ...base, method: s.method, trained: run.trainer.parameters, loraEmbedIn: s.loraEmbedIn, pooling: s.pooling } });
    }
    if (v.json) {
      out(JSON.stringify({ before, ...(after ? { after, step: run!.trainer.state.step } : {}) }));
      return 0;
    }
    out(formatEvaluationTable([{ label: 'base', report: before }, ...(after ? [{ label: `trained (step ${run!.trainer.state.step})`, report: after }] : [])]));
    return 0;
  } finally {
    opened.dispose();
  }
}
