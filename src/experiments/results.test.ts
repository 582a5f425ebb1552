import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  csvPathFor,
  defaultResultsPath,
  emptyResults,
  findRun,
  readResults,
  ResultsFileError,
  resultsCsv,
  withRun,
  writeResults,
  type RunRecord,
} from "./results";
import { mnistRunConfig, swissRunConfig } from "./sweeps";

const tmp = () => mkdtempSync(join(tmpdir(), "vae-results-"));

function record(latentDim: number, testRecon = 150): RunRecord {
  return {
    config: mnistRunConfig("embedded", latentDim, 1, 2, 42),
    metrics: {
      trainRecon: testRecon - 1,
      trainKl: 5,
      trainNegElbo: testRecon + 4,
      testRecon,
      testKl: 5,
      testNegElbo: testRecon + 5,
    },
    seconds: 4.5,
    backend: "wasm",
    data: { source: 'embedded MNIST, "quoted", with commas', trainN: 9001, testN: 999 },
    units: "nats per image",
    history: [
      {
        epoch: 1,
        step: 71,
        beta: 1,
        trainRecon: 1,
        trainKl: 1,
        trainNegElbo: 2,
        testRecon: 1,
        testKl: 1,
        testNegElbo: 2,
        clusterFraction: 0.4,
      },
    ],
    checkpoint: "checkpoints/x",
    finishedAt: "2026-11-23T16:00:00.000Z",
  };
}

describe("results file", () => {
  it("reads a missing file as no runs", () => {
    expect(readResults(join(tmp(), "none.json")).runs).toEqual([]);
  });

  it("writes JSON and CSV that read back the same, leaving no temporary files", () => {
    const dir = tmp();
    const path = join(dir, "sub", "results.json");
    const results = withRun(withRun(emptyResults(), record(2)), record(5));
    writeResults(path, results);
    expect(readResults(path)).toEqual(results);
    const csv = readFileSync(csvPathFor(path), "utf8").trim().split("\n");
    expect(csv).toHaveLength(3);
    expect(csv[0].split(",").slice(0, 4)).toEqual(["dataset", "model", "latentDim", "beta"]);
    expect(csv[1]).toContain("embedded,mlp,2,1,0,400");
    expect(readdirSync(join(dir, "sub")).sort()).toEqual(["results.csv", "results.json"]);
  });

  it("keeps the playground's schema: config, metrics, seconds, backend per run", () => {
    const path = join(tmp(), "r.json");
    writeResults(path, withRun(emptyResults(), record(2)));
    const doc = JSON.parse(readFileSync(path, "utf8"));
    const run = doc.runs[0];
    for (const k of ["dataset", "model", "latentDim", "beta", "hidden", "epochs", "seed"])
      expect(run.config).toHaveProperty(k);
    for (const k of ["trainRecon", "trainKl", "trainNegElbo", "testRecon", "testKl", "testNegElbo"])
      expect(typeof run.metrics[k]).toBe("number");
    expect(typeof run.seconds).toBe("number");
    expect(run.backend).toBe("wasm");
  });

  it("quotes CSV fields with commas and quotes", () => {
    const r = record(2);
    r.config = { ...r.config, dataset: '/data/my "mnist", v2' };
    const line = resultsCsv(withRun(emptyResults(), r)).split("\n")[1];
    expect(line.startsWith('"/data/my ""mnist"", v2",mlp,')).toBe(true);
  });

  it("replaces a run with the same config and finds runs by exact config", () => {
    const results = withRun(withRun(emptyResults(), record(2, 150)), record(2, 140));
    expect(results.runs).toHaveLength(1);
    expect(findRun(results, mnistRunConfig("embedded", 2, 1, 2, 42))?.metrics.testRecon).toBe(140);
    expect(findRun(results, mnistRunConfig("embedded", 2, 1, 3, 42))).toBeUndefined();
    expect(findRun(results, swissRunConfig(32, 2, 100, 42))).toBeUndefined();
  });

  it("names the file and the fix when it is not JSON, not a results file, or cannot be read", () => {
    const dir = tmp();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    expect(() => readResults(bad)).toThrow(ResultsFileError);
    expect(() => readResults(bad)).toThrow(
      /bad\.json: is not valid JSON .* Fix or delete the file .* or pass --out <another file>/,
    );
    writeFileSync(bad, JSON.stringify({ experiments: [] }));
    expect(() => readResults(bad)).toThrow(/has no "runs" list/);
    writeFileSync(
      bad,
      JSON.stringify({ runs: [{ config: mnistRunConfig("embedded", 2, 1, 2, 42), metrics: { testRecon: 1 } }] }),
    );
    expect(() => readResults(bad)).toThrow(/run 1's metrics have no number "trainRecon"/);
    writeFileSync(bad, JSON.stringify({ format: "vae-lab-experiments", formatVersion: 99, runs: [] }));
    expect(() => readResults(bad)).toThrow(/newer vae-lab/);
    const folder = join(dir, "folder.json");
    mkdirSync(folder);
    expect(() => readResults(folder)).toThrow(/folder\.json: cannot be read \(EISDIR\)/);
  });

  it("lives in .cache/experiments unless VAE_LAB_RESULTS says otherwise", () => {
    expect(defaultResultsPath({ VAE_LAB_RESULTS: "/tmp/x.json" })).toBe("/tmp/x.json");
    expect(defaultResultsPath({})).toMatch(/[\\/]experiments[\\/]results\.json$/);
  });
});
