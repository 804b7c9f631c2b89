/**
 * Where a training step's time goes: runs the harness's step (in-process, so ORT's profiler writes
 * here) with the profiler on and sums kernel time by op type and by node, over the steps after the two
 * warm-up steps (the first runs pay for arena growth and first-touch page faults, up to 100× a steady op).
 * Prints tables; writes nothing but ORT's own profile JSON under .tmp/. Not a benchmark.
 * Usage: node tools/onnx/profile-step.mjs full|lora [model] [steps]
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { timeTrainStep } from './train-step-harness.mjs';

const kind = process.argv[2] ?? 'full';
const method = kind === 'lora' ? { kind: 'lora', rank: 32, alpha: 64 } : { kind };
const steps = Number(process.argv[4] ?? 2);
const WARMUP = 2;
mkdirSync('.tmp/onnx-profile', { recursive: true });
const prefix = `.tmp/onnx-profile/${kind}-${Date.now()}`;
const r = await timeTrainStep({ method, where: 'in-process', model: process.argv[3] ?? 'pythia-70m', steps, warmup: WARMUP, backendOptions: { sessionOptions: { enableProfiling: true, profileFilePrefix: prefix } } });
console.log(r);
const file = readdirSync('.tmp/onnx-profile').filter((f) => `.tmp/onnx-profile/${f}`.startsWith(prefix)).map((f) => `.tmp/onnx-profile/${f}`)[0];
const all = JSON.parse(readFileSync(file, 'utf8'));
// Runs in order: each model_run event spans one session.run; keep kernels of runs after the warm-up.
const runs = all.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
const steady = runs.slice(WARMUP);
const inSteady = (e) => steady.some((run) => e.ts >= run.ts && e.ts <= run.ts + run.dur);
const events = all.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && inSteady(e));
const byType = new Map();
const byNode = new Map();
for (const e of events) {
  const t = e.args.op_name;
  byType.set(t, (byType.get(t) ?? 0) + e.dur);
  byNode.set(e.name, (byNode.get(e.name) ?? 0) + e.dur);
}
const n = steady.length;
const total = [...byType.values()].reduce((a, b) => a + b, 0);
const runMs = steady.reduce((a, run) => a + run.dur, 0) / 1000 / n;
const rows = [...byType].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([op, us]) => ({ op, ms: +(us / 1000 / n).toFixed(1), share: `${((100 * us) / total).toFixed(1)}%` }));
console.log(`profile ${file}: ${(total / 1000 / n).toFixed(0)} ms of kernel time per step in ${runMs.toFixed(0)} ms of session.run (${n} steps after the warm-up)`);
console.table(rows);
console.table([...byNode].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([node, us]) => ({ node: node.replace('_kernel_time', ''), ms: +(us / 1000 / n).toFixed(1) })));
