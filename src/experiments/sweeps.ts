/**
 * The instructor experiments as data: one run's exact configuration, the three sweeps (latent
 * dimension, β, Swiss-roll hidden × latent size), the presets, and a rough cost model so a sweep can
 * say up front how long it will take.
 *
 * - Latent sweep: MNIST VAE 784 → 400 → L (Kingma & Welling 2014, §5), L in 2, 5, 10, 20, β = 1;
 *   with `model: "conv"` the convolutional VAE (src/vae/convVae.ts) instead.
 * - β sweep: the same model at L = 2 (a drawable latent map) with β in 0.5, 1, 4 (Higgins et al.
 *   2017, β-VAE) and a linear KL warm-up 0 → 1 over the first half of training (Bowman et al. 2016);
 *   the "navigator" preset: β 0, 1, 4 and the Latent Space Navigator's warm-up 0 → 4 over 10 epochs.
 * - Swiss sweep: lesson 1's model (3 hidden layers, mean reduction, β = 0.01) at hidden 32/256/1024
 *   and latent 1/2/8 (always the MLP).
 * A run's identity is its whole config: the same config is the same run, whichever sweep asked.
 * β is one `BetaSchedule` (train.ts), as everywhere else: a number, or { from, to, epochs }.
 */
import { stableStringify } from "../json";
import type { Reduction } from "../vae/losses";
import { finalBeta, MNIST_JOB_DEFAULTS } from "../mnistJob";
import type { BetaSchedule } from "../vae/train";

export const EMBEDDED = "embedded";
export const SWISS_ROLL = "swissroll";

/** Everything that determines a run. Stored verbatim in the results file; equal configs = same run. */
export interface RunConfig {
  /** "embedded" (the 10,000 digits shipped with vae-lab), "swissroll", or an absolute IDX folder. */
  dataset: string;
  /** "conv": the convolutional VAE (MNIST only; `hidden` and `depth` do not apply to it). */
  model: "mlp" | "conv";
  latentDim: number;
  /** The KL weight: a constant, or a linear warm-up { from, to, epochs } (MNIST). */
  beta: BetaSchedule;
  /** Units per hidden layer. */
  hidden: number;
  /** Hidden layers in the encoder (mirrored in the decoder). */
  depth: number;
  /** Passes over the training images; 1 for the Swiss roll, which trains on `steps` fresh batches. */
  epochs: number;
  /** Swiss roll only: optimiser steps, each on a fresh batch. */
  steps?: number;
  batchSize: number;
  learningRate: number;
  reduction: Reduction;
  seed: number;
}

/**
 * A β of the β sweep: a schedule, or "warmup" (0 → 1 over the first half of the epochs). A warm-up
 * without `epochs` lasts the first half of the epochs too.
 */
export type BetaChoice = BetaSchedule | "warmup";

export interface SweepOptions {
  dataset: string;
  /** The MNIST model of the latent and β sweeps (default "mlp"). */
  model?: "mlp" | "conv";
  latent: number[];
  beta: BetaChoice[];
  hidden: number[];
  swissLatent: number[];
  epochs: number;
  steps: number;
  seed: number;
}

export const SWEEP_NAMES = ["latent", "beta", "swiss", "all"] as const;
export type SweepName = (typeof SWEEP_NAMES)[number];

/** The default sweep (`npm run experiment`): ~10 minutes on a 2-core machine with WASM. */
export const SWEEP_DEFAULTS: SweepOptions = {
  dataset: EMBEDDED,
  latent: [2, 5, 10, 20],
  beta: [0.5, 1, 4, "warmup"],
  hidden: [32, 256, 1024],
  swissLatent: [1, 2, 8],
  epochs: 20,
  steps: 500,
  seed: MNIST_JOB_DEFAULTS.seed,
};

/**
 * Sweeps the notebook runs itself when no results exist: "small" (a couple of minutes, hidden 1024
 * left out) and "ci" (seconds: enough runs for every figure, not enough training to teach from).
 */
