/**
 * Peak dense (no structured sparsity) tensor throughput of common accelerators, in FLOP/s per dtype,
 * from the vendors' datasheets (sources in docs/budgets.md). Used only to turn GPU-hours into FLOP;
 * real throughput is peak × MFU, and MFU is the user's to state.
 */
import { ValidationError } from '../errors.js';
export type Dtype = 'fp32' | 'tf32' | 'bf16' | 'fp16' | 'fp8';

export interface GpuSpec {
  readonly name: string;
  readonly description: string;
  /** Peak dense FLOP/s by dtype; a dtype the GPU lacks is absent. */
  readonly peakFlops: Partial<Record<Dtype, number>>;
}

const T = 1e12;

export const GPUS = {
  H100: { name: 'H100', description: 'NVIDIA H100 SXM5 80GB', peakFlops: { fp32: 66.9 * T, tf32: 494.7 * T, bf16: 989.4 * T, fp16: 989.4 * T, fp8: 1978.9 * T } },
  'H100-PCIE': { name: 'H100-PCIE', description: 'NVIDIA H100 PCIe 80GB', peakFlops: { fp32: 51.2 * T, tf32: 378 * T, bf16: 756 * T, fp16: 756 * T, fp8: 1513 * T } },
  H200: { name: 'H200', description: 'NVIDIA H200 SXM 141GB', peakFlops: { fp32: 66.9 * T, tf32: 494.7 * T, bf16: 989.4 * T, fp16: 989.4 * T, fp8: 1978.9 * T } },
  B200: { name: 'B200', description: 'NVIDIA B200 (HGX)', peakFlops: { tf32: 1100 * T, bf16: 2250 * T, fp16: 2250 * T, fp8: 4500 * T } },
  A100: { name: 'A100', description: 'NVIDIA A100 SXM4/PCIe (40 or 80GB)', peakFlops: { fp32: 19.5 * T, tf32: 156 * T, bf16: 312 * T, fp16: 312 * T } },
  V100: { name: 'V100', description: 'NVIDIA V100 SXM2', peakFlops: { fp32: 15.7 * T, fp16: 125 * T } },
  L40S: { name: 'L40S', description: 'NVIDIA L40S', peakFlops: { fp32: 91.6 * T, tf32: 183 * T, bf16: 362.05 * T, fp16: 362.05 * T, fp8: 733 * T } },
  L4: { name: 'L4', description: 'NVIDIA L4', peakFlops: { fp32: 30.3 * T, tf32: 60 * T, bf16: 121 * T, fp16: 121 * T, fp8: 242.5 * T } },
  A10: { name: 'A10', description: 'NVIDIA A10', peakFlops: { fp32: 31.2 * T, tf32: 62.5 * T, bf16: 125 * T, fp16: 125 * T } },
  T4: { name: 'T4', description: 'NVIDIA T4', peakFlops: { fp32: 8.1 * T, fp16: 65 * T } },
  RTX4090: { name: 'RTX4090', description: 'NVIDIA GeForce RTX 4090 (FP32 accumulate)', peakFlops: { fp32: 82.6 * T, tf32: 82.6 * T, bf16: 165.2 * T, fp16: 165.2 * T, fp8: 330.3 * T } },
  MI300X: { name: 'MI300X', description: 'AMD Instinct MI300X', peakFlops: { fp32: 163.4 * T, tf32: 653.7 * T, bf16: 1307.4 * T, fp16: 1307.4 * T, fp8: 2614.9 * T } },
} as const satisfies Record<string, GpuSpec>;

export type GpuName = keyof typeof GPUS;
export const GPU_NAMES = Object.keys(GPUS) as readonly GpuName[];

/** Case- and punctuation-insensitive lookup: `h100`, `H100`, `rtx-4090` all resolve. */
export function findGpu(name: string): GpuSpec | undefined {
  if (typeof name !== 'string') throw new ValidationError('gpu', name, `a GPU name (${GPU_NAMES.join(', ')})`);
  const key = normalise(name);
  return (Object.values(GPUS) as GpuSpec[]).find((g) => normalise(g.name) === key);
}

const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
