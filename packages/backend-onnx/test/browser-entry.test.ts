/**
 * The `browser` export condition's entry (dist/browser.js) reaches no Node module: walking its static
 * imports — through the package's chunks and into @repurpose/core's built entries — finds no Node
 * builtin and not `@repurpose/core/node`, so a bundler needs no stubs for it. And it exports every
 * runtime name of the Node entry except the Node-only ones. Runs against the build (`npm test`
 * builds first). The real-browser proof is examples/browser-lora's end-to-end test, whose Vite
 * config has no Node stubs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const CORE = fileURLToPath(new URL('../../core/', import.meta.url));
const built = existsSync(join(DIST, 'browser.js'));
if (!built) console.log(`browser entry tests skipped: ${DIST}browser.js is not built (run the package build)`);
const NODE_ONLY = ['createOnnxWorkerBackend', 'WORKER_MALLOC_ENV', 'exportOnnxModel'];

/** Every module specifier the file imports or re-exports statically, and dynamic imports of literals. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:^|[;\n])\s*(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']|(?:^|[;\n])\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)];
  return found.map((m) => (m[1] ?? m[2] ?? m[3])!);
}

/** Where a specifier leads inside the workspace: a file, or null for a third-party package. */
function resolveIn(from: string, spec: string): string | null {
  if (spec.startsWith('.')) return resolve(dirname(from), spec);
  if (spec === '@repurpose/core' || spec.startsWith('@repurpose/core/')) {
    const exports = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')).exports as Record<string, { browser?: { default: string }; import: { default: string } }>;
    const entry = exports[`.${spec.slice('@repurpose/core'.length)}`];
    if (!entry) throw new Error(`${spec}: not an export of @repurpose/core`);
    return join(CORE, (entry.browser ?? entry.import).default);
  }
  return null;
}

describe.skipIf(!built)('the browser entry', () => {
  it('reaches no Node builtin and not @repurpose/core/node', () => {
    const node = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const seen = new Set<string>();
    const offending: string[] = [];
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of specifiers(file)) {
        if (node.has(spec) || spec.startsWith('node:') || spec === '@repurpose/core/node') offending.push(`${file.replace(dirname(DIST), '')} imports ${spec}`);
        const next = resolveIn(file, spec);
        if (next) walk(next);
      }
    };
    walk(join(DIST, 'browser.js'));
    expect(seen.size).toBeGreaterThan(3); // the chunks and core's entries were followed
    expect(offending).toEqual([]);
  });

  it('the Node entry does reach them (so the walk can find what it looks for)', () => {
    expect(specifiers(join(DIST, 'index.js'))).toEqual(expect.arrayContaining(['worker_threads', 'child_process']));
  });

  it('exports what the Node entry does, less the Node-only parts', async () => {
    const browser = Object.keys(await import(join(DIST, 'browser.js'))).sort();
    const node = Object.keys(await import(join(DIST, 'index.js'))).sort();
    expect(browser).toEqual(node.filter((name) => !NODE_ONLY.includes(name)));
    expect(node).toEqual(expect.arrayContaining(NODE_ONLY));
  });
});
