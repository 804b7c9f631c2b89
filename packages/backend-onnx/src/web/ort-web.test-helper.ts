/**
 * Test helper: onnxruntime-web (the devDependency, 1.30.0) as the injected ORT module in Node, on its
 * wasm execution provider — the build browsers run — with one wasm thread (no worker pool: tests stay
 * deterministic and do not compete with the other test files for cores). Not part of the package.
 */
import * as ortWeb from 'onnxruntime-web';
import { createOnnxBackend } from '../backend.js';
import type { OrtModule } from '../ort-module.js';

ortWeb.env.wasm.numThreads = 1;

export const ORT_WEB = ortWeb as unknown as OrtModule;

export const webBackend = () => createOnnxBackend({ ort: ORT_WEB, executionProviders: ['wasm'] });
