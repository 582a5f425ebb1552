import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  CheckpointError,
  checkpointExists,
  configDifferences,
  configsEqual,
  loadCheckpoint,
  readCheckpointInfo,
  saveCheckpoint,
} from "./index";
import { mnistVae, swissRollVae } from "../vae/presets";
import type { VaeConfig } from "../vae/types";
import { createVae, decodeMean } from "../vae/vae";
import { Rng } from "../vae/random";

// Simulates a process dying at a chosen rename: the save stops there, as it would on a crash.
const crash = vi.hoisted(() => ({ atRenameTo: "" }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      if (crash.atRenameTo !== "" && to.endsWith(crash.atRenameTo)) throw new Error("simulated crash");
      return fs.renameSync(from, to);
    },
  };
});

const made: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), "ckpt-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"));
const writeManifest = (dir: string, m: unknown) =>
  writeFileSync(join(dir, "checkpoint.json"), typeof m === "string" ? m : JSON.stringify(m));

async function saved(config: VaeConfig = mnistVae(2, 16), seed = 3) {
  const dir = fresh();
  const model = createVae(config, new Rng(seed));
  await saveCheckpoint(dir, { model, history: [{ epoch: 1, total: 200 }], meta: { backend: "wasm", seed } });
  model.dispose();
  return dir;
}

/** Loading fails with a CheckpointError that names the folder, matches `problem` and gives a fix. */
async function expectRefused(dir: string, problem: RegExp) {
  const before = tf.memory().numTensors;
  const err = await loadCheckpoint(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckpointError);
  const message = (err as Error).message;
  expect(message).toContain(dir);
  expect(message).toMatch(problem);
  expect(message).toMatch(/Delete the folder|--retrain|npm start|Pass the folder/);
  expect(tf.memory().numTensors).toBe(before); // a refused checkpoint leaves no half-built model behind
}

describe("saving and loading", () => {
  it("round-trips weights, config, history and meta: the loaded model decodes identically", async () => {
    const dir = fresh();
    const model = createVae(mnistVae(2, 16), new Rng(3));
    await saveCheckpoint(dir, {
      model,
      history: [{ epoch: 1, total: 200 }],
      meta: { backend: "wasm", seed: 3, data: "embedded" },
    });
    const loaded = await loadCheckpoint(dir);
    const z = tf.tensor2d([
      [0.5, -1],
      [2, 0.1],
    ]);
    const [a, b] = [decodeMean(loaded.model, z), decodeMean(model, z)];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(loaded.config).toEqual(model.config);
    expect(loaded.history).toEqual([{ epoch: 1, total: 200 }]);
    expect(loaded.meta).toEqual({ backend: "wasm", seed: 3, data: "embedded" });
    expect(Date.parse(loaded.createdAt)).not.toBeNaN();
    expect(checkpointExists(dir)).toBe(true);
    tf.dispose([z, a, b]);
    model.dispose();
    loaded.model.dispose();
  });

  it("stores each variable under the model's stable name as float32 little-endian, back to back", async () => {
    const dir = fresh();
    const model = createVae(swissRollVae(8, 2, 1), new Rng(5));
    const manifest = await saveCheckpoint(dir, { model });
    expect(manifest.variables.map((v) => v.name)).toEqual(model.variableNames);
    let end = 0;
    for (const v of manifest.variables) {
      expect(v.dtype).toBe("float32");
      expect(v.byteOffset).toBe(end);
      expect(v.byteLength).toBe(4 * v.shape.reduce((a, b) => a * b, 1));
      end += v.byteLength;
    }
    const bytes = readFileSync(join(dir, "weights.bin"));
    expect(bytes.length).toBe(end);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = model.variables[0].dataSync();
    expect(view.getFloat32(0, true)).toBe(first[0]);
    expect(view.getFloat32(4, true)).toBe(first[1]);
    expect(manifestOf(dir)).toMatchObject({ format: "vae-lab-checkpoint", formatVersion: 1, weightsByteLength: end });
    model.dispose();
  });

  it("replaces an existing checkpoint in the same folder", async () => {
    const dir = await saved(mnistVae(2, 16), 1);
    const second = createVae(mnistVae(2, 16), new Rng(2));
    await saveCheckpoint(dir, { model: second, meta: { seed: 2 } });
    const loaded = await loadCheckpoint(dir);
    expect(loaded.meta).toEqual({ seed: 2 });
    expect(Array.from(loaded.model.variables[0].dataSync())).toEqual(Array.from(second.variables[0].dataSync()));
    second.dispose();
    loaded.model.dispose();
  });

  it("reads config, history and meta without building a model", async () => {
    const dir = await saved(swissRollVae(8));
    const before = tf.memory().numTensors;
    const info = readCheckpointInfo(dir);
    expect(tf.memory().numTensors).toBe(before);
    expect(configsEqual(info.config, swissRollVae(8))).toBe(true);
    expect(info.meta).toEqual({ backend: "wasm", seed: 3 });
    expect(info.history).toHaveLength(1);
  });

  it("refuses meta that is not JSON-safe before touching the previous checkpoint", async () => {
    const dir = await saved();
    const model = createVae(mnistVae(2, 16), new Rng(9));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(saveCheckpoint(dir, { model, meta: circular })).rejects.toThrow(/JSON-safe.*Nothing was written/);
    expect(readCheckpointInfo(dir).meta).toEqual({ backend: "wasm", seed: 3 });
    expect(readdirSync(dir).sort()).toEqual(["checkpoint.json", "weights.bin"]);
    model.dispose();
  });
});

