/** tanh, with the argument clamped to ±20 (tanh is ±1 in f32 there) because some drivers compute it through exp and overflow to NaN. */
import { elementwise } from './kernel.js';

export const tanhKernel = elementwise<'tanh'>(() => 'tanh(clamp(a0, -20.0, 20.0))');
