/** The buffer plan on its own: reuse from liveness, never aliasing a step's inputs, pinned outputs kept. */
import { describe, expect, it } from 'vitest';
import { type PlanStep, planBuffers } from './buffer-plan.js';

const step = (output: string, reads: string[], outputBytes = 16, scratchBytes: number[] = []): PlanStep => ({ output, outputBytes, reads, scratchBytes });

describe('planBuffers', () => {
  it('a chain of equal-sized values ping-pongs between two buffers', () => {
    const plan = planBuffers([step('a', ['x']), step('b', ['a']), step('c', ['b']), step('d', ['c'])], new Set(['d']));
    expect(plan.slots).toHaveLength(2);
    for (const [v, r] of [['b', 'a'], ['c', 'b'], ['d', 'c']] as const) expect(plan.valueSlot.get(v)).not.toBe(plan.valueSlot.get(r));
  });

  it('a value read later is not overwritten before its last use', () => {
    const plan = planBuffers([step('a', ['x']), step('b', ['a']), step('c', ['b']), step('d', ['a', 'c'])], new Set(['d']));
    const slotA = plan.valueSlot.get('a');
    expect(plan.valueSlot.get('b')).not.toBe(slotA);
    expect(plan.valueSlot.get('c')).not.toBe(slotA);
    expect(plan.slots).toHaveLength(3);
  });

  it('pinned outputs are never reused', () => {
    // b dies unread, so c may take b's buffer — but never a's, although a's last reader has run.
    const plan = planBuffers([step('a', ['x']), step('b', ['a']), step('c', ['x']), step('d', ['c'])], new Set(['a', 'c', 'd']));
    const slot = (v: string) => plan.valueSlot.get(v);
    expect(slot('b')).not.toBe(slot('a'));
    expect(slot('c')).not.toBe(slot('a'));
    expect(slot('d')).not.toBe(slot('a'));
    expect(slot('d')).not.toBe(slot('c'));
  });

  it('reuse is best-fit and a smaller buffer never holds a larger value', () => {
    const plan = planBuffers([step('big', ['x'], 64), step('small', ['x'], 8), step('mid', ['big', 'small'], 16), step('out', ['mid'], 8)], new Set(['out']));
    const slots = plan.slots;
    for (const [v, bytes] of [['big', 64], ['small', 8], ['mid', 16], ['out', 8]] as const) expect(slots[plan.valueSlot.get(v)!]!).toBeGreaterThanOrEqual(bytes);
    // out (8 bytes) takes the freed 8-byte buffer of `small`, not the 64-byte one.
    expect(plan.valueSlot.get('out')).toBe(plan.valueSlot.get('small'));
  });

  it('scratch buffers are distinct from the step output and return to the pool after the step', () => {
    const plan = planBuffers([step('a', ['x'], 16, [32]), step('b', ['a'], 32)], new Set(['b']));
    expect(plan.scratchSlots[0]).toHaveLength(1);
    expect(plan.scratchSlots[0]![0]).not.toBe(plan.valueSlot.get('a'));
    expect(plan.valueSlot.get('b')).toBe(plan.scratchSlots[0]![0]);
  });
});
