/**
 * Test helper: onnxruntime-node (the devDependency) as the injected ORT module, with telemetry off,
 * and a backend on it at 2 threads. Not part of the package.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';
import * as ort from 'onnxruntime-node';
import { createOnnxBackend } from './backend.js';
import type { OrtModule } from './ort-module.js';

export const ORT = ort as unknown as OrtModule;

export const testBackend = (threads = 2) => createOnnxBackend({ ort: ORT, threads });
