/**
 * A freshly initialised model of any family (GPT-NeoX, or Llama-family through model-family.ts), as
 * Hugging Face's `_init_weights` does it: Linear and embedding weights N(0, std²) (std =
 * initializer_range, 0.02), biases 0, LayerNorm / RMSNorm weights 1 (q_norm, k_norm and norm too) and
 * LayerNorm biases 0. For tests, demos and benchmarks that need a model and have no pretrained
 * weights (none are reachable here). Seeded (mulberry32 + Box–Muller), so not torch's draws.
 *
 * Not a pre-training initialiser (no scaled residual init) and not a checkpoint loader.
 */
import type { ModelArchitecture } from '../catalog/architecture.js';
import type { FloatDType } from '../engine/dtype.js';
import { type HostTensor, hostTensor } from '../engine/host-tensor.js';
import { seededRandom } from '../engine/seeded-random.js';
import { sizeOf } from '../engine/shape.js';
import { modelFamily } from '../model/model-family.js';

export interface RandomParametersOptions {
  readonly seed?: number;
  /** Default 0.02 (HF's initializer_range). */
  readonly std?: number;
  /** Default f32. */
  readonly dtype?: FloatDType;
}

/** Named for the family it was written for; it initialises every family (see the header). */
export function randomGptNeoXParameters(arch: ModelArchitecture, options: RandomParametersOptions = {}): Map<string, HostTensor> {
  const random = seededRandom(options.seed ?? 0);
  const std = options.std ?? 0.02;
  const out = new Map<string, HostTensor>();
  for (const p of modelFamily(arch).parameters(arch)) {
    const values = new Float64Array(sizeOf(p.shape));
    const isNorm = /(layernorm|layer_norm|norm)\.(weight|bias)$/.test(p.name);
    if (isNorm && p.name.endsWith('.weight')) values.fill(1);
    else if (!isNorm && p.name.endsWith('.weight')) {
      for (let i = 0; i < values.length; i++) {
        const u = 1 - random(); // (0, 1]: the log stays finite
        values[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
      }
    }
    out.set(p.name, hostTensor(options.dtype ?? 'f32', p.shape, values));
  }
  return out;
}