describe("atomic saves", () => {
  it("leaves no temporary files behind", async () => {
    const dir = await saved();
    expect(readdirSync(dir).sort()).toEqual(["checkpoint.json", "weights.bin"]);
  });

  for (const step of ["weights.bin", "checkpoint.json"]) {
    it(`leaves no valid-looking checkpoint when a save over an old one dies at the rename of ${step}`, async () => {
      const dir = await saved(mnistVae(2, 16), 1);
      const model = createVae(mnistVae(2, 16), new Rng(2));
      crash.atRenameTo = step;
      try {
        await expect(saveCheckpoint(dir, { model })).rejects.toThrow(/simulated crash/);
      } finally {
        crash.atRenameTo = "";
      }
      expect(checkpointExists(dir)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
      await expectRefused(dir, /checkpoint.json is missing \(weights.bin is there: a save was probably interrupted\)/);
      await saveCheckpoint(dir, { model }); // the next save recovers
      const loaded = await loadCheckpoint(dir);
      expect(Array.from(loaded.model.variables[0].dataSync())).toEqual(Array.from(model.variables[0].dataSync()));
      model.dispose();
      loaded.model.dispose();
    });
  }

  it("cleans up temporary files left by a save whose process was killed", async () => {
    const dir = await saved();
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(dir, `weights.bin.tmp-${deadPid}-abcd1234`), "half");
    writeFileSync(join(dir, `checkpoint.json.tmp-${deadPid}-abcd1234`), "{");
    const model = createVae(mnistVae(2, 16), new Rng(4));
    await saveCheckpoint(dir, { model });
    expect(readdirSync(dir).sort()).toEqual(["checkpoint.json", "weights.bin"]);
    model.dispose();
  });
});

