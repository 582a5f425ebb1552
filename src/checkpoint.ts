/**
 * Checkpoints: a model's weights, config, training history and run details in one folder, in a
 * versioned format.
 *
 *   <dir>/checkpoint.json   { format: "vae-lab-checkpoint", formatVersion: 1, createdAt, config,
 *                             variables: [{ name, shape, dtype, byteOffset, byteLength }],
 *                             weightsByteLength, weightsSha256, history, meta }
 *   <dir>/weights.bin       the variables' values one after another, float32 little-endian, in
 *                           manifest order (each variable's bytes start where the previous one's end)
 *
 * Variables are stored under the model's stable names (`Vae.variableNames`, e.g. "encoder/mu/w"), and
 * loading rebuilds the model from the config and assigns the weights by name. Loading checks the
 * format, the version, the weights' size and SHA-256, and that the variables are exactly the ones the
 * config's model has, with the same shapes: a corrupt, truncated or mismatched checkpoint is a clear
 * error that names the folder and the fix, never a silently wrong model.
 *
 * Saving is atomic at the level that matters: checkpoint.json is the commit record, written last by a
 * rename. A save interrupted at any point leaves either the previous checkpoint or no checkpoint.json
 * at all (which reads as "no checkpoint": train again), never a manifest that describes other weights.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { Vae, VaeConfig } from "./vae/types";
import { createVae } from "./vae/vae";
import { Rng } from "./vae/random";

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

/**
 * Whether `dir` holds a checkpoint: both files present. Validity is checked on load; a save that was
 * interrupted leaves no checkpoint.json, so this returns false and the caller trains again.
 */
export function checkpointExists(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) && existsSync(join(dir, WEIGHTS_FILE));
}

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
    throw new Error(`saveCheckpoint: the model has ${model.variables.length} variables but ${model.variableNames.length} names.`);
  }
  const variables: CheckpointVariable[] = [];
  const chunks: Buffer[] = [];
  let byteOffset = 0;
  for (let i = 0; i < model.variables.length; i++) {
    const v = model.variables[i];
    const name = model.variableNames[i];
    if (v.dtype !== "float32") throw new Error(`saveCheckpoint: variable ${name} is ${v.dtype}; checkpoints store float32 only.`);
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
    throw new Error(`saveCheckpoint: history and meta must be JSON-safe (${(err as Error).message.split("\n")[0]}). Nothing was written.`);
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
    throw new CheckpointError(dir, `${WEIGHTS_FILE} has ${weights.length} bytes, but checkpoint.json describes ${m.weightsByteLength} (${how}, or from another save).`);
  }
  if (sha256(weights) !== m.weightsSha256) {
    throw new CheckpointError(dir, `${WEIGHTS_FILE} does not match its SHA-256 in checkpoint.json: the file is corrupt.`);
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
  return { model, config: m.config, history: m.history, meta: m.meta, createdAt: m.createdAt, formatVersion: m.formatVersion };
}

/**
 * Whether two model configs (or any JSON-like values, such as hyperparameter records) are equal:
 * same keys and values at every depth, key order ignored, `undefined` properties treated as absent
 * (as JSON does). Numbers compare exactly: 1e-3 and 0.001 are equal, 0.1 + 0.2 and 0.3 are not.
 *
 * @example
 * configsEqual(mnistVae(2), { ...mnistVae(2) });   //=> true
 * configsEqual(mnistVae(2), mnistVae(10));        //=> false
 */
export function configsEqual(a: unknown, b: unknown): boolean {
  return configDifferences(a, b).length === 0;
}

/**
 * Where `have` differs from `want`, one line per difference, for messages such as "the checkpoint
 * was trained with latentDim 2; you asked for 10, so it is trained again".
 *
 * @example
 * configDifferences(mnistVae(10), mnistVae(2)); //=> ["latentDim: wanted 10, found 2"]
 */
export function configDifferences(want: unknown, have: unknown, path = ""): string[] {
  const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
  const here = path === "" ? "(whole value)" : path;
  if (isRecord(want) && isRecord(have)) {
    const keys = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort();
    return keys.flatMap((k) => configDifferences(want[k], have[k], path === "" ? k : `${path}.${k}`));
  }
  if (Array.isArray(want) && Array.isArray(have)) {
    if (want.length !== have.length) return [`${here}: wanted ${show(want)}, found ${show(have)}`];
    return want.flatMap((w, i) => configDifferences(w, have[i], `${path}[${i}]`));
  }
  return Object.is(want, have) || (want === 0 && have === 0) ? [] : [`${here}: wanted ${show(want)}, found ${show(have)}`];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function readOrFail(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(dir, name));
  } catch (err) {
    throw new CheckpointError(dir, `${name} cannot be read (${(err as Error).message}).`, "Check the file's permissions, or delete the folder and train again with --retrain.");
  }
}

