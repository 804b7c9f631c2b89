/**
 * Budgets in the units people think in, and the three views every recipe reports.
 *
 *   FLOP       = GPU-hours × 3600 × peak(gpu, dtype) × MFU
 *   GPU-hours  = dollars / price per GPU-hour
 *
 * A budget may be given as a number (FLOP), `{ flop }`, `{ gpuHours, gpu, mfu?, dtype? }` or
 * `{ dollars, pricePerGpuHour, gpu, mfu?, dtype? }`. Not a cloud price list: prices are the user's.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { formatCount } from '../format.js';
import { MAX_BUDGET_FLOP } from '../flops/units.js';
import { expect, positiveNumber, validate } from '../validate.js';
import { type Dtype, findGpu, GPU_NAMES, type GpuSpec } from './gpus.js';

/** Model FLOP utilisation assumed when none is given: a typical well-tuned fine-tuning run. */
export const DEFAULT_MFU = 0.4;
export const DEFAULT_DTYPE: Dtype = 'bf16';
/**
 * The hardware the FLOP and dollar views are expressed on when the budget did not name any. An
 * illustrative assumption, not a quote: pass `hardware` to plan with your own GPU and price.
 */
export const DEFAULT_HARDWARE = { gpu: 'H100', mfu: DEFAULT_MFU, dtype: DEFAULT_DTYPE, pricePerGpuHour: 3 } as const;

const DtypeSchema = z.enum(['fp32', 'tf32', 'bf16', 'fp16', 'fp8'], expect('one of fp32, tf32, bf16, fp16, fp8'));
const MfuSchema = z.number(expect('an MFU in (0, 1]')).gt(0, expect('an MFU in (0, 1]')).lte(1, expect('an MFU in (0, 1]')).refine(Number.isFinite, expect('an MFU in (0, 1]'));
/** A GPU-hour costs dollars, not 10^6 of them: a larger price is a unit mistake. */
export const MAX_PRICE_PER_GPU_HOUR = 1e6;
const price = positiveNumber('of dollars per GPU-hour').refine((p) => p <= MAX_PRICE_PER_GPU_HOUR, { error: `a positive number of dollars per GPU-hour, at most ${MAX_PRICE_PER_GPU_HOUR}` });
const GpuNameSchema = z.string(expect(`a GPU name (${GPU_NAMES.join(', ')})`));

export const HardwareSchema = z
  .object({
    gpu: GpuNameSchema,
    mfu: MfuSchema.default(DEFAULT_MFU),
    dtype: DtypeSchema.default(DEFAULT_DTYPE),
    pricePerGpuHour: price.optional(),
  })
  .strict();

const FlopBudgetSchema = z.object({ flop: positiveNumber('of FLOP') }).strict();
const GpuHoursBudgetSchema = z
  .object({ gpuHours: positiveNumber('of GPU-hours'), gpu: GpuNameSchema, mfu: MfuSchema.default(DEFAULT_MFU), dtype: DtypeSchema.default(DEFAULT_DTYPE), pricePerGpuHour: price.optional() })
  .strict();
const DollarBudgetSchema = z
  .object({ dollars: positiveNumber('of dollars'), pricePerGpuHour: price, gpu: GpuNameSchema, mfu: MfuSchema.default(DEFAULT_MFU), dtype: DtypeSchema.default(DEFAULT_DTYPE) })
  .strict();
const BUDGET_FORMS = 'a positive finite number of FLOP, or { flop }, { gpuHours, gpu, mfu? } or { dollars, pricePerGpuHour, gpu, mfu? }';

/** Every accepted form of a budget. */
export const BudgetSchema = z.union([positiveNumber('of FLOP'), FlopBudgetSchema, GpuHoursBudgetSchema, DollarBudgetSchema], expect(BUDGET_FORMS));

/** Picks the one form a value claims to be, so an error speaks of that form's field, not of all four. */
function budgetFormOf(value: unknown): z.ZodType | undefined {
  if (typeof value === 'number') return positiveNumber('of FLOP');
  if (value === null || typeof value !== 'object') return undefined;
  if ('flop' in value) return FlopBudgetSchema;
  if ('gpuHours' in value) return GpuHoursBudgetSchema;
  if ('dollars' in value) return DollarBudgetSchema;
  return undefined;
}

export type Budget = z.input<typeof BudgetSchema>;
export type Hardware = z.input<typeof HardwareSchema>;

export interface ResolvedHardware {
  readonly gpu: GpuSpec;
  readonly mfu: number;
  readonly dtype: Dtype;
  readonly pricePerGpuHour: number | undefined;
  /** Which numbers were defaults, not the user's. */
  readonly assumed: readonly ('gpu' | 'mfu' | 'pricePerGpuHour')[];
  /** Achieved FLOP/s = peak × MFU. */
  readonly flopsPerSecond: number;
}

/** What a budget amounts to in each unit, on the stated hardware. */
export interface BudgetViews {
  readonly flop: number;
  readonly gpuHours: number;
  readonly dollars: number;
  readonly hardware: { readonly gpu: string; readonly mfu: number; readonly dtype: Dtype; readonly pricePerGpuHour: number };
  /** Which of the hardware numbers are DEFAULT_HARDWARE's assumptions rather than the user's. */
  readonly assumed: readonly ('gpu' | 'mfu' | 'pricePerGpuHour')[];
}

