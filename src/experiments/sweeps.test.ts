import { describe, expect, it } from "vitest";
import {
  betaChoiceText,
  configKey,
  estimateSeconds,
  mnistRunConfig,
  parseBetaList,
  parseSizeList,
  planSweep,
  runLabel,
  SWEEP_DEFAULTS,
  SWEEP_PRESETS,
  swissRunConfig,
  warmupEpochs,
} from "./sweeps";

describe("planSweep", () => {
  it("plans the default sweep as 4 latent + 3 more β + 9 Swiss-roll runs, the shared L = 2, β = 1 run once", () => {
    const plan = planSweep("all", SWEEP_DEFAULTS);
    expect(plan).toHaveLength(16);
    const shared = plan.filter(
      (p) => p.config.dataset === "embedded" && p.config.latentDim === 2 && p.config.beta === 1,
    );
    expect(shared).toHaveLength(1);
    expect(shared[0].sweeps).toEqual(["latent", "beta"]);
    expect(new Set(plan.map((p) => configKey(p.config))).size).toBe(16);
  });

  it("gives each sweep its own runs", () => {
    expect(planSweep("latent", SWEEP_DEFAULTS).map((p) => p.label)).toEqual([
      "MNIST L=2",
      "MNIST L=5",
      "MNIST L=10",
      "MNIST L=20",
    ]);
    expect(planSweep("beta", SWEEP_DEFAULTS).map((p) => p.label)).toEqual([
      "MNIST L=2 β=0.5",
      "MNIST L=2",
      "MNIST L=2 β=4",
      "MNIST L=2 β 0→1 warm-up",
    ]);
    const swiss = planSweep("swiss", SWEEP_DEFAULTS).map((p) => [p.config.hidden, p.config.latentDim]);
    expect(swiss).toEqual([
      [32, 1],
      [32, 2],
      [32, 8],
      [256, 1],
      [256, 2],
      [256, 8],
      [1024, 1],
      [1024, 2],
      [1024, 8],
    ]);
  });

  it("has a CI preset with a run for every figure, small enough to train in seconds", () => {
    const plan = planSweep("all", SWEEP_PRESETS.ci);
    expect(plan.some((p) => p.sweeps.includes("latent"))).toBe(true);
    expect(plan.some((p) => typeof p.config.beta !== "number")).toBe(true);
    expect(plan.some((p) => p.config.dataset === "swissroll")).toBe(true);
    expect(plan.every((p) => p.config.epochs <= 2 && (p.config.steps ?? 0) <= 100)).toBe(true);
  });
});

describe("the navigator preset and the conv model", () => {
  it("sweeps β 0, 1, 4 and the Latent Space Navigator's warm-up 0 → 4 over 10 epochs", () => {
    const plan = planSweep("beta", SWEEP_PRESETS.navigator);
    expect(plan.map((p) => p.config.beta)).toEqual([0, 1, 4, { from: 0, to: 4, epochs: 10 }]);
    expect(plan.map((p) => p.label)).toEqual([
      "MNIST L=2 β=0",
      "MNIST L=2",
      "MNIST L=2 β=4",
      "MNIST L=2 β 0→4 warm-up",
    ]);
  });

  it("plans the latent and β sweeps with the conv model when asked, the Swiss roll with the MLP", () => {
    const plan = planSweep("all", { ...SWEEP_PRESETS.ci, model: "conv" });
    expect(
      plan
        .filter((p) => p.config.dataset !== "swissroll")
        .every((p) => p.config.model === "conv" && p.label.includes(" conv ")),
    ).toBe(true);
    expect(plan.filter((p) => p.config.dataset === "swissroll").every((p) => p.config.model === "mlp")).toBe(true);
    const mlp = planSweep("latent", SWEEP_PRESETS.ci).map((p) => configKey(p.config));
    expect(
      planSweep("latent", { ...SWEEP_PRESETS.ci, model: "conv" }).some((p) => mlp.includes(configKey(p.config))),
    ).toBe(false);
    // The conv model trains on WASM kernels: its estimate is several times the MLP's.
    expect(estimateSeconds(mnistRunConfig("embedded", 2, 1, 10, 1, "conv"), undefined, "native")).toBeGreaterThan(
      5 * estimateSeconds(mnistRunConfig("embedded", 2, 1, 10, 1), undefined, "native"),
    );
  });
});