/** Reads checkpoint.json and checks everything that can be checked without the weights. */
function readManifest(dir: string): CheckpointManifest {
  if (!existsSync(dir)) throw new CheckpointError(dir, "the folder does not exist.", "Check the path, or train a model first (npm start).");
  if (!statSync(dir).isDirectory()) throw new CheckpointError(dir, "is a file, not a checkpoint folder.", "Pass the folder that holds checkpoint.json.");
  if (!existsSync(join(dir, MANIFEST_FILE))) {
    const interrupted = existsSync(join(dir, WEIGHTS_FILE)) ? " (weights.bin is there: a save was probably interrupted)" : "";
    throw new CheckpointError(dir, `${MANIFEST_FILE} is missing${interrupted}.`);
  }
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readOrFail(dir, MANIFEST_FILE).toString("utf8"));
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    throw new CheckpointError(dir, `${MANIFEST_FILE} is not valid JSON (${(err as Error).message}).`);
  }
  if (!isRecord(m) || m.format !== CHECKPOINT_FORMAT) {
    const found = isRecord(m) ? JSON.stringify(m.format) : "no object";
    throw new CheckpointError(dir, `${MANIFEST_FILE} is not a vae-lab checkpoint (format ${found}, expected "${CHECKPOINT_FORMAT}").`);
  }
  const version = m.formatVersion;
  if (typeof version === "number" && Number.isInteger(version) && version > CHECKPOINT_VERSION) {
    throw new CheckpointError(dir, `it was written in format version ${version}, newer than this vae-lab reads (${CHECKPOINT_VERSION}).`, "Update vae-lab, or train again with --retrain.");
  }
  const malformed = (what: string) => new CheckpointError(dir, `${MANIFEST_FILE} is malformed: ${what}.`);
  if (version !== CHECKPOINT_VERSION) throw malformed(`formatVersion is ${JSON.stringify(version)}, expected ${CHECKPOINT_VERSION}`);
  if (!isRecord(m.config) || typeof m.config.kind !== "string") throw malformed("config is missing or has no model kind");
  if (typeof m.weightsSha256 !== "string" || !/^[0-9a-f]{64}$/.test(m.weightsSha256)) throw malformed("weightsSha256 is not a SHA-256 hex digest");
  if (m.history !== undefined && !Array.isArray(m.history)) throw malformed("history is not a list");
  if (m.meta !== undefined && !isRecord(m.meta)) throw malformed("meta is not an object");
  if (!Array.isArray(m.variables)) throw malformed("variables is not a list");

  const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
  const seen = new Set<string>();
  let end = 0; // the variables tile weights.bin in order, so no two share bytes and none is skipped
  const variables = m.variables.map((raw: unknown, i: number): CheckpointVariable => {
    const at = `variables[${i}]`;
    if (!isRecord(raw) || typeof raw.name !== "string" || raw.name === "") throw malformed(`${at} has no name`);
    const { name } = raw;
    if (seen.has(name)) throw malformed(`variable ${name} is listed twice`);
    seen.add(name);
    if (!Array.isArray(raw.shape) || !raw.shape.every(isCount)) throw malformed(`variable ${name}'s shape is not a list of whole numbers`);
    const shape = raw.shape as number[];
    // Checkpoints saved before the manifest named dtype and byteLength had { offset, length (values) }.
    const dtype = raw.dtype ?? "float32";
    const byteOffset = raw.byteOffset ?? raw.offset;
    const byteLength = raw.byteLength ?? (isCount(raw.length) ? 4 * raw.length : undefined);
    if (dtype !== "float32") throw malformed(`variable ${name} has dtype ${JSON.stringify(dtype)}; only "float32" is supported`);
    if (!isCount(byteOffset) || !isCount(byteLength)) throw malformed(`variable ${name} has no valid byteOffset/byteLength`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (byteLength !== 4 * size) throw malformed(`variable ${name} has shape [${shape}] (${size} values) but byteLength ${byteLength}`);
    if (byteOffset !== end) throw malformed(`variable ${name} starts at byte ${byteOffset}, expected ${end}`);
    end += byteLength;
    return { name, shape, dtype, byteOffset, byteLength };
  });
  const weightsByteLength = m.weightsByteLength ?? end;
  if (weightsByteLength !== end) throw malformed(`weightsByteLength is ${JSON.stringify(m.weightsByteLength)}, but the variables take ${end} bytes`);

  return {
    format: CHECKPOINT_FORMAT,
    formatVersion: version,
    createdAt: typeof m.createdAt === "string" ? m.createdAt : "",
    config: m.config as unknown as VaeConfig,
    variables,
    weightsByteLength: end,
    weightsSha256: m.weightsSha256,
    history: (m.history as unknown[] | undefined) ?? [],
    meta: (m.meta as Record<string, unknown> | undefined) ?? {},
  };
}

/** The stored variables must be exactly the model's: same names, same shapes. */
function checkVariablesMatch(dir: string, m: CheckpointManifest, model: Vae): void {
  const fix = "The weights were saved from a different model than its config describes. Delete the folder, or train again with --retrain.";
  const stored = new Map(m.variables.map((v) => [v.name, v]));
  const missing = model.variableNames.filter((name) => !stored.has(name));
  if (missing.length > 0) throw new CheckpointError(dir, `variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of the model its config builds ${missing.length > 1 ? "are" : "is"} missing.`, fix);
  const extra = m.variables.map((v) => v.name).filter((name) => !model.variableNames.includes(name));
  if (extra.length > 0) throw new CheckpointError(dir, `it holds variables the model does not have: ${extra.join(", ")}.`, fix);
  model.variables.forEach((variable, i) => {
    const name = model.variableNames[i];
    const entry = stored.get(name)!;
    if (entry.shape.length !== variable.shape.length || entry.shape.some((d, k) => d !== variable.shape[k])) {
      throw new CheckpointError(dir, `variable ${name} has shape [${entry.shape}], but the model's is [${variable.shape}].`, fix);
    }
  });
}

/** Writes and fsyncs a file, so a rename afterwards never publishes a file whose bytes are not on disk. */
function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the renames themselves durable. Not every platform can fsync a folder; then this is skipped. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; the renames are still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Temporary files left by a save that was killed (its process is gone) are removed on the next save. */
function removeStaleTemporaries(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = /^(?:checkpoint\.json|weights\.bin)\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (match && !processAlive(Number(match[1]))) rmSync(join(dir, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true; // another save in this process may be running
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}
