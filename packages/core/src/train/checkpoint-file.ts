/**
 * Node helpers for trainer checkpoints: write atomically (temporary file, then rename, through
 * `writeSafetensorsFile`) and read back with every check of `decodeTrainerCheckpoint`, errors naming
 * the path. Kept apart from checkpoint.ts so the core entry never imports node:fs; export from
 * `@repurpose/core/node`. Not a checkpoint manager (no rotation, no "latest" pointer).
 */
import { readFile } from 'node:fs/promises';
import { writeSafetensorsFile } from '../io/safetensors-file.js';
import { type TrainerCheckpoint, decodeTrainerCheckpoint, trainerCheckpointContents } from './checkpoint.js';

export async function writeTrainerCheckpointFile(path: string, checkpoint: TrainerCheckpoint): Promise<void> {
  const { tensors, metadata } = trainerCheckpointContents(checkpoint);
  await writeSafetensorsFile(path, tensors, metadata);
}

export async function readTrainerCheckpointFile(path: string): Promise<TrainerCheckpoint> {
  const bytes = await readFile(path);
  try {
    return decodeTrainerCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  } catch (error) {
    if (error instanceof Error && !error.message.includes(path)) error.message = `${path}: ${error.message}`;
    throw error;
  }
}
