/**
 * What the end-to-end test needs around the page: build it with Vite into a folder, serve that folder
 * on localhost (a few lines of node:http, so nothing but the build is served), and open it in Debian's
 * Chromium, headless, through playwright-core — on its WebGPU adapter (SwiftShader), or with
 * `navigator.gpu` deleted before any script runs so the page takes its wasm fallback. Each browser
 * gets a fresh profile. Test support, not part of the page.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LessonState } from '../src/main.js';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Builds the page into `outDir` (vite build, the example's own config). */
export async function buildPage(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 at a free port; paths outside it are refused. */
export async function serve(dir: string): Promise<StaticServer> {
  const root = normalize(dir + sep);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface PageRun {
  readonly state: LessonState;
  /** Console errors and page errors, for the failure message. */
  readonly errors: readonly string[];
}

/** Opens the page, waits until the lesson is done or failed (or `timeoutMs`), and returns its state. */
export async function runPage(url: string, options: { hideWebGpu: boolean; timeoutMs: number; screenshot?: string }): Promise<PageRun> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'repurpose-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 800, height: 900 } });
  const errors: string[] = [];
  try {
    // Before any of the page's scripts: the getter lives on Navigator.prototype.
    if (options.hideWebGpu) await context.addInitScript(() => void delete (Navigator.prototype as { gpu?: unknown }).gpu);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => window.__lesson !== undefined && window.__lesson.status !== 'running', undefined, { timeout: options.timeoutMs, polling: 250 });
    const state = await page.evaluate(() => window.__lesson);
    if (options.screenshot !== undefined) await page.screenshot({ path: options.screenshot, fullPage: true });
    return { state, errors };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
