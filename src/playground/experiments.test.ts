import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RESULTS_ENV_VAR } from "../experiments/results";
import { runSweep } from "../experiments/sweep";
import { runLabel, swissRunConfig } from "../experiments/sweeps";
import { experimentResultsFile, readExperimentResults, tradeOffRows } from "./experiments";
import { tradeOffPanel } from "./views/training";

const dir = mkdtempSync(join(tmpdir(), "vae-lab-experiments-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const run = (latentDim: number, testRecon: number, extra: Record<string, unknown> = {}) => ({
  config: { dataset: "mnist-embedded", model: "mlp", latentDim, beta: 1, hidden: 400, epochs: 10, seed: 1, ...extra },
  metrics: {
    trainRecon: 1,
    trainKl: 1,
    trainNegElbo: 2,
    testRecon,
    testKl: latentDim,
    testNegElbo: testRecon + latentDim,
  },
  seconds: 3,
  backend: "wasm",
});

describe("readExperimentResults", () => {
  it("reports a missing file, and the panel says how to produce it", () => {
    const r = readExperimentResults(join(dir, "nope.json"));
    expect(r).toEqual({ status: "missing", file: join(dir, "nope.json") });
    expect(tradeOffPanel(r)).toContain("npm run experiment");
  });

  it.each([
    ["not JSON", "{ runs: [", /not valid JSON/],
    ["no runs list", '{ "results": [] }', /no "runs" list/],
    [
      "runs without the needed numbers",
      '{ "runs": [ { "config": { "latentDim": "two" }, "metrics": {} } ] }',
      /none of its 1 runs/,
    ],
    ["JSON null", "null", /no "runs" list/],
  ])("gives a one-line notice for a file with %s, never a throw", (_what, text, message) => {
    const r = readExperimentResults(file(`bad-${Math.random()}.json`, text));
    expect(r.status).toBe("malformed");
    if (r.status !== "malformed") return;
    expect(r.message).toMatch(message);
    expect(r.message).not.toContain("\n");
    const panel = tradeOffPanel(r);
    expect(panel).toContain('data-role="tradeoff-malformed"');
    expect(panel).toContain("npm run experiment");
  });

  it("gives a notice for a folder where the file should be", () => {
    const folder = join(dir, "folder.json");
    mkdirSync(folder);
    expect(readExperimentResults(folder)).toMatchObject({ status: "malformed", message: "it cannot be read (EISDIR)" });
  });

  it("reads good runs, skips and counts incomplete ones, and escapes text from the file", () => {
    const path = file(
      "ok.json",
      JSON.stringify({ runs: [run(2, 140), run(8, 90), { config: {} }, run(2, 150, { dataset: "<b>x</b>" })] }),
    );
    const r = readExperimentResults(path);
    expect(r.status).toBe("ok");
    if (r.status !== "ok") return;
    expect(r.runs).toHaveLength(3);
    expect(r.skipped).toBe(1);
    const panel = tradeOffPanel(r);
    expect(panel).toContain("1 run without the needed numbers was skipped");
    expect(panel).not.toContain("<b>x</b>");
    expect(panel).toContain("&lt;b&gt;x&lt;/b&gt;");
  });
});

describe("the results file the playground reads", () => {
  it("is the one the sweep wrote: $VAE_LAB_RESULTS unless npm start names another (--results)", async () => {
    const swept = join(dir, "swept", "results.json");
    const config = { ...swissRunConfig(8, 1, 20, 3), depth: 1 };
    await runSweep([{ config, sweeps: ["swiss"], label: runLabel(config) }], { resultsPath: swept });
    const saved = process.env[RESULTS_ENV_VAR];
    process.env[RESULTS_ENV_VAR] = swept;
    try {
      expect(experimentResultsFile()).toBe(swept);
      const r = readExperimentResults();
      expect(r.status).toBe("ok");
      if (r.status !== "ok") return;
      expect(r.file).toBe(swept);
      expect(r.runs.map((x) => [x.dataset, x.latentDim])).toEqual([["swissroll", 1]]);
      expect(readExperimentResults(join(dir, "other.json")).status).toBe("missing"); // an explicit file wins
    } finally {
      if (saved === undefined) delete process.env[RESULTS_ENV_VAR];
      else process.env[RESULTS_ENV_VAR] = saved;
    }
  });

  it("reads version-1 files (β and betaWarmup) as β schedules", () => {
    const r = readExperimentResults(
      file(
        "v1.json",
        JSON.stringify({ format: "vae-lab-experiments", formatVersion: 1, runs: [run(2, 120, { betaWarmup: 5 })] }),
      ),
    );
    expect(r.status === "ok" && r.runs[0].beta).toEqual({ from: 0, to: 1, epochs: 5 });
  });
});

describe("tradeOffRows", () => {
  it("averages seeds per latentDim within a group of otherwise equal settings, sorted by latentDim", () => {
    const runs = [
      run(8, 90),
      run(2, 140),
      run(2, 142, { seed: 2 }),
      run(2, 100, { beta: 4 }),
      run(2, 120, { betaWarmup: 5 }),
      run(2, 130, { epochs: 20 }),
    ].map((r) => {
      const x = readExperimentResults(file(`one-${Math.random()}.json`, JSON.stringify({ runs: [r] })));
      return x.status === "ok" ? x.runs[0] : undefined;
    });
    const rows = tradeOffRows(runs.filter((r) => r !== undefined));
    expect(rows.map((r) => [r.group, r.latentDim, r.testRecon, r.runs])).toEqual([
      ["mnist-embedded · mlp 400 · β 0→1 over 5 epochs · 10 epochs", 2, 120, 1],
      ["mnist-embedded · mlp 400 · β=1 · 10 epochs", 2, 141, 2],
      ["mnist-embedded · mlp 400 · β=1 · 10 epochs", 8, 90, 1],
      ["mnist-embedded · mlp 400 · β=1 · 20 epochs", 2, 130, 1],
      ["mnist-embedded · mlp 400 · β=4 · 10 epochs", 2, 100, 1],
    ]);
  });
});

describe("tradeOffPanel", () => {
  it("draws image-model runs only, and says how to get them when there are none", () => {
    const mixed = readExperimentResults(
      file(
        "mixed.json",
        JSON.stringify({ runs: [run(2, 140), run(8, 90), run(2, 0.05, { dataset: "swissroll", hidden: 32 })] }),
      ),
    );
    const panel = tradeOffPanel(mixed);
    expect(panel).toContain("mnist-embedded · mlp 400");
    expect(panel).not.toContain("swissroll");
    const swissOnly = readExperimentResults(
      file("swiss.json", JSON.stringify({ runs: [run(2, 0.05, { dataset: "swissroll" })] })),
    );
    expect(tradeOffPanel(swissOnly)).toContain("--sweep latent");
  });
});
