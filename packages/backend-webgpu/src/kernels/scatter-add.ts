/**
 * scatterAdd: zeros [rows, …] with updates[i] added to row ids[i] — the adjoint of gather.
 *
 * Deterministic, without atomics. WGSL has no float atomics (a compare-and-swap loop on u32 bits
 * would work, but its summation order — and so the rounding — would change from run to run, and
 * training runs should be reproducible). Three passes instead:
 * 1. zero the output;
 * 2. link: for each position i, next[i] = the smallest j > i with ids[j] = ids[i] (or n), and
 *    head[i] = 1 when no earlier position has the same id — O(n) per position, O(n²) in all over the
 *    ids only (n = batch × tokens, a few thousand: cheap next to the row work);
 * 3. accumulate: for each head i and column c, follow the chain i → next[i] → … and write the sum
 *    into row ids[i]. Total work O(n · width), each output written by exactly one invocation, and
 *    the sum runs in increasing position order, the reference backend's order.
 * Out-of-range ids are skipped (ids fed from the host are range-checked before the run).
 */
import { computeType, load, store, wgslDType } from '../wgsl/dtype.js';
import { linearEntry, storage, uniformBlock } from '../wgsl/indexing.js';
import { type WgslDType, linearDispatch, program, uniforms } from '../wgsl/program.js';
import { fillPass } from './fill.js';
import { input, type WebGpuKernel } from './kernel.js';

export interface ScatterLinkSpec {
  readonly kind: 'scatter-link';
}
export interface ScatterSumSpec {
  readonly kind: 'scatter-sum';
  readonly dtype: WgslDType;
}

export function scatterLinkWgsl(_: ScatterLinkSpec): string {
  // slots: 0 n; scratch: next[0..n), head[n..2n)
  return [
    uniformBlock(1),
    storage(1, 'links', 'i32', 'read_write'),
    storage(2, 'ids', 'i32', 'read'),
    linearEntry(
      0,
      [
        '  let n = p(0u);',
        '  let id = ids[idx];',
        '  var next = i32(n);',
        '  for (var j = idx + 1u; j < n; j = j + 1u) { if (ids[j] == id) { next = i32(j); break; } }',
        '  var head = 1i;',
        '  for (var j = 0u; j < idx; j = j + 1u) { if (ids[j] == id) { head = 0i; break; } }',
        '  links[idx] = next;',
        '  links[n + idx] = head;',
      ].join('\n'),
    ),
  ].join('\n');
}

export function scatterSumWgsl(s: ScatterSumSpec): string {
  // slots: 0 n·width, 1 width, 2 rows, 3 n
  return [
    uniformBlock(4),
    storage(1, 'out', s.dtype, 'read_write'),
    storage(2, 'updates', s.dtype, 'read'),
    storage(3, 'ids', 'i32', 'read'),
    storage(4, 'links', 'i32', 'read'),
    linearEntry(
      0,
      [
        '  let width = p(1u);',
        '  let n = p(3u);',
        '  let i = idx / width;',
        '  let c = idx % width;',
        '  let id = ids[i];',
        '  if (links[n + i] == 0i || id < 0i || u32(id) >= p(2u)) { return; }',
        `  var acc = ${computeType(s.dtype)}(0);`,
        '  var k = i;',
        '  loop {',
        `    acc = acc + ${load(s.dtype, 'updates[k * width + c]')};`,
        '    let next = links[k];',
        '    if (next >= i32(n)) { break; }',
        '    k = u32(next);',
        '  }',
        `  out[u32(id) * width + c] = ${store(s.dtype, 'acc')};`,
      ].join('\n'),
    ),
  ].join('\n');
}

export const scatterAddKernel: WebGpuKernel<'scatterAdd'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'scatterAdd dtype');
  const n = input(inputs, 0, 'scatterAdd').shape.reduce((a, d) => a * d, 1);
  const width = node.type.shape.slice(1).reduce((a, d) => a * d, 1);
  const passes = [fillPass(node.type.shape, dtype, 0)];
  if (n > 0 && width > 0) {
    passes.push(
      {
        program: program({ kind: 'scatter-link' } satisfies ScatterLinkSpec, scatterLinkWgsl),
        uniforms: uniforms([n]),
        bindings: [{ kind: 'scratch', index: 0 }, { kind: 'input', index: 0 }],
        dispatch: linearDispatch(n),
      },
      {
        program: program({ kind: 'scatter-sum', dtype } satisfies ScatterSumSpec, scatterSumWgsl),
        uniforms: uniforms([n * width, width, node.attrs.rows, n]),
        bindings: [{ kind: 'output' }, { kind: 'input', index: 1 }, { kind: 'input', index: 0 }, { kind: 'scratch', index: 0 }],
        dispatch: linearDispatch(n * width),
      },
    );
  }
  return { kind: 'dispatch', passes, scratchBytes: [Math.max(8, 8 * n)] };
};
