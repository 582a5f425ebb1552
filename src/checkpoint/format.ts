/**
 * The checkpoint format: file names, version, the manifest's shape (checkpoint.json) and the one
 * error every checkpoint problem is reported with. See ./index.ts for the layout on disk.
 */
import type { VaeConfig, Vae } from "../vae/types";

export const CHECKPOINT_FORMAT = "vae-lab-checkpoint";
/** Bump when the layout changes in a way version-1 readers would misread. */
export const CHECKPOINT_VERSION = 1;
export const MANIFEST_FILE = "checkpoint.json";
export const WEIGHTS_FILE = "weights.bin";

export interface CheckpointVariable {
  /** The model's stable name for it, e.g. "decoder/out/w". */
  name: string;
  shape: number[];
  dtype: "float32";
  /** Where its values sit in weights.bin. */
  byteOffset: number;
  byteLength: number;
}

/** The contents of checkpoint.json. */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  /** ISO 8601 time of the save. */
  createdAt: string;
  config: VaeConfig;
  variables: CheckpointVariable[];
  weightsByteLength: number;
  /** Hex SHA-256 of weights.bin: catches a corrupt or swapped weights file. */
  weightsSha256: string;
  /** Training history, e.g. `TrainResult.history`. */
  history: unknown[];
  /** Free-form, JSON-safe: backend, seed, data source, hyperparameters, training seconds, … */
  meta: Record<string, unknown>;
}

/** What `readCheckpointInfo` returns: everything but the weights (cheap; builds no model). */
export type CheckpointInfo = Pick<CheckpointManifest, "config" | "history" | "meta" | "createdAt" | "formatVersion">;

export interface LoadedCheckpoint extends CheckpointInfo {
  model: Vae;
}

/** Every checkpoint problem: the message names the folder, the problem and the fix. */
export class CheckpointError extends Error {
  constructor(
    readonly dir: string,
    readonly problem: string,
    readonly fix = "Delete the folder, or train again with --retrain.",
  ) {
    super(`Checkpoint ${dir}: ${problem} ${fix}`);
    this.name = "CheckpointError";
  }
}