export const SWEEP_PRESETS: Record<"default" | "small" | "ci" | "navigator", SweepOptions> = {
  default: SWEEP_DEFAULTS,
  small: { ...SWEEP_DEFAULTS, epochs: 5, hidden: [32, 256], steps: 300 },
  ci: {
    ...SWEEP_DEFAULTS,
    latent: [2, 5],
    beta: [1, 4, "warmup"],
    hidden: [32],
    swissLatent: [1, 2],
    epochs: 2,
    steps: 100,
  },
  /** β as the Latent Space Navigator trains it: 0, 1, 4 and a warm-up 0 → 4 over 10 of 20 epochs. */
  navigator: { ...SWEEP_DEFAULTS, beta: [0, 1, 4, { from: 0, to: 4, epochs: 10 }], epochs: 20 },
};
export const PRESET_NAMES = Object.keys(SWEEP_PRESETS) as (keyof typeof SWEEP_PRESETS)[];

/** One entry of a plan: the config, which sweep(s) asked for it, and a short label. */
export interface PlannedRun {
  config: RunConfig;
  sweeps: SweepName[];
  label: string;
}

export function isSwissRoll(config: RunConfig): boolean {
  return config.dataset === SWISS_ROLL;
}

/** The β schedule a choice means for a run of `epochs` epochs. */
export function betaScheduleOf(choice: BetaChoice, epochs: number): BetaSchedule {
  if (choice === "warmup") return { from: 0, to: 1, epochs: warmupEpochs(epochs) };
  if (typeof choice === "number" || choice.epochs !== undefined || choice.steps !== undefined) return choice;
  return { ...choice, epochs: warmupEpochs(epochs) };
}

/** The MNIST run of the latent and β sweeps. */
export function mnistRunConfig(
  dataset: string,
  latentDim: number,
  beta: BetaChoice,
  epochs: number,
  seed: number,
  model: "mlp" | "conv" = "mlp",
): RunConfig {
  return {
    dataset,
    model,
    latentDim,
    beta: betaScheduleOf(beta, epochs),
    hidden: MNIST_JOB_DEFAULTS.hidden,
    depth: 1,
    epochs,
    batchSize: MNIST_JOB_DEFAULTS.batchSize,
    learningRate: MNIST_JOB_DEFAULTS.learningRate,
    reduction: "sum",
    seed,
  };
}

/** Warm-up over the first half of training (at least one epoch), so β = 1 for the second half. */
export function warmupEpochs(epochs: number): number {
  return Math.max(1, Math.floor(epochs / 2));
}

/** Lesson 1's Swiss-roll setup (steps of 128 fresh points, Adam 1e-3, mean reduction, β = 0.01). */
export function swissRunConfig(hidden: number, latentDim: number, steps: number, seed: number): RunConfig {
  return {
    dataset: SWISS_ROLL,
    model: "mlp",
    latentDim,
    beta: 0.01,
    hidden,
    depth: 3,
    epochs: 1,
    steps,
    batchSize: 128,
    learningRate: 1e-3,
    reduction: "mean",
    seed,
  };
}

/** "MNIST L=10", "MNIST L=2 β=4", "MNIST L=2 β 0→1 warm-up", "MNIST conv L=2", "Swiss roll hidden 256 L=2". */
export function runLabel(config: RunConfig): string {
  if (isSwissRoll(config)) return `Swiss roll hidden ${config.hidden} L=${config.latentDim}`;
  const b = config.beta;
  const beta = typeof b !== "number" ? ` β ${b.from}→${b.to} warm-up` : b !== 1 ? ` β=${b}` : "";
  const data =
    config.dataset === EMBEDDED ? "MNIST" : /fashion/i.test(config.dataset) ? "Fashion-MNIST" : "MNIST (IDX)";
  return `${data}${config.model === "conv" ? " conv" : ""} L=${config.latentDim}${beta}`;
}

/** The final β of the run (the constant, or where its warm-up ends). */
export function runBeta(config: RunConfig): number {
  return finalBeta(config.beta);
}

