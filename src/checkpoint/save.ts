/** Saving a model as a checkpoint (see ./index.ts for the format and why the save is atomic). */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import type { Vae } from "../vae/types";
import { removeStaleTemporaries, syncFolder, writeDurably } from "./durable";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  MANIFEST_FILE,
  WEIGHTS_FILE,
  type CheckpointManifest,
  type CheckpointVariable,
} from "./format";
import { sha256 } from "./manifest";

/**
 * Saves `model`, its training history and free-form `meta` to `dir` (created if needed), replacing
 * any checkpoint there. `meta` and `history` must be JSON-safe.
 *
 * @example
 * await saveCheckpoint(".cache/checkpoints/mnist-L2", { model, history: result.history, meta: { seed: 42, backend: "wasm" } });
 * //=> { format: "vae-lab-checkpoint", formatVersion: 1, variables: [...12 entries], ... }
 */
export async function saveCheckpoint(
  dir: string,
  what: { model: Vae; history?: readonly unknown[]; meta?: Record<string, unknown> },
): Promise<CheckpointManifest> {
  const { model } = what;
  if (model.variables.length !== model.variableNames.length) {
    throw new Error(
      `saveCheckpoint: the model has ${model.variables.length} variables but ${model.variableNames.length} names.`,
    );
  }
  const variables: CheckpointVariable[] = [];
  const chunks: Buffer[] = [];
  let byteOffset = 0;
  for (let i = 0; i < model.variables.length; i++) {
    const v = model.variables[i];
    const name = model.variableNames[i];
    if (v.dtype !== "float32")
      throw new Error(`saveCheckpoint: variable ${name} is ${v.dtype}; checkpoints store float32 only.`);
    const values = (await v.data()) as Float32Array;
    chunks.push(Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength))); // a copy: backends may reuse memory
    variables.push({ name, shape: [...v.shape], dtype: "float32", byteOffset, byteLength: values.byteLength });
    byteOffset += values.byteLength;
  }
  const weights = Buffer.concat(chunks);
  if (endianness() === "BE") weights.swap32(); // the file is little-endian on every machine

  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    config: model.config,
    variables,
    weightsByteLength: weights.length,
    weightsSha256: sha256(weights),
    history: [...(what.history ?? [])],
    meta: what.meta ?? {},
  };
  let json: string;
  try {
    json = JSON.stringify(manifest, null, 1) + "\n";
  } catch (err) {
    throw new Error(
      `saveCheckpoint: history and meta must be JSON-safe (${(err as Error).message.split("\n")[0]}). Nothing was written.`,
    );
  }

  mkdirSync(dir, { recursive: true });
  removeStaleTemporaries(dir);
  const tag = `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const weightsTmp = join(dir, WEIGHTS_FILE + tag);
  const manifestTmp = join(dir, MANIFEST_FILE + tag);
  try {
    writeDurably(weightsTmp, weights);
    writeDurably(manifestTmp, Buffer.from(json, "utf8"));
    // The old manifest goes first, so from here until the last rename the folder holds no
    // checkpoint.json: an interruption reads as "no checkpoint", never as old manifest + new weights.
    rmSync(join(dir, MANIFEST_FILE), { force: true });
    renameSync(weightsTmp, join(dir, WEIGHTS_FILE));
    renameSync(manifestTmp, join(dir, MANIFEST_FILE)); // the commit point
    syncFolder(dir);
  } catch (err) {
    rmSync(weightsTmp, { force: true });
    rmSync(manifestTmp, { force: true });
    throw err;
  }
  return manifest;
}