describe("refusing bad checkpoints", () => {
  it("refuses a truncated weights file", async () => {
    const dir = await saved();
    const w = readFileSync(join(dir, "weights.bin"));
    writeFileSync(join(dir, "weights.bin"), w.subarray(0, w.length - 100));
    await expectRefused(dir, /weights.bin has \d+ bytes, but checkpoint.json describes \d+ \(truncated/);
  });

  it("refuses a weights file with extra bytes", async () => {
    const dir = await saved();
    const w = readFileSync(join(dir, "weights.bin"));
    writeFileSync(join(dir, "weights.bin"), Buffer.concat([w, Buffer.alloc(8)]));
    await expectRefused(dir, /weights.bin has \d+ bytes.*too long/);
  });

  it("refuses a weights file with one flipped byte (checksum)", async () => {
    const dir = await saved();
    const w = readFileSync(join(dir, "weights.bin"));
    w[1234] ^= 0x40;
    writeFileSync(join(dir, "weights.bin"), w);
    await expectRefused(dir, /weights.bin does not match its SHA-256.*corrupt.*--retrain/);
  });

  it("refuses a checkpoint whose config builds a model of other shapes", async () => {
    const dir = await saved();
    const m = manifestOf(dir);
    m.config.latentDim = 3; // the weights are for L = 2
    writeManifest(dir, m);
    await expectRefused(
      dir,
      /variable encoder\/mu\/w has shape \[16,2\], but the model's is \[16,3\].*different model/,
    );
  });

  it("refuses a checkpoint whose config builds a model with other layers (missing and extra variables)", async () => {
    const dir = await saved(mnistVae(2, 16));
    const m = manifestOf(dir);
    m.config.hiddenDims = [16, 16]; // the model now has encoder/dense2 and decoder/dense2
    writeManifest(dir, m);
    await expectRefused(
      dir,
      /variables encoder\/dense2\/w, encoder\/dense2\/b, decoder\/dense2\/w, decoder\/dense2\/b of the model its config builds are missing/,
    );
    const renamed = manifestOf(dir);
    renamed.config.hiddenDims = [16];
    renamed.variables[0].name = "encoder/dense1/kernel";
    writeManifest(dir, renamed);
    await expectRefused(dir, /encoder\/dense1\/w .*is missing/);
  });

  it("refuses a variable entry whose shape disagrees with its byte length", async () => {
    const dir = await saved();
    const m = manifestOf(dir);
    m.variables[0].shape = [1, 1];
    writeManifest(dir, m);
    await expectRefused(dir, /malformed: variable encoder\/dense1\/w has shape \[1,1\] \(1 values\) but byteLength/);
  });

  it("refuses variables listed twice or out of order", async () => {
    const dir = await saved();
    const m = manifestOf(dir);
    const good = JSON.stringify(m);
    m.variables[1] = { ...m.variables[0] };
    writeManifest(dir, m);
    await expectRefused(dir, /variable encoder\/dense1\/w is listed twice/);
    const swapped = JSON.parse(good);
    [swapped.variables[0], swapped.variables[1]] = [swapped.variables[1], swapped.variables[0]];
    writeManifest(dir, swapped);
    await expectRefused(dir, /variable encoder\/dense1\/b starts at byte \d+, expected 0/);
  });

  it("refuses garbage JSON, another format, a newer or invalid version, each with its own message", async () => {
    const dir = await saved(swissRollVae(8));
    const good = readFileSync(join(dir, "checkpoint.json"), "utf8");
    writeManifest(dir, "{ not json");
    await expectRefused(dir, /checkpoint.json is not valid JSON/);
    writeManifest(dir, { format: "keras" });
    await expectRefused(dir, /not a vae-lab checkpoint \(format "keras"/);
    writeManifest(dir, "null");
    await expectRefused(dir, /not a vae-lab checkpoint/);
    writeManifest(dir, good.replace('"formatVersion": 1', '"formatVersion": 7'));
    await expectRefused(dir, /format version 7, newer than this vae-lab reads \(1\).*Update vae-lab/);
    writeManifest(dir, good.replace('"formatVersion": 1', '"formatVersion": "1"'));
    await expectRefused(dir, /malformed: formatVersion is "1", expected 1/);
    writeManifest(dir, good.replace(/"weightsSha256": "[0-9a-f]+"/, '"weightsSha256": "abc"'));
    await expectRefused(dir, /malformed: weightsSha256/);
  });

  it("refuses an invalid model config", async () => {
    const dir = await saved(swissRollVae(8));
    const m = manifestOf(dir);
    m.config.hiddenDims = [8, -1, 8];
    writeManifest(dir, m);
    await expectRefused(dir, /its model config is invalid: MLP VAE config: hiddenDims/);
  });

  it("refuses missing files and folders", async () => {
    const dir = await saved(swissRollVae(8));
    rmSync(join(dir, "weights.bin"));
    expect(checkpointExists(dir)).toBe(false);
    await expectRefused(dir, /weights.bin is missing/);
    rmSync(join(dir, "checkpoint.json"));
    await expectRefused(dir, /checkpoint.json is missing\./);
    await expectRefused(join(dir, "nope"), /the folder does not exist.*npm start/);
    writeFileSync(join(dir, "file"), "x");
    await expectRefused(join(dir, "file"), /is a file, not a checkpoint folder/);
    expect(existsSync(dir)).toBe(true);
  });

  it("still loads a checkpoint written before the manifest named dtype and byte lengths", async () => {
    const dir = await saved();
    const m = manifestOf(dir);
    delete m.weightsByteLength;
    m.variables = m.variables.map((v: { name: string; shape: number[]; byteOffset: number; byteLength: number }) => ({
      name: v.name,
      shape: v.shape,
      offset: v.byteOffset,
      length: v.byteLength / 4,
    }));
    writeManifest(dir, m);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.model.variableNames).toEqual(m.variables.map((v: { name: string }) => v.name));
    loaded.model.dispose();
  });
});

describe("configsEqual", () => {
  it("compares configs by value, ignoring key order and undefined properties", () => {
    expect(
      configsEqual(mnistVae(2), {
        likelihood: "bernoulli",
        latentDim: 2,
        hiddenDims: [400],
        inputDim: 784,
        kind: "mlp",
      }),
    ).toBe(true);
    expect(configsEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(configsEqual(mnistVae(2), mnistVae(10))).toBe(false);
    expect(configsEqual(swissRollVae(256), swissRollVae(256, 2, 2))).toBe(false);
    expect(configsEqual({ lr: 1e-3 }, { lr: 0.001 })).toBe(true);
  });

  it("lists each difference by its path", () => {
    expect(configDifferences(mnistVae(10), mnistVae(2))).toEqual(["latentDim: wanted 10, found 2"]);
    expect(configDifferences(swissRollVae(256), swissRollVae(128, 2, 2))).toEqual([
      "hiddenDims: wanted [256,256,256], found [128,128]",
    ]);
    expect(configDifferences({ beta: { from: 0, to: 1 } }, { beta: { from: 0, to: 2 }, seed: 1 })).toEqual([
      "beta.to: wanted 1, found 2",
      "seed: wanted nothing, found 1",
    ]);
  });
});