/**
 * The runs of a sweep, in order, each config once (the latent sweep's L = 2, β = 1 run is also the
 * β sweep's β = 1 run).
 *
 * @example
 * planSweep("latent", SWEEP_DEFAULTS).map((p) => p.label); //=> ["MNIST L=2", "MNIST L=5", "MNIST L=10", "MNIST L=20"]
 */
export function planSweep(name: SweepName, options: SweepOptions): PlannedRun[] {
  const plan: PlannedRun[] = [];
  const add = (sweep: SweepName, config: RunConfig) => {
    const key = configKey(config);
    const existing = plan.find((p) => configKey(p.config) === key);
    if (existing) {
      if (!existing.sweeps.includes(sweep)) existing.sweeps.push(sweep);
    } else {
      plan.push({ config, sweeps: [sweep], label: runLabel(config) });
    }
  };
  const model = options.model ?? "mlp";
  if (name === "latent" || name === "all")
    for (const L of options.latent)
      add("latent", mnistRunConfig(options.dataset, L, 1, options.epochs, options.seed, model));
  if (name === "beta" || name === "all")
    for (const b of options.beta)
      add("beta", mnistRunConfig(options.dataset, 2, b, options.epochs, options.seed, model));
  if (name === "swiss" || name === "all") {
    for (const h of options.hidden)
      for (const L of options.swissLatent) add("swiss", swissRunConfig(h, L, options.steps, options.seed));
  }
  return plan;
}

/**
 * A canonical string of a config (keys sorted, undefined dropped): the identity of a run.
 *
 * @example
 * configKey({ b: 1, a: 2 } as unknown as RunConfig); //=> '{"a":2,"b":1}'
 */
export function configKey(config: RunConfig): string {
  return stableStringify(config);
}

// ---- cost model ----------------------------------------------------------------------------------
// Measured on the 2-core development machine (rough; only for the up-front estimate — the progress
// bar's ETA is calibrated by the measured speed as the sweep runs).
// - WASM alone: an MNIST epoch over 9,000 images ≈ 1.8–2.5 s (≈ 0.25 ms per image, latent size barely
//   matters); a Swiss-roll step ≈ 8 ms at hidden 32, 23 ms at 256, 200 ms at 1024 (the 1024 × 1024
//   layers dominate: cost grows with hidden²).
// - WASM + native BLAS (src/engine/native.ts): the default sweep's MNIST runs took 15–19 s for 20
//   epochs (≈ 0.07 ms per image), Swiss-roll runs 0.5 s / 1.7 s / 21 s for 500 steps at 32 / 256 / 1024.
// - The conv VAE trains on WASM kernels either way (about 12 s per 10,000-image epoch, issue 17):
//   ≈ 1.2 ms per image.
export type ComputePath = "wasm" | "native";
const COSTS: Record<
  ComputePath,
  {
    mnistPerImage: number;
    convPerImage: number;
    mnistEvalPerEpoch: number;
    swissPerStep: (hidden: number, depth: number) => number;
  }
> = {
  wasm: {
    mnistPerImage: 2.5e-4,
    convPerImage: 1.2e-3,
    mnistEvalPerEpoch: 0.15,
    swissPerStep: (h, depth) => 0.008 + 1.8e-7 * h * h * (depth / 3),
  },
  native: {
    mnistPerImage: 7e-5,
    convPerImage: 1.2e-3,
    mnistEvalPerEpoch: 0.15,
    swissPerStep: (h, depth) => 0.001 + 3.8e-8 * h * h * (depth / 3),
  },
};

/**
 * Training images of an MNIST run, for the estimate: 9,000 of the embedded 10,000 (90/10 split);
 * an IDX folder is assumed to hold the standard 60,000 (MNIST, Fashion-MNIST) — only an estimate.
 */
export function trainImagesOf(config: RunConfig): number {
  return config.dataset === EMBEDDED ? 9000 : 60000;
}

