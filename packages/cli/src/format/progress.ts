/**
 * The training progress line for a terminal: one line on stderr rewritten in place (carriage
 * return, clear to end of line) — step of total, loss, pairs per second, FLOP spent of the budget,
 * ETA — at most ten times a second. Only used when stderr is a TTY; pipes and logs get nothing.
 * Not a logger.
 */
import { sci } from './numbers.js';

export interface ProgressLine {
  step(event: { step: number; totalSteps: number; loss: number | undefined; pairs: number; flopUsed: number }, budget: number | null, elapsed: number): void;
  note(text: string): void;
  done(): void;
}

export function progressLine(stream: NodeJS.WriteStream): ProgressLine {
  let last = 0;
  let shown = false;
  let firstPairs: number | undefined;
  let firstStep = 0;
  const write = (text: string) => {
    stream.write(`\r${text}\x1b[K`);
    shown = true;
  };
  return {
    step(e, budget, elapsed) {
      if (firstPairs === undefined) ((firstPairs = e.pairs), (firstStep = e.step));
      const now = Date.now();
      if (now - last < 100 && e.step < e.totalSteps) return;
      last = now;
      const rate = elapsed > 0 ? (e.pairs - firstPairs) / elapsed : 0;
      const perStep = e.step > firstStep ? elapsed / (e.step - firstStep) : 0;
      const eta = perStep * (e.totalSteps - e.step);
      const flop = budget === null ? `FLOP ${sci(e.flopUsed)}` : `FLOP ${sci(e.flopUsed)} of ${sci(budget)} (${((100 * e.flopUsed) / budget).toFixed(0)}%)`;
      write(`step ${e.step}/${e.totalSteps}  loss ${e.loss === undefined ? '—' : e.loss.toFixed(4)}  ${rate.toFixed(1)} pairs/s  ${flop}  ETA ${clock(eta)}`);
    },
    note(text) {
      write(text);
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
