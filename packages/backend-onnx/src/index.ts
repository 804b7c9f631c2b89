/**
 * @repurpose/backend-onnx — skeleton. The backend issue builds the real thing; until then this package
 * exports only its name so the workspace builds end to end. It deliberately claims no capability.
 */
export const BACKEND_NAME = 'onnx' as const;
