/** where: a1 where a0 ≠ 0, else a2, broadcasting all three; the condition may be i32 or f32. */
import { elementwise, input } from './kernel.js';

export const whereKernel = elementwise<'where'>((_, inputs) => `select(a2, a1, a0 != ${input(inputs, 0, 'where').dtype === 'i32' ? '0i' : '0.0'})`);
