/**
 * Validation of the embedding-head options shared by the training and embedding graphs (pooling,
 * inverse temperature), so both reject the same bad values with the same message. Not the head itself
 * (pooling.ts, info-nce.ts).
 */
import { z } from 'zod';
import { expect } from '../validate.js';
import { DEFAULT_INVERSE_TEMPERATURE } from './info-nce.js';

export const HeadOptionsSchema = z.object({
  pooling: z.enum(['mean', 'last'], expect('"mean" or "last"')).default('mean'),
  inverseTemperature: z
    .number(expect('a positive finite number'))
    .refine((x) => Number.isFinite(x) && x > 0, { error: 'a positive finite number' })
    .default(DEFAULT_INVERSE_TEMPERATURE),
});
