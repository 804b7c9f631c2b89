/** compare: a0 <cmp> a1 as i32 0/1, broadcasting; inputs may be f32 or i32. */
import type { Comparison } from '@repurpose/core/engine';
import { elementwise } from './kernel.js';

const OPERATOR: { readonly [C in Comparison]: string } = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

export const compareKernel = elementwise<'compare'>((node) => `select(0i, 1i, a0 ${OPERATOR[node.attrs.cmp]} a1)`);
