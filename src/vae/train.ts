/**
 * The training loop: Adam (Kingma & Ba, 2015) on the negative ELBO, over fresh batches from a sampler
 * (the Swiss roll: `steps`) or over a dataset in shuffled epochs (MNIST: `epochs`).
 *
 * It reports through callbacks and never prints or plots. Every step runs inside `tf.tidy`, so the
 * number of live tensors stays constant. The loss is read back every step (three scalars, ~12 µs each
 * on WASM) to catch NaN/Inf at the step where it happens and to feed progress displays.
 */
import * as tf from "@tensorflow/tfjs";
import { elbo, type Reduction } from "./losses";
import { forward } from "./vae";
import type { Reparameterize, Vae } from "./types";
import { adam } from "./optim";
import { Rng } from "./random";

/** Where batches come from. */
export type TrainingData =
  | { kind: "sampler"; dim: number; sample: (batchSize: number, rng: Rng) => Float32Array }
  | { kind: "dataset"; dim: number; n: number; rows: Float32Array };

/** β as a constant, or a linear warm-up from `from` to `to` over `epochs` (or `steps`). */
export type BetaSchedule = number | { from: number; to: number; epochs?: number; steps?: number };

export interface TrainConfig {
  /** Number of optimiser steps (sampler data), or … */
  steps?: number;
  /** … number of passes over the dataset (dataset data). */
  epochs?: number;
  batchSize: number;
  learningRate: number;
  beta: BetaSchedule;
  reduction: Reduction;
  seed: number;
  /** Call `onSnapshot` every this many steps (and after the last). */
  snapshotEvery?: number;
}

export interface LossValues {
  total: number;
  recon: number;
  kl: number;
}

export interface StepInfo extends LossValues {
  step: number; // 1-based
  epoch: number; // 1-based; 1 for sampler data
  beta: number;
  totalSteps: number;
}

export interface EpochInfo extends LossValues {
  epoch: number;
  epochs: number;
  steps: number;
  beta: number;
  seconds: number;
}

export interface TrainCallbacks {
  onStep?: (info: StepInfo) => void;
  onEpoch?: (info: EpochInfo) => void | Promise<void>;
  onSnapshot?: (info: { step: number; model: Vae }) => void | Promise<void>;
  /** Set it to stop after the current step; training returns what it has with `stopped: true`. */
  signal?: AbortSignal;
  /** Use the learner's reparameterize instead of the library's. */
  reparameterize?: Reparameterize;
  /**
   * Use the learner's whole loss instead of the library's forward pass + ELBO (lesson 1's
   * computeVaeLoss). It must return scalar tensors { total, recon, kl }.
   */
  loss?: (model: Vae, x: tf.Tensor2D, beta: number) => { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };
}

export interface TrainResult {
  steps: number;
  epochs: number;
  seconds: number;
  stopped: boolean;
  /** Per step (sampler data) or per epoch (dataset data): mean losses. */
  history: (LossValues & { step: number; epoch: number; beta: number })[];
  final: LossValues;
}

export class TrainingDivergedError extends Error {
  constructor(readonly step: number, readonly values: LossValues) {
    super(
      `Training diverged at step ${step}: the loss became ${fmt(values.total)} (reconstruction ${fmt(values.recon)}, KL ${fmt(values.kl)}). ` +
        `Try a smaller learning rate, or check that logVar is not exponentiated twice.`,
    );
    this.name = "TrainingDivergedError";
  }
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : String(v);
}

/** β at a given point of training. `progress` counts epochs (dataset) or steps (sampler) done. */
export function betaAt(schedule: BetaSchedule, epochsDone: number, stepsDone: number): number {
  if (typeof schedule === "number") return schedule;
  const span = schedule.epochs ?? schedule.steps;
  if (!span || span <= 0) return schedule.to;
  const done = schedule.epochs !== undefined ? epochsDone : stepsDone;
  const f = Math.min(1, done / span);
  return schedule.from + (schedule.to - schedule.from) * f;
}

function validate(model: Vae, data: TrainingData, config: TrainConfig): void {
  const bad = (what: string) => {
    throw new Error(`train: ${what}`);
  };
  if (!(Number.isInteger(config.batchSize) && config.batchSize > 0)) bad(`batchSize must be a positive integer, got ${config.batchSize}.`);
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate))) bad(`learningRate must be > 0, got ${config.learningRate}.`);
  const inputDim = model.config.kind === "mlp" ? model.config.inputDim : model.config.imageSize ** 2;
  if (data.dim !== inputDim) bad(`the data has ${data.dim} values per example but the model expects ${inputDim}.`);
  if (data.kind === "sampler") {
    if (!(Number.isInteger(config.steps) && config.steps! > 0)) bad(`sampler data needs steps (a positive integer), got ${config.steps}.`);
  } else {
    if (!(Number.isInteger(config.epochs) && config.epochs! > 0)) bad(`dataset data needs epochs (a positive integer), got ${config.epochs}.`);
    if (data.rows.length !== data.n * data.dim) bad(`dataset rows hold ${data.rows.length} values, expected n × dim = ${data.n * data.dim}.`);
    if (data.n < 1) bad("the dataset is empty.");
  }
}

