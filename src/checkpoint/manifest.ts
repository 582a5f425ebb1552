/**
 * Reading checkpoint.json: everything that can be checked without the weights (format, version,
 * config, the variables tiling weights.bin in order) is checked here, with a clear CheckpointError.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isRecord } from "../json";
import type { VaeConfig } from "../vae/types";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  MANIFEST_FILE,
  WEIGHTS_FILE,
  type CheckpointManifest,
  type CheckpointVariable,
} from "./format";

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function readOrFail(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(dir, name));
  } catch (err) {
    throw new CheckpointError(
      dir,
      `${name} cannot be read (${(err as Error).message}).`,
      "Check the file's permissions, or delete the folder and train again with --retrain.",
    );
  }
}

/** Reads checkpoint.json and checks everything that can be checked without the weights. */
export function readManifest(dir: string): CheckpointManifest {
  if (!existsSync(dir))
    throw new CheckpointError(dir, "the folder does not exist.", "Check the path, or train a model first (npm start).");
  if (!statSync(dir).isDirectory())
    throw new CheckpointError(
      dir,
      "is a file, not a checkpoint folder.",
      "Pass the folder that holds checkpoint.json.",
    );
  if (!existsSync(join(dir, MANIFEST_FILE))) {
    const interrupted = existsSync(join(dir, WEIGHTS_FILE))
      ? " (weights.bin is there: a save was probably interrupted)"
      : "";
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
    throw new CheckpointError(
      dir,
      `${MANIFEST_FILE} is not a vae-lab checkpoint (format ${found}, expected "${CHECKPOINT_FORMAT}").`,
    );
  }
  const version = m.formatVersion;
  if (typeof version === "number" && Number.isInteger(version) && version > CHECKPOINT_VERSION) {
    throw new CheckpointError(
      dir,
      `it was written in format version ${version}, newer than this vae-lab reads (${CHECKPOINT_VERSION}).`,
      "Update vae-lab, or train again with --retrain.",
    );
  }
  const malformed = (what: string) => new CheckpointError(dir, `${MANIFEST_FILE} is malformed: ${what}.`);
  if (version !== CHECKPOINT_VERSION)
    throw malformed(`formatVersion is ${JSON.stringify(version)}, expected ${CHECKPOINT_VERSION}`);
  if (!isRecord(m.config) || typeof m.config.kind !== "string")
    throw malformed("config is missing or has no model kind");
  if (typeof m.weightsSha256 !== "string" || !/^[0-9a-f]{64}$/.test(m.weightsSha256))
    throw malformed("weightsSha256 is not a SHA-256 hex digest");
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
    if (!Array.isArray(raw.shape) || !raw.shape.every(isCount))
      throw malformed(`variable ${name}'s shape is not a list of whole numbers`);
    const shape = raw.shape as number[];
    // Checkpoints saved before the manifest named dtype and byteLength had { offset, length (values) }.
    const dtype = raw.dtype ?? "float32";
    const byteOffset = raw.byteOffset ?? raw.offset;
    const byteLength = raw.byteLength ?? (isCount(raw.length) ? 4 * raw.length : undefined);
    if (dtype !== "float32")
      throw malformed(`variable ${name} has dtype ${JSON.stringify(dtype)}; only "float32" is supported`);
    if (!isCount(byteOffset) || !isCount(byteLength))
      throw malformed(`variable ${name} has no valid byteOffset/byteLength`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (byteLength !== 4 * size)
      throw malformed(`variable ${name} has shape [${shape}] (${size} values) but byteLength ${byteLength}`);
    if (byteOffset !== end) throw malformed(`variable ${name} starts at byte ${byteOffset}, expected ${end}`);
    end += byteLength;
    return { name, shape, dtype, byteOffset, byteLength };
  });
  const weightsByteLength = m.weightsByteLength ?? end;
  if (weightsByteLength !== end)
    throw malformed(`weightsByteLength is ${JSON.stringify(m.weightsByteLength)}, but the variables take ${end} bytes`);

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
