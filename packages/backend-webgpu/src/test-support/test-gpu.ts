/**
 * The adapter the test suites run on. Where the repository's lavapipe is installed
 * (tools/webgpu/install-lavapipe.sh writes .tmp/lavapipe/lvp_icd.json) and VK_ICD_FILENAMES is unset,
 * it is selected — the Vulkan loader reads the variable when Dawn creates its instance, so setting it
 * here, before the first request, is enough. Where no adapter can be had the suites skip and print
 * this reason. Test support only; not exported from the package.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type WebGpuBackend, createWebGpuBackend } from '../backend.js';
import type { NodeAdapterKind } from '../device/node-gpu.js';

function findIcd(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const icd = join(dir, '.tmp', 'lavapipe', 'lvp_icd.json');
    if (existsSync(icd)) return icd;
    dir = dirname(dir);
  }
  return null;
}

export type TestGpu = { readonly backend: WebGpuBackend; readonly skip: null } | { readonly backend: null; readonly skip: string };

export async function testGpu(adapter: NodeAdapterKind = 'default'): Promise<TestGpu> {
  if (adapter === 'default' && process.env.VK_ICD_FILENAMES === undefined) {
    const icd = findIcd();
    if (icd !== null) process.env.VK_ICD_FILENAMES = icd;
  }
  try {
    return { backend: await createWebGpuBackend({ adapter }), skip: null };
  } catch (error) {
    const skip = `webgpu ${adapter} adapter unavailable: ${(error as Error).message}`;
    console.log(`skipped: ${skip}`);
    return { backend: null, skip };
  }
}