/** Trains `model` in place. Resolves when done or stopped; rejects with TrainingDivergedError on NaN/Inf. */
export async function train(model: Vae, data: TrainingData, config: TrainConfig, callbacks: TrainCallbacks = {}): Promise<TrainResult> {
  validate(model, data, config);
  const rng = new Rng(config.seed);
  const dataRng = rng.fork("data");
  const epsRng = rng.fork("eps");
  // Fused Adam (src/vae/optim.ts): tf.train.adam's float32 arithmetic, one kernel call per step.
  const optimizer = adam(config.learningRate);
  const likelihood = model.config.likelihood;
  const started = performance.now();
  const history: TrainResult["history"] = [];
  let lastYield = performance.now();

  const batchesPerEpoch = data.kind === "dataset" ? Math.ceil(data.n / config.batchSize) : config.steps!;
  const epochs = data.kind === "dataset" ? config.epochs! : 1;
  const totalSteps = batchesPerEpoch * epochs;
  let step = 0;
  let stopped = false;
  let final: LossValues = { total: NaN, recon: NaN, kl: NaN };

  const runStep = (xValues: Float32Array, rows: number, beta: number): LossValues => {
    const parts = tf.tidy(() => {
      const x = tf.tensor2d(xValues, [rows, data.dim]); // [batch, dim]
      let recon!: tf.Scalar;
      let kl!: tf.Scalar;
      const { value, grads } = tf.variableGrads(() => {
        let l: { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };
        if (callbacks.loss) {
          l = callbacks.loss(model, x, beta);
          for (const k of ["total", "recon", "kl"] as const) {
            if (!(l?.[k] instanceof tf.Tensor) || l[k].size !== 1) throw new Error(`train: the loss function must return scalar tensors { total, recon, kl }; "${k}" is not one.`);
          }
        } else {
          const f = forward(model, x, { rng: epsRng, reparameterize: callbacks.reparameterize });
          l = elbo(x, f.out, f.mu, f.logVar, { likelihood, reduction: config.reduction, beta });
        }
        recon = tf.keep(tf.reshape(l.recon, []) as tf.Scalar);
        kl = tf.keep(tf.reshape(l.kl, []) as tf.Scalar);
        return tf.reshape(l.total, []) as tf.Scalar;
      }, model.variables);
      optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      const stacked = tf.stack([value, recon, kl]); // [3]
      recon.dispose();
      kl.dispose();
      return stacked;
    });
    const [total, reconV, klV] = parts.dataSync();
    parts.dispose();
    return { total, recon: reconV, kl: klV };
  };

  try {
    for (let epoch = 1; epoch <= epochs && !stopped; epoch++) {
      const epochStart = performance.now();
      const beta = betaAt(config.beta, epoch - 1, step);
      const order = data.kind === "dataset" ? dataRng.permutation(data.n) : null;
      const sums = { total: 0, recon: 0, kl: 0 };
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        const stepBeta = data.kind === "sampler" ? betaAt(config.beta, 0, step) : beta;
        let xValues: Float32Array;
        let rows: number;
        if (data.kind === "sampler") {
          rows = config.batchSize;
          xValues = data.sample(rows, dataRng);
        } else {
          const start = b * config.batchSize;
          rows = Math.min(config.batchSize, data.n - start);
          xValues = new Float32Array(rows * data.dim);
          for (let r = 0; r < rows; r++) {
            const src = order![start + r] * data.dim;
            xValues.set(data.rows.subarray(src, src + data.dim), r * data.dim);
          }
        }
        const values = runStep(xValues, rows, stepBeta);
        step++;
        if (!Number.isFinite(values.total) || !Number.isFinite(values.recon) || !Number.isFinite(values.kl)) {
          throw new TrainingDivergedError(step, values);
        }
        final = values;
        sums.total += values.total * rows;
        sums.recon += values.recon * rows;
        sums.kl += values.kl * rows;
        seen += rows;
        if (data.kind === "sampler") history.push({ ...values, step, epoch, beta: stepBeta });
        callbacks.onStep?.({ ...values, step, epoch, beta: stepBeta, totalSteps });
        if (config.snapshotEvery && (step % config.snapshotEvery === 0)) await callbacks.onSnapshot?.({ step, model });
        if (callbacks.signal?.aborted) {
          stopped = true;
          break;
        }
        // Give the event loop a turn now and then, so progress displays and Ctrl-C stay responsive.
        if (performance.now() - lastYield > 100) {
          await new Promise((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
      if (data.kind === "dataset" && seen > 0) {
        const mean = { total: sums.total / seen, recon: sums.recon / seen, kl: sums.kl / seen };
        history.push({ ...mean, step, epoch, beta });
        await callbacks.onEpoch?.({ ...mean, epoch, epochs, steps: step, beta, seconds: (performance.now() - epochStart) / 1000 });
      }
    }
    if (config.snapshotEvery && step % config.snapshotEvery !== 0) await callbacks.onSnapshot?.({ step, model });
  } finally {
    optimizer.dispose();
  }
  return {
    steps: step,
    epochs: data.kind === "dataset" ? history.length : 1,
    seconds: (performance.now() - started) / 1000,
    stopped,
    history,
    final,
  };
}
