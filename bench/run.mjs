#!/usr/bin/env node
/**
 * `pnpm bench` (or `npm run bench`): benchmarks, printed as tables and written as JSON under
 * bench/results/. Benchmarks are not tests: they assert nothing; targets are reported beside results.
 * Each benchmark is a module in bench/cases exporting { name, target, run() → rows }.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const cases = readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.mjs') && (!only || f.includes(only))).sort();

const results = [];
for (const file of cases) {
  const bench = await import(pathToFileURL(join(here, 'cases', file)).href);
  const rows = await bench.run();
  console.log(`\n## ${bench.name}\ntarget: ${bench.target}\n`);
  console.table(rows);
  results.push({ name: bench.name, target: bench.target, rows });
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `bench-${stamp}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, results }, null, 2));
console.log(`\nwrote ${file}`);
