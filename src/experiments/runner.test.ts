import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { readResults } from "./results";
import type { ImageDataset } from "../vae/data/dataset";
import { Rng } from "../vae/random";
import { checkpointName, runExperiment } from "./runner";
import { runSweep, sweepStatus } from "./sweep";
import { loadRunModel } from "./select";
import { mnistRunConfig, runLabel, swissRunConfig, type PlannedRun } from "./sweeps";

// Tiny Swiss-roll runs (hidden 8, 30 steps): the sweep machinery, not the learning, is under test.
const planned = (latentDim: number, steps = 30): PlannedRun => {
  const config = { ...swissRunConfig(8, latentDim, steps, 7), depth: 1 };
  return { config, sweeps: ["swiss"], label: runLabel(config) };
};
const resultsIn = () => join(mkdtempSync(join(tmpdir(), "vae-sweep-")), "results.json");

describe("runSweep", () => {
  it("trains each run, records metrics and a curve, saves a checkpoint, and leaks no tensors", async () => {
    const path = resultsIn();
    const before = tf.memory().numTensors;
    const outcome = await runSweep([planned(1), planned(2)], { resultsPath: path });
    expect(tf.memory().numTensors).toBe(before);
    expect([outcome.trained.length, outcome.reused.length, outcome.stopped]).toEqual([2, 0, false]);
    const runs = readResults(path).runs;
    expect(runs.map((r) => r.config.latentDim)).toEqual([1, 2]);
    for (const r of runs) {
      expect(Object.values(r.metrics).every(Number.isFinite)).toBe(true);
      expect(r.metrics.testNegElbo).toBeCloseTo(r.metrics.testRecon + r.metrics.testKl, 6);
      expect(r.history).toHaveLength(10); // one point per tenth of the 30 steps
      expect(r.history.at(-1)!.step).toBe(30);
      expect(r.backend).toBe(tf.getBackend());
      expect(r.checkpoint).toBe(join("checkpoints", checkpointName(r.config)));
      expect(existsSync(join(dirname(path), r.checkpoint, "checkpoint.json"))).toBe(true);
    }
    const model = await loadRunModel(path, runs[1]);
    expect(model.config.latentDim).toBe(2);
    model.dispose();
  });

  it("reuses finished runs on a second call, unless asked to rerun", async () => {
    const path = resultsIn();
    const plan = [planned(1), planned(2)];
    await runSweep(plan, { resultsPath: path });
    const first = readFileSync(path, "utf8");
    const events: string[] = [];
    const again = await runSweep(plan, { resultsPath: path, onProgress: (p) => void events.push(p.event) });
    expect([again.trained.length, again.reused.length]).toEqual([0, 2]);
    expect(events).toEqual(["reused", "reused"]);
    expect(readFileSync(path, "utf8")).toBe(first); // untouched
    expect(sweepStatus(plan, path).toTrain).toHaveLength(0);
    const rerun = await runSweep([plan[0]], { resultsPath: path, rerun: true });
    expect(rerun.trained).toHaveLength(1);
    const runs = readResults(path).runs;
    expect(runs).toHaveLength(2); // replaced, not added
  });

  it("trains again a recorded run whose checkpoint was deleted", async () => {
    const path = resultsIn();
    const plan = [planned(1)];
    const { trained } = await runSweep(plan, { resultsPath: path });
    rmSync(join(dirname(path), trained[0].checkpoint), { recursive: true });
    await expect(loadRunModel(path, trained[0])).rejects.toThrow(
      /The trained model of Swiss roll hidden 8 L=1 is missing .* Run npm run experiment again with the same options/,
    );
    expect(sweepStatus(plan, path).toTrain).toHaveLength(1);
    expect((await runSweep(plan, { resultsPath: path })).trained).toHaveLength(1);
  });

  it("stops when aborted, keeping the finished runs, and resumes with only the rest", async () => {
    const path = resultsIn();
    const plan = [planned(1), planned(2), planned(3)];
    const stop = new AbortController();
    const outcome = await runSweep(plan, {
      resultsPath: path,
      signal: stop.signal,
      // Abort in the middle of the second run.
      onProgress: (p) => {
        if (p.run === 2 && p.event === "progress" && p.where === "step 10/30") stop.abort();
      },
    });
    expect([outcome.stopped, outcome.trained.length, outcome.remaining]).toEqual([true, 1, 2]);
    expect(readResults(path).runs.map((r) => r.config.latentDim)).toEqual([1]);
    const resumed = await runSweep(plan, { resultsPath: path });
    expect(resumed.reused.map((r) => r.config.latentDim)).toEqual([1]);
    expect(resumed.trained.map((r) => r.config.latentDim)).toEqual([2, 3]);
  });

  it("reports estimated progress that grows to the total", async () => {
    const path = resultsIn();
    const done: number[] = [];
    let total = 0;
    await runSweep([planned(1), planned(2)], {
      resultsPath: path,
      onProgress: (p) => {
        done.push(p.doneSeconds);
        total = p.totalSeconds;
      },
    });
    expect(done.every((d, i) => i === 0 || d >= done[i - 1] - 1e-12)).toBe(true);
    expect(done.at(-1)).toBeCloseTo(total, 9);
  });
});

describe("runExperiment on images", () => {
  it("records held-out ELBO and the fraction of classes in distinct clusters after every epoch", async () => {
    // 4 classes of 28×28 "images", each lighting its own quarter of the pixels, plus noise.
    const rng = new Rng(3);
    const make = (n: number): ImageDataset => {
      const images = new Float32Array(n * 784),
        labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = i % 4;
        for (let p = 0; p < 784; p++)
          images[i * 784 + p] = (Math.floor(p / 196) === labels[i] ? 0.9 : 0.05) + 0.05 * rng.uniform();
      }
      return { images, labels, n, height: 28, width: 28, classNames: ["a", "b", "c", "d"], source: "four bands" };
    };
    const config = { ...mnistRunConfig("embedded", 2, "warmup", 3, 5), hidden: 32 };
    const dir = mkdtempSync(join(tmpdir(), "vae-run-"));
    const { record } = await runExperiment(config, {
      data: { kind: "mnist", mnist: { train: make(256), test: make(64), source: "four bands" } },
      checkpointDir: dir,
    });
    expect(record!.history.map((h) => [h.epoch, h.beta])).toEqual([
      [1, 0],
      [2, 1],
      [3, 1],
    ]); // warm-up over 1 of 3 epochs
    for (const h of record!.history) {
      expect(h.clusterFraction).toBeGreaterThanOrEqual(0);
      expect(h.clusterFraction).toBeLessThanOrEqual(1);
      expect(h.testNegElbo).toBeCloseTo(h.testRecon + h.testKl, 6);
    }
    expect(record!.history.at(-1)!.clusterFraction).toBe(1); // four bands separate easily
    expect(record!.data).toEqual({ source: "four bands", trainN: 256, testN: 64 });
    expect(record!.metrics.testRecon).toBeCloseTo(record!.history.at(-1)!.testRecon, 6);
  });
});

describe("two sweeps on one results file", () => {
  it("keeps the runs another sweep wrote meanwhile", async () => {
    const path = resultsIn();
    // Both read the empty file first, train side by side, and write when done.
    await Promise.all([
      runSweep([planned(1, 300)], { resultsPath: path }),
      runSweep([planned(2, 30)], { resultsPath: path }),
    ]);
    expect(
      readResults(path)
        .runs.map((r) => r.config.latentDim)
        .sort(),
    ).toEqual([1, 2]);
  });
});
