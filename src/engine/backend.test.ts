import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { initBackend, loadNative, parseForcedBackend, type BackendCandidate } from "./backend";
import { fastPath } from "./fastPath";

const ok = (name: BackendCandidate["name"], tfName: string): BackendCandidate => ({
  name,
  tfName,
  load: async () => {},
});
const failing = (name: BackendCandidate["name"], reason: string): BackendCandidate => ({
  name,
  tfName: "tensorflow",
  load: async () => {
    throw new Error(reason);
  },
});

describe("backend selection", () => {
  afterAll(async () => {
    await tf.setBackend("wasm"); // leave the file's tests on the backend the setup chose
  });

  it("falls back past missing and broken optional backends and says why in one line", async () => {
    const choice = await initBackend({
      env: {},
      candidates: [
        failing("gpu", "not installed"),
        failing("node", "installed but failed to load (libtensorflow.so: cannot open)"),
        ok("wasm", "wasm"),
        ok("cpu", "cpu"),
      ],
    });
    expect(choice.name).toBe("wasm");
    expect(choice.skipped.map((s) => s.name)).toEqual(["gpu", "node"]);
    expect(choice.message).toBe(
      "vae-lab: using wasm (gpu: not installed; node: installed but failed to load (libtensorflow.so: cannot open))",
    );
    expect(choice.message.split("\n")).toHaveLength(1);
  });

  it("leaves the engine's fast path off with VAE_LAB_ENGINE=0, and says so", async () => {
    try {
      const choice = await initBackend({ env: { VAE_LAB_ENGINE: "0" }, candidates: [ok("wasm", "wasm")] });
      expect(choice.message).toBe("vae-lab: using wasm (fast path off by VAE_LAB_ENGINE=0)");
      expect(fastPath.hooks).toBeNull();
    } finally {
      await initBackend({ env: {}, candidates: [ok("wasm", "wasm")] });
    }
    expect(fastPath.hooks).not.toBeNull();
  });

  it("uses the backend forced by VAE_LAB_BACKEND", async () => {
    const choice = await initBackend({
      env: { VAE_LAB_BACKEND: "cpu" },
      candidates: [ok("wasm", "wasm"), ok("cpu", "cpu")],
    });
    expect(choice.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(choice.message).toBe("vae-lab: using cpu (forced by VAE_LAB_BACKEND=cpu)");
  });

  it("explains how to fix a forced backend that cannot start", async () => {
    await expect(
      initBackend({ env: { VAE_LAB_BACKEND: "gpu" }, candidates: [failing("gpu", "not installed"), ok("cpu", "cpu")] }),
    ).rejects.toThrow(
      /asks for the gpu backend, but @tensorflow\/tfjs-node-gpu is not installed.*npm run enable:gpu.*unset VAE_LAB_BACKEND/,
    );
  });

  it("says that a forced backend which loads but cannot start failed to start, with the error (not that it is missing)", async () => {
    const broken: BackendCandidate = { name: "wasm", tfName: "vae-lab-no-such-backend", load: async () => {} };
    const attempt = initBackend({ env: { VAE_LAB_BACKEND: "wasm" }, candidates: [broken] });
    await expect(attempt).rejects.toThrow(
      /asks for the wasm backend, which is installed but failed to start: .+\. Unset VAE_LAB_BACKEND/,
    );
    await expect(attempt).rejects.not.toThrow(/npm install/);
  });

  it("rejects an unknown VAE_LAB_BACKEND value, listing the valid ones", () => {
    expect(() => parseForcedBackend("tpu")).toThrow(
      /VAE_LAB_BACKEND="tpu" is not a backend. Use one of: gpu, node, wasm, cpu/,
    );
    expect(parseForcedBackend(" WASM ")).toBe("wasm");
    expect(parseForcedBackend("auto")).toBeUndefined();
  });

  it("reports the real optional packages on this machine without crashing", async () => {
    const choice = await initBackend({ env: {} });
    expect(["gpu", "node", "wasm", "cpu"]).toContain(choice.name);
    for (const s of choice.skipped) expect(s.reason.length).toBeGreaterThan(0);
  });

  it("says how to enable each opt-in native backend that is not installed", async () => {
    const choice = await initBackend({ env: {} });
    const absent = ["gpu", "node"].filter(
      (n) => !existsSync(join("node_modules", "@tensorflow", n === "gpu" ? "tfjs-node-gpu" : "tfjs-node")),
    );
    for (const name of absent) expect(choice.message).toContain(`${name}: not installed, npm run enable:${name}`);
  });
});

describe("loadNative", () => {
  const dir = mkdtempSync(join(tmpdir(), "vae-lab-backend-"));

  it("says 'not installed' for a package that is absent", async () => {
    await expect(loadNative("@tensorflow/tfjs-definitely-absent")).rejects.toThrow(/^not installed$/);
  });

  it("says 'installed but failed to load' for a package that throws on import", async () => {
    const broken = join(dir, "broken.mjs");
    writeFileSync(broken, 'throw new Error("libtensorflow.so.2: cannot open shared object file");\n');
    await expect(loadNative(broken)).rejects.toThrow(
      /installed but failed to load \(libtensorflow.so.2: cannot open shared object file\)/,
    );
  });

  it("refuses a package that loads but registers no tensorflow backend with our tfjs", async () => {
    const inert = join(dir, "inert.mjs");
    writeFileSync(inert, "export const x = 1;\n");
    await expect(loadNative(inert)).rejects.toThrow(/different copy of @tensorflow\/tfjs/);
  });
});