describe("run configs", () => {
  it("turns β = warmup into β = 1 reached after the first half of the epochs", () => {
    const c = mnistRunConfig("embedded", 2, "warmup", 20, 42);
    expect(c.beta).toEqual({ from: 0, to: 1, epochs: 10 });
    expect(warmupEpochs(1)).toBe(1);
    expect(warmupEpochs(5)).toBe(2);
    expect(mnistRunConfig("embedded", 2, 4, 20, 42).beta).toBe(4);
  });

  it("keys a config independently of key order and undefined fields", () => {
    const a = swissRunConfig(32, 2, 100, 1);
    const b = Object.fromEntries(Object.entries({ ...a, extra: undefined }).reverse()) as unknown as typeof a;
    expect(configKey(b)).toBe(configKey(a));
    expect(configKey(swissRunConfig(32, 2, 101, 1))).not.toBe(configKey(a));
  });

  it("estimates hidden-1024 Swiss-roll runs as the slow ones", () => {
    expect(estimateSeconds(swissRunConfig(1024, 2, 500, 1))).toBeGreaterThan(
      5 * estimateSeconds(swissRunConfig(256, 2, 500, 1)),
    );
    expect(estimateSeconds(mnistRunConfig("embedded", 2, 1, 20, 1), 60000)).toBeGreaterThan(
      6 * estimateSeconds(mnistRunConfig("embedded", 2, 1, 20, 1), 9000),
    );
  });

  it("estimates the native BLAS path from its own measured costs (the default sweep's runs: MNIST 15–19 s, Swiss 1024 about 21 s)", () => {
    const mnist = mnistRunConfig("embedded", 2, 1, 20, 1);
    const swiss = swissRunConfig(1024, 2, 500, 1);
    expect(estimateSeconds(mnist, undefined, "native")).toBeGreaterThan(10);
    expect(estimateSeconds(mnist, undefined, "native")).toBeLessThan(25);
    expect(estimateSeconds(swiss, undefined, "native")).toBeGreaterThan(14);
    expect(estimateSeconds(swiss, undefined, "native")).toBeLessThan(30);
    expect(estimateSeconds(mnist, undefined, "wasm")).toBeGreaterThan(2 * estimateSeconds(mnist, undefined, "native"));
  });
});

describe("parsing the user's lists", () => {
  it("reads sizes and β values, dropping repeats", () => {
    expect(parseSizeList("2, 5,10,5", "--latent", "a latent dimension")).toEqual([2, 5, 10]);
    expect(parseBetaList("0.5,1,4,warmup")).toEqual([0.5, 1, 4, "warmup"]);
    expect(parseBetaList("WarmUp,0")).toEqual(["warmup", 0]);
  });

  it("refuses latent dimension 0, fractions, words and empty entries, naming the flag and an example", () => {
    expect(() => parseSizeList("2,0", "--latent", "a latent dimension")).toThrow(
      /--latent: a latent dimension must be a whole number ≥ 1, got "0". Example: --latent 2,5,10/,
    );
    expect(() => parseSizeList("2.5", "--latent", "a latent dimension")).toThrow(/got "2.5"/);
    expect(() => parseSizeList("two", "--latent", "a latent dimension")).toThrow(/got "two"/);
    expect(() => parseSizeList("2,,5", "--latent", "a latent dimension")).toThrow(/empty entry/);
    expect(() => parseSizeList("5000", "--latent", "a latent dimension", 256)).toThrow(/larger than 256/);
  });

  it("reads warm-ups to another β, over the first half or a given number of epochs", () => {
    expect(parseBetaList("1,warmup:4,warmup:4:10,warmup:4:10")).toEqual([
      1,
      { from: 0, to: 4 },
      { from: 0, to: 4, epochs: 10 },
    ]);
    expect(mnistRunConfig("embedded", 2, { from: 0, to: 4 }, 20, 42).beta).toEqual({ from: 0, to: 4, epochs: 10 });
    expect(() => parseBetaList("warmup:-4")).toThrow(/the β a warm-up reaches must be a number ≥ 0, got "-4"/);
    expect(() => parseBetaList("warmup:4:0")).toThrow(/a warm-up's epochs must be a whole number ≥ 1, got "0"/);
    expect(betaChoiceText({ from: 0, to: 4, epochs: 10 })).toBe("warmup:4:10");
    for (const choice of SWEEP_PRESETS.navigator.beta) expect(parseBetaList(betaChoiceText(choice))).toEqual([choice]);
  });

  it("refuses negative or unknown β values", () => {
    expect(() => parseBetaList("-1")).toThrow(/β must be a number ≥ 0 or "warmup", got "-1"/);
    expect(() => parseBetaList("1,anneal")).toThrow(/got "anneal"/);
  });
});

describe("IDX datasets", () => {
  it("label Fashion-MNIST runs as such and estimate them at 60,000 training images", () => {
    const fashion = mnistRunConfig("/usr/share/datasets/fashion-mnist", 2, 1, 1, 42);
    expect(runLabel(fashion)).toBe("Fashion-MNIST L=2");
    expect(runLabel(mnistRunConfig("/data/mnist", 2, 1, 1, 42))).toBe("MNIST (IDX) L=2");
    expect(estimateSeconds(fashion)).toBeCloseTo(estimateSeconds(mnistRunConfig("embedded", 2, 1, 1, 42), 60000), 9);
  });
});
