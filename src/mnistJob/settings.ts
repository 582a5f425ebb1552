/**
 * The MNIST job's settings: the defaults `npm start` and lesson 2 use, the model they build, the β
 * schedule in words, and the canonical key a checkpoint stores them under.
 */
import { stableStringify } from "../json";
import { convMnistVae, mnistVae } from "../vae/presets";
import type { BetaSchedule } from "../vae/train";
import type { VaeConfig } from "../vae/types";

export interface MnistJobSettings {
  model: "mlp" | "conv";
  latentDim: number;
  /** Units per hidden layer (mlp; the conv model's layers are fixed). */
  hidden: number;
  /** Hidden layers of the mlp encoder, mirrored in the decoder; omitted: 1. */
  depth?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** A constant β, or a linear warm-up such as { from: 0, to: 4, epochs: 10 } (train.ts `betaAt`). */
  beta: BetaSchedule;
  seed: number;
  /** A folder of IDX files (full MNIST or Fashion-MNIST); undefined for the embedded 10k digits. */
  dataDir?: string;
}

export const MNIST_JOB_DEFAULTS: MnistJobSettings = {
  model: "mlp",
  latentDim: 2,
  hidden: 400,
  epochs: 30,
  batchSize: 128,
  learningRate: 1e-3,
  beta: 1,
  seed: 42,
};

export function modelConfigFor(settings: MnistJobSettings): VaeConfig {
  if (settings.model === "conv") return { ...convMnistVae(settings.latentDim) };
  const config = mnistVae(settings.latentDim, settings.hidden);
  const depth = settings.depth ?? 1;
  return depth === 1 ? config : { ...config, hiddenDims: Array.from({ length: depth }, () => settings.hidden) };
}

/** The final β of a schedule: the constant, or where a warm-up ends. */
export function finalBeta(beta: BetaSchedule): number {
  return typeof beta === "number" ? beta : beta.to;
}

/**
 * A β schedule in words.
 *
 * @example
 * betaScheduleText(4);                               //=> "β = 4"
 * betaScheduleText({ from: 0, to: 4, epochs: 10 });  //=> "β 0 → 4 over 10 epochs"
 */
export function betaScheduleText(beta: BetaSchedule): string {
  if (typeof beta === "number") return `β = ${beta}`;
  const span = beta.epochs ?? beta.steps ?? 0;
  const unit = beta.epochs !== undefined ? "epoch" : "step";
  return `β ${beta.from} → ${beta.to} over ${span} ${unit}${span === 1 ? "" : "s"}`;
}

/** Settings as stored in the checkpoint, for the reuse check (order-independent, JSON-safe). */
export function settingsKey(settings: MnistJobSettings): string {
  // depth 1 is the default, stored as absent: checkpoints saved before depth existed keep matching.
  const depth = (settings.depth ?? 1) === 1 ? undefined : settings.depth;
  return stableStringify({ ...settings, depth, dataDir: settings.dataDir ?? null });
}
