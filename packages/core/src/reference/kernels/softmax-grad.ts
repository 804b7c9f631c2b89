/**
 * softmaxGrad and logSoftmaxGrad (fused): per fibre along the axis, in doubles, rounded once —
 * y·(dy − Σ dy·y) and dy − exp(y)·Σ dy, y the forward output.
 */
import { allocateArray } from '../../engine/dtype.js';
import type { HostTensor } from '../../engine/host-tensor.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';

function alongAxis(y: HostTensor, dy: HostTensor, axis: number, dtype: HostTensor['dtype'], f: (y: Float64Array, dy: Float64Array) => void) {
  const n = y.shape[axis]!;
  const inner = sizeOf(y.shape.slice(axis + 1));
  const outer = sizeOf(y.shape.slice(0, axis));
  const result = allocateArray(dtype, y.data.length);
  const fy = new Float64Array(n);
  const fd = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) {
        fy[j] = y.data[base + j * inner]!;
        fd[j] = dy.data[base + j * inner]!;
      }
      f(fy, fd);
      for (let j = 0; j < n; j++) result[base + j * inner] = fd[j]!;
    }
  }
  return result;
}

export const softmaxGradKernel: Kernel<'softmaxGrad'> = (inputs, attrs, out) =>
  alongAxis(arg(inputs, 0), arg(inputs, 1), attrs.axis, out.dtype, (y, dy) => {
    let inner = 0;
    for (let j = 0; j < y.length; j++) inner += dy[j]! * y[j]!;
    for (let j = 0; j < y.length; j++) dy[j] = y[j]! * (dy[j]! - inner);
  });

export const logSoftmaxGradKernel: Kernel<'logSoftmaxGrad'> = (inputs, attrs, out) =>
  alongAxis(arg(inputs, 0), arg(inputs, 1), attrs.axis, out.dtype, (y, dy) => {
    let total = 0;
    for (let j = 0; j < y.length; j++) total += dy[j]!;
    for (let j = 0; j < y.length; j++) dy[j] = dy[j]! - Math.exp(y[j]!) * total;
  });
