/**
 * `@repurpose/core/testing`: what a backend package needs to prove it conforms — the conformance
 * suite as data (`conformanceCases`), the golden fixtures' loader, per-dtype tolerances, an async
 * finite-difference `gradCheckOn`, and two test backends: `countingBackend` (reference arithmetic,
 * resident handles, every host↔device byte counted) and `trackResidentTensors` (wraps any backend to
 * assert that everything was released). No test-runner dependency: cases are async functions that throw.
 */
export { type ConformanceCase, type ConformanceOptions, ConformanceFailure, conformanceCases } from './conformance.js';
export { type CountingBackend, type CountingBackendOptions, type Transfer, type TransferDirection, countingBackend } from './counting-backend.js';
export { type FixtureSource, type GoldenFixtures, type GoldenManifest, type GoldenMethod, loadGoldenFixtures, nodeFixtureSource } from './fixtures.js';
export { type KernelCase, type Literal, type OpLiteralCheck, OP_LITERAL_CASES, literalGraph, opLiteralCases } from './op-cases.js';
export { type Tolerance, TOLERANCES, scaledError } from './tolerance.js';
export { type TrackedBackend, trackResidentTensors } from './tracking-backend.js';
export { gradCheckOn } from '../engine/grad-check.js';
export { type GradCase, type InputSpec, type Values, GRAD_RULE_CASES, NO_GRADIENT, gradRuleGraph } from './grad-rule-cases.js';