/** Validates hardware; `undefined` means DEFAULT_HARDWARE, with every number marked as assumed. */
export function resolveHardware(hardware: unknown, field = 'hardware'): ResolvedHardware {
  if (hardware === undefined) {
    const d = DEFAULT_HARDWARE;
    return { ...hardwareFrom(d.gpu, d.mfu, d.dtype, d.pricePerGpuHour, field), assumed: ['gpu', 'mfu', 'pricePerGpuHour'] };
  }
  const h = validate(HardwareSchema, hardware, field);
  // The schema fills in a default MFU, so whether the user gave one is read off the raw input.
  const mfuGiven = (hardware as { mfu?: unknown }).mfu;
  return { ...hardwareFrom(h.gpu, h.mfu, h.dtype, h.pricePerGpuHour, field), assumed: assumedOf(mfuGiven, h.pricePerGpuHour) };
}

const assumedOf = (mfu: unknown, price: number | undefined) =>
  [...(mfu === undefined ? (['mfu'] as const) : []), ...(price === undefined ? (['pricePerGpuHour'] as const) : [])];

function hardwareFrom(gpuName: string, mfu: number, dtype: Dtype, price: number | undefined, field: string): Omit<ResolvedHardware, 'assumed'> {
  const gpu = findGpu(gpuName);
  if (!gpu) throw new ValidationError(`${field}.gpu`, gpuName, `a known GPU (${GPU_NAMES.join(', ')})`);
  const peak = gpu.peakFlops[dtype];
  if (peak === undefined) {
    throw new ValidationError(`${field}.dtype`, dtype, `a dtype ${gpu.name} supports (${Object.keys(gpu.peakFlops).join(', ')})`);
  }
  return { gpu, mfu, dtype, pricePerGpuHour: price, flopsPerSecond: peak * mfu };
}

/**
 * Validates a budget and returns its FLOP and the hardware it was stated on (undefined for a FLOP
 * budget). Errors name `field` (`budget`, `budget.gpu`, ...).
 */
export function resolveBudget(budget: unknown, field = 'budget'): { flop: number; hardware: ResolvedHardware | undefined } {
  const form = budgetFormOf(budget);
  if (!form) throw new ValidationError(field, budget, BUDGET_FORMS);
  const b = validate(form, budget, field) as z.output<typeof BudgetSchema>;
  if (typeof b === 'number' || 'flop' in b) {
    const flop = typeof b === 'number' ? b : b.flop;
    if (flop > MAX_BUDGET_FLOP) throw new ValidationError(typeof b === 'number' ? field : `${field}.flop`, flop, `a budget of at most ${formatCount(MAX_BUDGET_FLOP)} FLOP`);
    return { flop, hardware: undefined };
  }
  const mfuGiven = (budget as { mfu?: unknown }).mfu;
  const hw: ResolvedHardware = { ...hardwareFrom(b.gpu, b.mfu, b.dtype, b.pricePerGpuHour, field), assumed: assumedOf(mfuGiven, b.pricePerGpuHour) };
  const gpuHours = 'gpuHours' in b ? b.gpuHours : b.dollars / b.pricePerGpuHour;
  const flop = gpuHours * 3600 * hw.flopsPerSecond;
  if (!(flop <= MAX_BUDGET_FLOP)) {
    const given = 'gpuHours' in b ? `${formatCount(b.gpuHours)} GPU-hours` : `$${formatCount(b.dollars)}`;
    throw new ValidationError(`${field}.${'gpuHours' in b ? 'gpuHours' : 'dollars'}`, 'gpuHours' in b ? b.gpuHours : b.dollars, `a budget of at most ${formatCount(MAX_BUDGET_FLOP)} FLOP (${given} on ${hw.gpu.name} at MFU ${hw.mfu} is ${formatCount(flop)} FLOP)`);
  }
  return { flop, hardware: hw };
}

/** The FLOP, GPU-hour and dollar views of `flop` on `hardware` (DEFAULT_HARDWARE's price if none). */
export function budgetViews(flop: number, hardware: ResolvedHardware): BudgetViews {
  validate(positiveNumber('of FLOP'), flop, 'flop');
  if (flop > MAX_BUDGET_FLOP) throw new ValidationError('flop', flop, `at most ${formatCount(MAX_BUDGET_FLOP)} FLOP`);
  if (hardware === null || typeof hardware !== 'object' || typeof hardware.flopsPerSecond !== 'number' || !hardware.gpu) {
    throw new ValidationError('hardware', hardware, 'resolved hardware (what resolveHardware returns)');
  }
  const gpuHours = flop / hardware.flopsPerSecond / 3600;
  const price = hardware.pricePerGpuHour ?? DEFAULT_HARDWARE.pricePerGpuHour;
  return {
    flop,
    gpuHours,
    dollars: gpuHours * price,
    hardware: { gpu: hardware.gpu.name, mfu: hardware.mfu, dtype: hardware.dtype, pricePerGpuHour: price },
    assumed: hardware.assumed,
  };
}
