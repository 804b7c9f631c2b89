/**
 * The words a recipe carries: why it won, and what each active constraint changed. Each sentence is
 * computed, never canned: a constraint is called binding only when relaxing it changes the winner.
 */
import { ValidationError } from '../errors.js';
import { countOf, formatBytes, formatCount } from '../format.js';
import { describeMethod } from '../methods/method.js';
import type { Evaluation, Planner, PlannerBudget } from './planner.js';

const label = (e: Evaluation) => `${describeMethod(e.candidate.method, e.candidate.model)} on ${e.candidate.model.name}`;
const loss = (x: number) => x.toFixed(4);
const gb = formatBytes;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sci = formatCount;

function bestOrNone(body: () => Evaluation | undefined): Evaluation | undefined {
  try {
    return body();
  } catch (e) {
    if (e instanceof ValidationError) return undefined;
    throw e;
  }
}

export function explainRecipe(planner: Planner, budget: PlannerBudget, best: Evaluation, allowed: Evaluation[], all: Evaluation[]): string {
  const out: string[] = [];
  const next = allowed[1];
  out.push(
    `${label(best)} has the lowest predicted loss (${loss(best.loss)}) of the ${countOf(allowed.length, 'configuration')} that fit` +
      (next ? `; next is ${label(next)} at +${(next.loss - best.loss).toPrecision(2)}.` : '.'),
  );
  const sameModelFull = allowed.find((e) => e.candidate.model === best.candidate.model && e.candidate.method.kind === 'full');
  if (best.candidate.method.kind !== 'full' && sameModelFull) {
    out.push(`Full fine-tuning of the same model would train on ${pct(sameModelFull.pairs / best.pairs)} as many pairs and reach ${loss(sameModelFull.loss)}.`);
  }
  const { maxMemoryBytes, maxPairs, inferenceTokens } = planner.constraints;

  if (maxMemoryBytes !== undefined) {
    const excluded = all.filter((e) => e.excludedBy === 'memory');
    const free = planner.relax('maxMemoryBytes').best(budget);
    if (free && free.excludedBy === undefined && (free.candidate.model !== best.candidate.model || free.candidate.method !== best.candidate.method) && free.loss < best.loss) {
      out.push(
        `Memory cap ${gb(maxMemoryBytes)} binds: without it ${label(free)} would win (${loss(free.loss)}), but it needs an estimated ${gb(free.candidate.memory.total)}; ${countOf(excluded.length, 'configuration')} ${excluded.length === 1 ? 'was' : 'were'} excluded.`,
      );
    } else {
      out.push(`Memory cap ${gb(maxMemoryBytes)} excluded ${countOf(excluded.length, 'configuration')}, none of which would have won; this one needs an estimated ${gb(best.candidate.memory.total)}.`);
    }
  }

  if (maxPairs !== undefined) {
    if (best.dataCapped) {
      const used = (best.candidate.perToken.total * best.tokens + best.inferenceFlop) / budget.flop;
      out.push(`Data cap binds: only ${countOf(maxPairs, 'unique pair')}, so it trains on all of them once (no repetition) and uses ${pct(used)} of the budget.`);
    } else {
      out.push(`Data cap of ${countOf(maxPairs, 'pair')} does not bind: the recipe needs ${formatCount(best.pairs)}.`);
    }
    // Without the cap the same budget may buy more than 2^53 pairs, which the planner refuses.
    const free = bestOrNone(() => planner.relax('maxPairs').best(budget));
    if (free && (free.candidate.model !== best.candidate.model || free.candidate.method.kind !== best.candidate.method.kind)) {
      out.push(`With unlimited data ${label(free)} would win (${loss(free.loss)}).`);
    }
  }

  if (inferenceTokens !== undefined) {
    out.push(`Inference-aware: embedding ${sci(inferenceTokens)} tokens costs ${sci(best.inferenceFlop)} FLOP on this model (${pct(best.inferenceFlop / budget.flop)} of the budget), leaving the rest for training.`);
    const free = planner.relax('inferenceTokens').best(budget);
    if (free && free.candidate.model !== best.candidate.model) {
      out.push(`Counting training alone, ${label(free)} would win; its larger inference cost rules it out.`);
    }
  }

  if (budget.timeBased) {
    const t = planner.throughput;
    const differs = (['freeze', 'bias', 'lora'] as const).filter((k) => t[k] !== t.full);
    if (differs.length > 0) out.push(`Time budget: each method buys FLOP at its throughput relative to full fine-tuning (${differs.map((k) => `${k} ×${(t[k] / t.full).toFixed(2)}`).join(', ')}).`);
  }
  out.push(
    `The predicted loss does not depend on the batch size (${countOf(planner.batchSize, 'pair')} a batch): the law has no batch term (the paper's runs used 1,024), but in-batch InfoNCE sees batch − 1 negatives per query, so a batch unlike the one the law was fitted at changes the loss in ways it does not predict.`,
  );
  return out.join(' ');
}
