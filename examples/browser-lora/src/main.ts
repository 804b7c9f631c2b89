/**
 * The page: picks a backend (backends.ts), runs the lesson (lesson.ts) with the tiny BPE tokenizer,
 * draws the loss live and the final embedding, and publishes the outcome on `window.__lesson` for the
 * end-to-end test (packages/backend-webgpu/test/browser-lora.test.ts). Not a framework app.
 */
import tokenizerConfig from '../../../packages/core/test/fixtures/text/tiny-bpe/tokenizer_config.json';
import tokenizerJson from '../../../packages/core/test/fixtures/text/tiny-bpe/tokenizer.json';
import { pickBackend } from './backends.js';
import { embeddingStrip, lossChart } from './charts.js';
import { LESSON, type LessonResult, runLesson } from './lesson.js';
import { PAIRS } from './pairs.js';

export interface LessonState {
  status: 'running' | 'done' | 'error';
  backend?: 'webgpu' | 'wasm';
  label?: string;
  fallbackReason?: string;
  losses: number[];
  result?: LessonResult;
  error?: string;
  seconds?: number;
}

declare global {
  interface Window {
    __lesson: LessonState;
  }
}

const el = <T extends Element>(id: string) => document.getElementById(id) as unknown as T;
const state: LessonState = { status: 'running', losses: [] };
window.__lesson = state;

async function main(): Promise<void> {
  const started = performance.now();
  const picked = await pickBackend(new URLSearchParams(location.search).get('backend') === 'wasm');
  Object.assign(state, { backend: picked.kind, label: picked.label, fallbackReason: picked.fallbackReason });
  el<HTMLElement>('backend').textContent = picked.label;
  if (picked.fallbackReason !== undefined) el<HTMLElement>('backend').title = `fallback: ${picked.fallbackReason}`;
  const chance = Math.log(LESSON.B);
  const chart = el<SVGSVGElement>('chart');
  chart.innerHTML = lossChart([], Math.floor(PAIRS.length / LESSON.B) * LESSON.epochs, chance);
  el<HTMLElement>('status').textContent = 'compiling…';
  const result = await runLesson({
    backend: picked.backend,
    tokenizerJson,
    tokenizerConfig,
    onStep: (step, total, loss) => {
      state.losses.push(loss);
      chart.innerHTML = lossChart(state.losses, total, chance);
      el<HTMLElement>('status').textContent = `step ${step} / ${total} · loss ${loss.toFixed(3)}`;
    },
  });
  state.seconds = (performance.now() - started) / 1000;
  const first = result.losses[0]!;
  const last = result.losses[result.losses.length - 1]!;
  const t = result.times;
  el<HTMLElement>('status').textContent = `done · loss ${first.toFixed(3)} → ${last.toFixed(3)}`;
  el<HTMLElement>('times').textContent =
    `${result.steps} steps in ${t.trainSeconds.toFixed(1)} s after compiling for ${t.compileSeconds.toFixed(1)} s; embedding ${t.embedSeconds.toFixed(1)} s; ${state.seconds.toFixed(1)} s in all.`;
  el<HTMLElement>('query').textContent = result.query;
  el<HTMLElement>('norm').textContent = `${result.embedding.length} dimensions, unit length`;
  el<SVGSVGElement>('embedding').innerHTML = embeddingStrip(result.embedding);
  el<HTMLElement>('values').textContent = `[${result.embedding.slice(0, 8).map((v) => v.toFixed(4)).join(', ')}, …]`;
  picked.backend.dispose();
  state.result = result;
  state.status = 'done';
}

main().catch((error: unknown) => {
  state.status = 'error';
  state.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const status = el<HTMLElement>('status');
  status.textContent = state.error;
  status.classList.add('error');
  console.error(error);
});
