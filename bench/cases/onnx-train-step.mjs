/**
 * The ONNX backend's training step against the tool a user would otherwise pick: Hugging Face
 * transformers' GPTNeoXModel (+ peft LoRA) on PyTorch CPU, side by side in one run, on the same shape
 * (pythia-70m by default; BENCH_ONNX_MODELS=pythia-70m,pythia-160m for both), random weights, batch 32
 * pairs of 16 query + 64 document tokens, full fine-tuning and LoRA r = 32, AdamW, mean pooling,
 * symmetric InfoNCE, 2 threads each. Reported as ratios (ours / peer) of pairs/s, plus each step's
 * matmul work as a fraction of the machine's ORT sgemm peak measured in the same run. The peer is
 * skipped, with the reason printed, when the Python venv (.tmp/venv, tools/python/setup-venv.sh) is
 * absent. Timings are medians of BENCH_ONNX_STEPS (default 3) steps after one warm-up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sgemmPeak } from '../../tools/onnx/sgemm-peak.mjs';
import { timeTrainStep } from '../../tools/onnx/train-step-harness.mjs';

export const name = 'ONNX Runtime training step vs transformers + peft on torch (same CPU, 2 threads)';
export const target = 'ratio ≥ 1.0 for full and LoRA r=32 (goal 1.5)';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const python = join(root, '.tmp', 'venv', 'bin', 'python');
const MODELS = (process.env.BENCH_ONNX_MODELS ?? 'pythia-70m').split(',');
const STEPS = Number(process.env.BENCH_ONNX_STEPS ?? 3);
const THREADS = 2;

function peer(model, method) {
  if (!existsSync(python)) return { skipped: `no Python venv at ${python} (run tools/python/setup-venv.sh)` };
  const args = [join(root, 'tools', 'onnx', 'torch_train_step.py'), '--model', model, '--method', method, '--steps', String(STEPS), '--threads', String(THREADS)];
  const r = spawnSync(python, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(THREADS) } });
  const line = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !line) return { skipped: `peer failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(line);
}

export async function run() {
  const peak = await sgemmPeak(THREADS);
  const rows = [];
  for (const model of MODELS) {
    for (const method of ['full', 'lora']) {
      const ours = await timeTrainStep({ model, method: method === 'lora' ? { kind: 'lora', rank: 32, alpha: 64 } : { kind: 'full' }, threads: THREADS, steps: STEPS });
      const theirs = peer(model, method);
      if (theirs.skipped) console.log(`peer skipped (${model} ${method}): ${theirs.skipped}`);
      rows.push({
        model,
        method: method === 'lora' ? 'lora r=32' : 'full',
        'onnx pairs/s': +ours.pairsPerSecond.toFixed(2),
        'torch pairs/s': theirs.skipped ? null : +theirs.pairs_per_second.toFixed(2),
        ratio: theirs.skipped ? null : +(ours.pairsPerSecond / theirs.pairs_per_second).toFixed(2),
        'onnx cpu s/step': +ours.cpuSecondsPerStep.toFixed(2),
        'torch cpu s/step': theirs.skipped ? null : +theirs.cpu_seconds_per_step.toFixed(2),
        'matmul % of sgemm peak': +((100 * ours.matmulFlop) / ours.stepSeconds / (peak * 1e9)).toFixed(0),
        'sgemm GFLOP/s': +peak.toFixed(0),
        'compile s': +ours.compileSeconds.toFixed(1),
      });
    }
  }
  return rows;
}
