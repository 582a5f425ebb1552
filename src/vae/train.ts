/**
 * The training loop: Adam (Kingma & Ba, 2015) on the negative ELBO, over fresh batches from a sampler
 * (the Swiss roll: `steps`) or over a dataset in shuffled epochs (MNIST: `epochs`).
 *
 * Read it top to bottom from `train`: `trainEpoch` runs the batches of one epoch; each batch comes
 * from `nextBatch`, `trainStep` takes one Adam step on `batchLoss` (forward pass + negative ELBO),
 * and `reportStep` calls the callbacks.
 *
 * It reports through callbacks and never prints or plots. Every step runs inside `tf.tidy`, so the
 * number of live tensors stays constant. The loss is read back every step (three scalars, ~12 µs each
 * on WASM) to catch NaN/Inf at the step where it happens and to feed progress displays.
 */
import * as tf from "@tensorflow/tfjs";
import { elbo, type Reduction } from "./losses";
import { forward } from "./vae";
import type { Reparameterize, Vae } from "./types";
import { adam, type Optimizer } from "./optim";
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
  constructor(
    readonly step: number,
    readonly values: LossValues,
  ) {
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
  if (!(Number.isInteger(config.batchSize) && config.batchSize > 0))
    bad(`batchSize must be a positive integer, got ${config.batchSize}.`);
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate)))
    bad(`learningRate must be > 0, got ${config.learningRate}.`);
  const inputDim = model.config.kind === "mlp" ? model.config.inputDim : model.config.imageSize ** 2;
  if (data.dim !== inputDim) bad(`the data has ${data.dim} values per example but the model expects ${inputDim}.`);
  if (data.kind === "sampler") {
    if (!(Number.isInteger(config.steps) && config.steps! > 0))
      bad(`sampler data needs steps (a positive integer), got ${config.steps}.`);
  } else {
    if (!(Number.isInteger(config.epochs) && config.epochs! > 0))
      bad(`dataset data needs epochs (a positive integer), got ${config.epochs}.`);
    if (data.rows.length !== data.n * data.dim)
      bad(`dataset rows hold ${data.rows.length} values, expected n × dim = ${data.n * data.dim}.`);
    if (data.n < 1) bad("the dataset is empty.");
  }
}

/** What one call of train() keeps while it runs. */
interface Run {
  model: Vae;
  data: TrainingData;
  config: TrainConfig;
  callbacks: TrainCallbacks;
  dataRng: Rng; // batches (sampler draws, epoch permutations)
  epsRng: Rng; // the reparameterization's eps
  optimizer: Optimizer;
  epochs: number;
  batchesPerEpoch: number;
  totalSteps: number;
  step: number; // steps done
  stopped: boolean;
  history: TrainResult["history"];
  final: LossValues;
  started: number;
  lastYield: number;
}

/** Trains `model` in place. Resolves when done or stopped; rejects with TrainingDivergedError on NaN/Inf. */
export async function train(
  model: Vae,
  data: TrainingData,
  config: TrainConfig,
  callbacks: TrainCallbacks = {},
): Promise<TrainResult> {
  validate(model, data, config);
  const run = startRun(model, data, config, callbacks);
  try {
    for (let epoch = 1; epoch <= run.epochs && !run.stopped; epoch++) await trainEpoch(run, epoch);
    if (config.snapshotEvery && run.step % config.snapshotEvery !== 0)
      await callbacks.onSnapshot?.({ step: run.step, model });
  } finally {
    run.optimizer.dispose();
  }
  return {
    steps: run.step,
    epochs: data.kind === "dataset" ? run.history.length : 1,
    seconds: (performance.now() - run.started) / 1000,
    stopped: run.stopped,
    history: run.history,
    final: run.final,
  };
}

function startRun(model: Vae, data: TrainingData, config: TrainConfig, callbacks: TrainCallbacks): Run {
  const rng = new Rng(config.seed);
  const epochs = data.kind === "dataset" ? config.epochs! : 1;
  const batchesPerEpoch = data.kind === "dataset" ? Math.ceil(data.n / config.batchSize) : config.steps!;
  return {
    model,
    data,
    config,
    callbacks,
    dataRng: rng.fork("data"),
    epsRng: rng.fork("eps"),
    optimizer: adam(config.learningRate),
    epochs,
    batchesPerEpoch,
    totalSteps: batchesPerEpoch * epochs,
    step: 0,
    stopped: false,
    history: [],
    final: { total: NaN, recon: NaN, kl: NaN },
    started: performance.now(),
    lastYield: performance.now(),
  };
}

