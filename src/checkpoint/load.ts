/** Loading a checkpoint: its manifest alone (cheap), or the model rebuilt from config and weights. */
import { existsSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../vae/random";
import type { Vae } from "../vae/types";
import { createVae } from "../vae/vae";
import {
  CheckpointError,
  MANIFEST_FILE,
  WEIGHTS_FILE,
  type CheckpointInfo,
  type CheckpointManifest,
  type LoadedCheckpoint,
} from "./format";
import { readManifest, readOrFail, sha256 } from "./manifest";

/**
 * Whether `dir` holds a checkpoint: both files present. Validity is checked on load; a save that was
 * interrupted leaves no checkpoint.json, so this returns false and the caller trains again.
 */
export function checkpointExists(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) && existsSync(join(dir, WEIGHTS_FILE));
}

/**
 * The checkpoint's config, history, meta and date, validated, without reading the weights or
 * building a model. Use it to decide whether a checkpoint is the one you want (see `configsEqual`).
 *
 * @example
 * configsEqual(readCheckpointInfo(dir).config, mnistVae(2)); //=> true when the checkpoint holds that model
 */
export function readCheckpointInfo(dir: string): CheckpointInfo {
  const m = readManifest(dir);
  return { config: m.config, history: m.history, meta: m.meta, createdAt: m.createdAt, formatVersion: m.formatVersion };
}

/** Loads a checkpoint and rebuilds its model. Throws `CheckpointError` on any inconsistency. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const m = readManifest(dir);
  const file = join(dir, WEIGHTS_FILE);
  if (!existsSync(file)) throw new CheckpointError(dir, `${WEIGHTS_FILE} is missing (checkpoint.json is there).`);
  const weights = readOrFail(dir, WEIGHTS_FILE);
  if (weights.length !== m.weightsByteLength) {
    const how = weights.length < m.weightsByteLength ? "truncated" : "too long";
    throw new CheckpointError(
      dir,
      `${WEIGHTS_FILE} has ${weights.length} bytes, but checkpoint.json describes ${m.weightsByteLength} (${how}, or from another save).`,
    );
  }
  if (sha256(weights) !== m.weightsSha256) {
    throw new CheckpointError(
      dir,
      `${WEIGHTS_FILE} does not match its SHA-256 in checkpoint.json: the file is corrupt.`,
    );
  }
  if (endianness() === "BE") weights.swap32();

  let model: Vae;
  try {
    model = createVae(m.config, new Rng(0)); // the initial weights are overwritten below
  } catch (err) {
    throw new CheckpointError(dir, `its model config is invalid: ${(err as Error).message}`);
  }
  try {
    checkVariablesMatch(dir, m, model);
    const byName = new Map(m.variables.map((v) => [v.name, v]));
    model.variables.forEach((variable, i) => {
      const entry = byName.get(model.variableNames[i])!;
      // A copy into a fresh (hence aligned) buffer: a Buffer's bytes may start at any offset.
      const values = new Float32Array(entry.byteLength / 4);
      new Uint8Array(values.buffer).set(weights.subarray(entry.byteOffset, entry.byteOffset + entry.byteLength));
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, "float32")));
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return {
    model,
    config: m.config,
    history: m.history,
    meta: m.meta,
    createdAt: m.createdAt,
    formatVersion: m.formatVersion,
  };
}

/** The stored variables must be exactly the model's: same names, same shapes. */
function checkVariablesMatch(dir: string, m: CheckpointManifest, model: Vae): void {
  const fix =
    "The weights were saved from a different model than its config describes. Delete the folder, or train again with --retrain.";
  const stored = new Map(m.variables.map((v) => [v.name, v]));
  const missing = model.variableNames.filter((name) => !stored.has(name));
  if (missing.length > 0)
    throw new CheckpointError(
      dir,
      `variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of the model its config builds ${missing.length > 1 ? "are" : "is"} missing.`,
      fix,
    );
  const extra = m.variables.map((v) => v.name).filter((name) => !model.variableNames.includes(name));
  if (extra.length > 0)
    throw new CheckpointError(dir, `it holds variables the model does not have: ${extra.join(", ")}.`, fix);
  model.variables.forEach((variable, i) => {
    const name = model.variableNames[i];
    const entry = stored.get(name)!;
    if (entry.shape.length !== variable.shape.length || entry.shape.some((d, k) => d !== variable.shape[k])) {
      throw new CheckpointError(
        dir,
        `variable ${name} has shape [${entry.shape}], but the model's is [${variable.shape}].`,
        fix,
      );
    }
  });
}
