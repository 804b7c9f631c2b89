/**
 * Where a training step's time goes: runs the harness's step with ORT's profiler on and sums node
 * time by op type (and the top nodes). Prints a table; writes nothing but ORT's own profile JSON
 * under .tmp/. Usage: node tools/onnx/profile-step.mjs full|lora [model]. Not a benchmark.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { timeTrainStep } from './train-step-harness.mjs';

const kind = process.argv[2] ?? 'full';
const method = kind === 'lora' ? { kind: 'lora', rank: 32, alpha: 64 } : { kind };
mkdirSync('.tmp/onnx-profile', { recursive: true });
const prefix = `.tmp/onnx-profile/${kind}-${Date.now()}`;
const r = await timeTrainStep({ method, model: process.argv[3] ?? 'pythia-70m', steps: 2, warmup: 1, backendOptions: { sessionOptions: { enableProfiling: true, profileFilePrefix: prefix } } });
console.log(r);
const file = readdirSync('.tmp/onnx-profile').filter((f) => `.tmp/onnx-profile/${f}`.startsWith(prefix)).map((f) => `.tmp/onnx-profile/${f}`)[0];
const events = JSON.parse(readFileSync(file, 'utf8')).filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
const byType = new Map();
const byNode = new Map();
for (const e of events) {
  const t = e.args.op_name;
  byType.set(t, (byType.get(t) ?? 0) + e.dur);
  byNode.set(e.name, (byNode.get(e.name) ?? 0) + e.dur);
}
const total = [...byType.values()].reduce((a, b) => a + b, 0);
const rows = [...byType].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([op, us]) => ({ op, ms: +(us / 1000 / 3).toFixed(1), share: `${((100 * us) / total).toFixed(1)}%` }));
console.log(`profile ${file}: ${(total / 1000 / 3).toFixed(0)} ms of kernel time per step (3 steps profiled)`);
console.table(rows);
console.table([...byNode].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([n, us]) => ({ node: n.replace('_kernel_time', ''), ms: +(us / 1000 / 3).toFixed(1) })));
