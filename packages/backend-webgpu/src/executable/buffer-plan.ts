/**
 * The buffer plan: which device buffer each intermediate value lives in, decided once at compile time
 * from liveness. Steps run in graph order; a step's output and scratch buffers are taken before its
 * dead inputs are returned, so a kernel never reads and writes the same buffer. Free buffers are reused
 * best-fit (the smallest one large enough), and a buffer never grows, so a run allocates nothing.
 * Values in `pinned` (graph outputs) are never returned to the pool.
 *
 * Pure: no device here, so the plan is unit-tested on its own. Graph inputs and constants are not
 * planned (they own their buffers for the executable's life).
 */
export interface PlanStep {
  /** The value the step produces, or null for a step with no pooled output. */
  readonly output: string | null;
  readonly outputBytes: number;
  readonly reads: readonly string[];
  readonly scratchBytes: readonly number[];
}

export interface BufferPlan {
  /** Byte size of every pooled buffer. */
  readonly slots: readonly number[];
  readonly valueSlot: ReadonlyMap<string, number>;
  /** The slot of each step's scratch buffers. */
  readonly scratchSlots: readonly (readonly number[])[];
}

export function planBuffers(steps: readonly PlanStep[], pinned: ReadonlySet<string>): BufferPlan {
  const lastUse = new Map<string, number>();
  steps.forEach((step, i) => step.reads.forEach((v) => lastUse.set(v, i)));
  const slots: number[] = [];
  const free: number[] = [];
  const valueSlot = new Map<string, number>();
  const take = (bytes: number): number => {
    let best = -1;
    for (let j = 0; j < free.length; j++) {
      const size = slots[free[j]!]!;
      if (size >= bytes && (best < 0 || size < slots[free[best]!]!)) best = j;
    }
    if (best >= 0) return free.splice(best, 1)[0]!;
    slots.push(bytes);
    return slots.length - 1;
  };
  const scratchSlots = steps.map((step, i) => {
    if (step.output !== null) valueSlot.set(step.output, take(step.outputBytes));
    const scratch = step.scratchBytes.map(take);
    free.push(...scratch);
    const dying = new Set(step.reads.filter((v) => lastUse.get(v) === i));
    if (step.output !== null && !lastUse.has(step.output)) dying.add(step.output);
    for (const v of dying) {
      const slot = valueSlot.get(v);
      if (slot !== undefined && !pinned.has(v)) free.push(slot);
    }
    return scratch;
  });
  return { slots, valueSlot, scratchSlots };
}