/** One pass over the dataset (or all `steps` of a sampler), then the epoch's report. */
async function trainEpoch(run: Run, epoch: number): Promise<void> {
  const { data, config, callbacks } = run;
  const epochStart = performance.now();
  const beta = betaAt(config.beta, epoch - 1, run.step);
  const order = data.kind === "dataset" ? run.dataRng.permutation(data.n) : null; // a fresh shuffle
  const sums = { total: 0, recon: 0, kl: 0 };
  let seen = 0;
  for (let b = 0; b < run.batchesPerEpoch; b++) {
    const stepBeta = data.kind === "sampler" ? betaAt(config.beta, 0, run.step) : beta;
    const batch = nextBatch(data, config.batchSize, b, order, run.dataRng);
    const values = trainStep(run, batch, stepBeta);
    run.step++;
    if (!Number.isFinite(values.total) || !Number.isFinite(values.recon) || !Number.isFinite(values.kl)) {
      throw new TrainingDivergedError(run.step, values);
    }
    run.final = values;
    sums.total += values.total * batch.rows;
    sums.recon += values.recon * batch.rows;
    sums.kl += values.kl * batch.rows;
    seen += batch.rows;
    await reportStep(run, values, epoch, stepBeta);
    if (callbacks.signal?.aborted) {
      run.stopped = true;
      break;
    }
    await yieldNowAndThen(run);
  }
  if (data.kind === "dataset" && seen > 0) {
    const mean = { total: sums.total / seen, recon: sums.recon / seen, kl: sums.kl / seen };
    run.history.push({ ...mean, step: run.step, epoch, beta });
    await callbacks.onEpoch?.({
      ...mean,
      epoch,
      epochs: run.epochs,
      steps: run.step,
      beta,
      seconds: (performance.now() - epochStart) / 1000,
    });
  }
}

/** Batch `b` of the epoch: fresh draws from a sampler, or rows `order[b·size …]` of a dataset. */
function nextBatch(
  data: TrainingData,
  batchSize: number,
  b: number,
  order: Int32Array | null,
  rng: Rng,
): { values: Float32Array; rows: number } {
  if (data.kind === "sampler") return { values: data.sample(batchSize, rng), rows: batchSize };
  const start = b * batchSize;
  const rows = Math.min(batchSize, data.n - start); // the last batch may be partial
  const values = new Float32Array(rows * data.dim); // [rows, dim]
  for (let r = 0; r < rows; r++) {
    const src = order![start + r] * data.dim;
    values.set(data.rows.subarray(src, src + data.dim), r * data.dim);
  }
  return { values, rows };
}

/** The loss of one batch: the learner's own (callbacks.loss), else forward pass + negative ELBO. */
function batchLoss(run: Run, x: tf.Tensor2D, beta: number): { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor } {
  const { model, callbacks } = run;
  if (callbacks.loss) {
    const l = callbacks.loss(model, x, beta);
    for (const k of ["total", "recon", "kl"] as const) {
      if (!(l?.[k] instanceof tf.Tensor) || l[k].size !== 1)
        throw new Error(`train: the loss function must return scalar tensors { total, recon, kl }; "${k}" is not one.`);
    }
    return l;
  }
  const f = forward(model, x, { rng: run.epsRng, reparameterize: callbacks.reparameterize });
  return elbo(x, f.out, f.mu, f.logVar, { likelihood: model.config.likelihood, reduction: run.config.reduction, beta });
}

/** One optimiser step on one batch, inside tf.tidy; returns the batch's losses as numbers. */
function trainStep(run: Run, batch: { values: Float32Array; rows: number }, beta: number): LossValues {
  const losses = tf.tidy(() => {
    const x = tf.tensor2d(batch.values, [batch.rows, run.data.dim]); // [batch, dim]
    let recon!: tf.Scalar;
    let kl!: tf.Scalar;
    const { value, grads } = tf.variableGrads(() => {
      const l = batchLoss(run, x, beta);
      // The learner's loss may return tensors it keeps (a cached tf.scalar(0)): always new ones here,
      // since these are disposed after the step. The library's elbo returns fresh scalars.
      const own = (t: tf.Tensor) => (run.callbacks.loss ? (tf.reshape(t, []) as tf.Scalar) : scalar(t));
      recon = tf.keep(own(l.recon));
      kl = tf.keep(own(l.kl));
      return own(l.total);
    }, run.model.variables);
    run.optimizer.applyGradients(grads);
    return [value, recon, kl];
  });
  // Three reads of one number each: cheaper than stacking them into one tensor (four more kernels).
  const [total, recon, kl] = losses.map((t) => t.dataSync()[0]);
  tf.dispose(losses);
  return { total, recon, kl };
}

/** `t` as a rank-0 tensor; itself when it already is one (a reshape is a kernel call per step). */
function scalar(t: tf.Tensor): tf.Scalar {
  return (t.rank === 0 ? t : tf.reshape(t, [])) as tf.Scalar;
}

/** The step's callbacks: onStep every step, onSnapshot every `snapshotEvery` steps. */
async function reportStep(run: Run, values: LossValues, epoch: number, beta: number): Promise<void> {
  const { step } = run;
  if (run.data.kind === "sampler") run.history.push({ ...values, step, epoch, beta });
  run.callbacks.onStep?.({ ...values, step, epoch, beta, totalSteps: run.totalSteps });
  if (run.config.snapshotEvery && step % run.config.snapshotEvery === 0)
    await run.callbacks.onSnapshot?.({ step, model: run.model });
}

/** Gives the event loop a turn now and then, so progress displays and Ctrl-C stay responsive. */
async function yieldNowAndThen(run: Run): Promise<void> {
  if (performance.now() - run.lastYield > 100) {
    await new Promise((r) => setImmediate(r));
    run.lastYield = performance.now();
  }
}
