#!/usr/bin/env node
/**
 * `npm run demo`: the main job as a user would run it. Plans the paper's six budgets with the real
 * optimizer, prints the recipe table and writes the frontier plot (the paper's Figure 1) to
 * frontier.svg. Later issues extend the demo to a real fine-tune.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plot = join(root, 'frontier.svg');
const cli = join(root, 'packages/cli/bin/repurpose.js');

console.log('repurpose demo: compute-optimal recipes for the paper\u2019s six budgets\n');
const r = spawnSync(process.execPath, [cli, 'plan', '--paper-budgets', '--plot', plot], { stdio: 'inherit' });
process.exit(r.status ?? 1);