/** Rough seconds a run takes here on `path`; `trainImages` is the training set's size (MNIST). */
export function estimateSeconds(
  config: RunConfig,
  trainImages = trainImagesOf(config),
  path: ComputePath = "wasm",
): number {
  const cost = COSTS[path];
  if (isSwissRoll(config)) return (config.steps ?? 0) * cost.swissPerStep(config.hidden, config.depth);
  const perImage =
    config.model === "conv" ? cost.convPerImage : (cost.mnistPerImage * config.hidden) / MNIST_JOB_DEFAULTS.hidden;
  return config.epochs * (trainImages * perImage + cost.mnistEvalPerEpoch);
}

// ---- the user's lists ----------------------------------------------------------------------------

/**
 * "2,5,10,20" → [2, 5, 10, 20]: whole numbers ≥ 1, each once. Throws an Error naming the flag, the
 * bad entry and what is allowed.
 *
 * @example
 * parseSizeList("2, 5,10", "--latent", "latent dimension"); //=> [2, 5, 10]
 */
export function parseSizeList(text: string, flag: string, what: string, max = 4096): number[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === ""))
    throw new Error(`${flag} "${text}" has an empty entry; give a comma-separated list such as ${flag} 2,5,10.`);
  const values = items.map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`${flag}: ${what} must be a whole number ≥ 1, got "${s}". Example: ${flag} 2,5,10.`);
    if (v > max) throw new Error(`${flag}: ${what} ${v} is larger than ${max}; pick a smaller one.`);
    return v;
  });
  return [...new Set(values)];
}

/**
 * "0.5,1,4,warmup" → [0.5, 1, 4, "warmup"]: numbers ≥ 0, "warmup" (β 0 → 1 over the first half of
 * the epochs), "warmup:B" (0 → B over the first half) or "warmup:B:E" (0 → B over E epochs).
 *
 * @example
 * parseBetaList("1,warmup,warmup:4:10"); //=> [1, "warmup", { from: 0, to: 4, epochs: 10 }]
 */
export function parseBetaList(text: string, flag = "--beta"): BetaChoice[] {
  const example = `${flag} 0.5,1,4,warmup,warmup:4:10`;
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === ""))
    throw new Error(`${flag} "${text}" has an empty entry; give a comma-separated list such as ${example}.`);
  const values = items.map((s): BetaChoice => {
    if (s.toLowerCase() === "warmup") return "warmup";
    const warm = /^warmup:([^:]+)(?::([^:]+))?$/i.exec(s);
    if (warm) {
      const to = Number(warm[1]),
        epochs = warm[2] === undefined ? undefined : Number(warm[2]);
      if (!(Number.isFinite(to) && to >= 0))
        throw new Error(
          `${flag}: the β a warm-up reaches must be a number ≥ 0, got "${warm[1]}" in "${s}". Example: ${example}.`,
        );
      if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1))
        throw new Error(
          `${flag}: a warm-up's epochs must be a whole number ≥ 1, got "${warm[2]}" in "${s}". Example: ${example}.`,
        );
      return epochs === undefined ? { from: 0, to } : { from: 0, to, epochs };
    }
    const v = Number(s);
    if (!Number.isFinite(v) || v < 0)
      throw new Error(
        `${flag}: each β must be a number ≥ 0 or "warmup", got "${s}" ("warmup:B" warms up to B, "warmup:B:E" over E epochs). Example: ${example}.`,
      );
    return v;
  });
  return [...new Map(values.map((v) => [stableStringify(v), v])).values()]; // each once, first order kept
}

/**
 * A β choice as the command line writes it (the inverse of `parseBetaList`).
 *
 * @example
 * betaChoiceText({ from: 0, to: 4, epochs: 10 }); //=> "warmup:4:10"
 */
export function betaChoiceText(choice: BetaChoice): string {
  if (choice === "warmup" || typeof choice === "number") return String(choice);
  return `warmup:${choice.to}${choice.epochs !== undefined ? `:${choice.epochs}` : ""}`;
}
