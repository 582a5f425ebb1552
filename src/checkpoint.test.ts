import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { CheckpointError, checkpointExists, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import { mnistVae, swissRollVae } from "./models/presets";
import { createVae, decodeMean } from "./models/vae";
import { Rng } from "./random";

const fresh = () => mkdtempSync(join(tmpdir(), "ckpt-"));

async function saved(config = mnistVae(2, 16)) {
  const dir = fresh();
  const model = createVae(config, new Rng(3));
  await saveCheckpoint(dir, { model, history: [{ epoch: 1, total: 200 }], meta: { backend: "wasm" } });
  return { dir, model };
}

describe("checkpoints", () => {
  it("round-trips weights, config, history and meta: the loaded model decodes identically", async () => {
    const { dir, model } = await saved();
    const loaded = await loadCheckpoint(dir);
    const z = tf.tensor2d([[0.5, -1], [2, 0.1]]);
    expect(Array.from(decodeMean(loaded.model, z).dataSync())).toEqual(Array.from(decodeMean(model, z).dataSync()));
    expect(loaded.config).toEqual(model.config);
    expect(loaded.history).toEqual([{ epoch: 1, total: 200 }]);
    expect(loaded.meta).toEqual({ backend: "wasm" });
    expect(checkpointExists(dir)).toBe(true);
    model.dispose();
    loaded.model.dispose();
  });

  it("leaves no temporary files behind", async () => {
    const { dir, model } = await saved();
    expect(readdirSync(dir).sort()).toEqual(["checkpoint.json", "weights.bin"]);
    model.dispose();
  });

  it("refuses a truncated weights file", async () => {
    const { dir, model } = await saved();
    const w = readFileSync(join(dir, "weights.bin"));
    writeFileSync(join(dir, "weights.bin"), w.subarray(0, w.length - 100));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/weights.bin has \d+ bytes, but checkpoint.json describes \d+/);
    model.dispose();
  });

  it("refuses a weights file with one flipped byte (checksum)", async () => {
    const { dir, model } = await saved();
    const w = readFileSync(join(dir, "weights.bin"));
    w[1234] ^= 0x40;
    writeFileSync(join(dir, "weights.bin"), w);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/does not match its SHA-256.*corrupt.*--retrain/);
    model.dispose();
  });

  it("refuses a checkpoint whose variables do not fit the model its config builds", async () => {
    const { dir, model } = await saved();
    const m = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"));
    m.config.latentDim = 3; // weights are for L = 2
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(m));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/variable encoder\/mu\/w has shape \[400,2\]|has shape \[16,2\], but the model's is \[16,3\]/);
    model.dispose();
  });

  it("refuses garbage JSON, another format, a newer version and missing files, each with its own message", async () => {
    const { dir, model } = await saved(swissRollVae(8));
    const file = join(dir, "checkpoint.json");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, "{ not json");
    await expect(loadCheckpoint(dir)).rejects.toThrow(/checkpoint.json is not valid JSON/);
    writeFileSync(file, JSON.stringify({ format: "keras" }));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/not a vae-lab checkpoint/);
    writeFileSync(file, good.replace('"formatVersion": 1', '"formatVersion": 7'));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/format version 7, newer than this vae-lab reads \(1\)/);
    writeFileSync(file, good);
    rmSync(join(dir, "weights.bin"));
    expect(checkpointExists(dir)).toBe(false);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/weights.bin is missing/);
    await expect(loadCheckpoint(join(dir, "nope"))).rejects.toThrow(CheckpointError);
    model.dispose();
  });

  it("does not leak tensors when loading fails", async () => {
    const { dir, model } = await saved();
    const m = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"));
    m.variables[0].shape = [1, 1];
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(m));
    const before = tf.memory().numTensors;
    await expect(loadCheckpoint(dir)).rejects.toThrow(CheckpointError);
    expect(tf.memory().numTensors).toBe(before);
    expect(existsSync(dir)).toBe(true);
    model.dispose();
  });
});
