/**
 * Checkpoints: a model's weights, config and training history in a folder, in a versioned format.
 *
 *   <dir>/checkpoint.json   { format: "vae-lab-checkpoint", formatVersion: 1, config, variables: [{ name,
 *                             shape, offset, length }], weightsSha256, history, meta, createdAt }
 *   <dir>/weights.bin       float32 little-endian, variables one after another
 *
 * Saving writes both files under temporary names and renames them, weights first, so an interrupted
 * save never leaves a checkpoint that looks valid. Loading checks the format, the version, the weights'
 * size and SHA-256, and that every variable matches the model the config builds: a corrupt, truncated
 * or mismatched checkpoint is a clear error, never a silently wrong model.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { Vae, VaeConfig } from "./models/types";
import { createVae } from "./models/vae";
import { Rng } from "./random";

export const CHECKPOINT_FORMAT = "vae-lab-checkpoint";
export const CHECKPOINT_VERSION = 1;

interface Manifest {
  format: string;
  formatVersion: number;
  createdAt: string;
  config: VaeConfig;
  variables: { name: string; shape: number[]; offset: number; length: number }[];
  weightsSha256: string;
  history: unknown[];
  meta: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  model: Vae;
  config: VaeConfig;
  history: unknown[];
  meta: Record<string, unknown>;
  createdAt: string;
}

export class CheckpointError extends Error {
  constructor(readonly dir: string, problem: string, fix = "Delete the folder, or train again with --retrain.") {
    super(`Checkpoint ${dir}: ${problem} ${fix}`);
    this.name = "CheckpointError";
  }
}

/** Whether `dir` holds a checkpoint (both files present; validity is checked on load). */
export function checkpointExists(dir: string): boolean {
  return existsSync(join(dir, "checkpoint.json")) && existsSync(join(dir, "weights.bin"));
}

/** Saves `model` (and its history and free-form meta) to `dir`, replacing what was there. */
export async function saveCheckpoint(dir: string, what: { model: Vae; history?: unknown[]; meta?: Record<string, unknown> }): Promise<void> {
  const { model } = what;
  mkdirSync(dir, { recursive: true });
  const variables: Manifest["variables"] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < model.variables.length; i++) {
    const v = model.variables[i];
    const values = (await v.data()) as Float32Array;
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    chunks.push(Buffer.from(bytes)); // copy: the backend may reuse its memory
    variables.push({ name: model.variableNames[i], shape: v.shape, offset, length: values.length });
    offset += bytes.length;
  }
  const weights = Buffer.concat(chunks);
  const manifest: Manifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    config: model.config,
    variables,
    weightsSha256: createHash("sha256").update(weights).digest("hex"),
    history: what.history ?? [],
    meta: what.meta ?? {},
  };
  const tag = `${process.pid}.${Date.now()}.tmp`;
  writeFileSync(join(dir, `weights.bin.${tag}`), weights);
  writeFileSync(join(dir, `checkpoint.json.${tag}`), JSON.stringify(manifest, null, 1) + "\n");
  // Weights first: a crash between the renames leaves new weights with the old manifest, whose
  // checksum then fails — a clear error rather than a silently mixed model.
  renameSync(join(dir, `weights.bin.${tag}`), join(dir, "weights.bin"));
  renameSync(join(dir, `checkpoint.json.${tag}`), join(dir, "checkpoint.json"));
}

function readManifest(dir: string): Manifest {
  if (!existsSync(dir)) throw new CheckpointError(dir, "the folder does not exist.", "Train a model first (npm start).");
  const file = join(dir, "checkpoint.json");
  if (!existsSync(file)) throw new CheckpointError(dir, "checkpoint.json is missing.");
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CheckpointError(dir, `checkpoint.json is not valid JSON (${(err as Error).message}).`);
  }
  if (m === null || typeof m !== "object" || m.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(dir, `checkpoint.json is not a vae-lab checkpoint (format ${JSON.stringify((m as Manifest | null)?.format)}).`);
  }
  if (m.formatVersion > CHECKPOINT_VERSION) {
    throw new CheckpointError(dir, `it was written in format version ${m.formatVersion}, newer than this vae-lab reads (${CHECKPOINT_VERSION}).`, "Update vae-lab, or train again with --retrain.");
  }
  if (m.formatVersion !== CHECKPOINT_VERSION || !Array.isArray(m.variables) || typeof m.weightsSha256 !== "string" || !m.config) {
    throw new CheckpointError(dir, "checkpoint.json is incomplete (variables, weightsSha256 or config missing).");
  }
  return m;
}

/** Loads a checkpoint and rebuilds its model. Throws CheckpointError on any inconsistency. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const m = readManifest(dir);
  const weightsFile = join(dir, "weights.bin");
  if (!existsSync(weightsFile)) throw new CheckpointError(dir, "weights.bin is missing.");
  const weights = readFileSync(weightsFile);
  const expectedBytes = m.variables.reduce((s, v) => s + 4 * v.length, 0);
  if (weights.length !== expectedBytes) {
    throw new CheckpointError(dir, `weights.bin has ${weights.length} bytes, but checkpoint.json describes ${expectedBytes} (truncated or from another model).`);
  }
  if (createHash("sha256").update(weights).digest("hex") !== m.weightsSha256) {
    throw new CheckpointError(dir, "weights.bin does not match its SHA-256 in checkpoint.json: the file is corrupt.");
  }

  let model: Vae;
  try {
    model = createVae(m.config, new Rng(0));
  } catch (err) {
    throw new CheckpointError(dir, `its model config is invalid: ${(err as Error).message}`);
  }
  try {
    const byName = new Map(m.variables.map((v) => [v.name, v]));
    const extra = m.variables.filter((v) => !model.variableNames.includes(v.name)).map((v) => v.name);
    if (extra.length > 0) throw new CheckpointError(dir, `it holds variables the model does not have: ${extra.join(", ")}.`);
    model.variables.forEach((variable, i) => {
      const name = model.variableNames[i];
      const entry = byName.get(name);
      if (!entry) throw new CheckpointError(dir, `variable ${name} is missing.`);
      const shape = variable.shape;
      const size = shape.reduce((a, b) => a * b, 1);
      if (entry.shape.length !== shape.length || entry.shape.some((d, k) => d !== shape[k]) || entry.length !== size) {
        throw new CheckpointError(dir, `variable ${name} has shape [${entry.shape}], but the model's is [${shape}].`);
      }
      if (entry.offset < 0 || entry.offset + 4 * size > weights.length || entry.offset % 4 !== 0) {
        throw new CheckpointError(dir, `variable ${name} points outside weights.bin.`);
      }
      // Copy into an aligned buffer: Buffer slices may not be 4-byte aligned.
      const values = new Float32Array(size);
      new Uint8Array(values.buffer).set(weights.subarray(entry.offset, entry.offset + 4 * size));
      tf.tidy(() => variable.assign(tf.tensor(values, shape)));
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, config: m.config, history: m.history ?? [], meta: m.meta ?? {}, createdAt: m.createdAt };
}
