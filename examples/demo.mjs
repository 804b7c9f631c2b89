#!/usr/bin/env node
/**
 * `npm run demo`: the main job as a user would run it. Plans the paper's six budgets with the real
 * optimizer, prints the recipe table and writes the frontier plot (the paper's Figure 1) to
 * frontier.svg; then really fine-tunes a tiny GPT-NeoX on synthetic pairs on ONNX Runtime (the
 * default backend; the CPU reference backend when onnxruntime-node cannot load) — no model hub is
 * reachable here, so the model is created on the spot.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plot = join(root, 'frontier.svg');
const cli = join(root, 'packages/cli/bin/repurpose.js');

console.log('repurpose demo: compute-optimal recipes for the paper\u2019s six budgets\n');
const r = spawnSync(process.execPath, [cli, 'plan', '--paper-budgets', '--plot', plot], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

console.log('\nA real fine-tune (tiny model, synthetic data, ONNX Runtime):\n');
const t = spawnSync(process.execPath, [join(root, 'examples/finetune-tiny.mjs')], { stdio: 'inherit' });
process.exit(t.status ?? 1);
