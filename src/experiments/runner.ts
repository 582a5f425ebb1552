/**
 * Runs experiments: one run = build the model from its config, `train()` it, evaluate it on the
 * training and held-out data (`evaluate`, β = 1: the negative ELBO), keep its per-epoch curve
 * (held-out negative ELBO and the fraction of digit classes that form distinct clusters,
 * `clusterSeparation`), and save a checkpoint so the notebook can draw reconstructions, samples and
 * latent maps from the very model the numbers describe.
 *
 * A sweep runs a plan of runs, reusing every run whose exact config is already in the results file
 * (and whose checkpoint is still there), and writes the results file after every finished run. A
 * stopped run (the abort signal, Ctrl-C) is not recorded; a diverged run is reported and skipped.
 */
import { createHash } from "node:crypto";
import { dirname, join, relative, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadNativeAddon } from "../engine/native";
import { checkpointExists, saveCheckpoint } from "../checkpoint";
import { swissRoll, swissRollSampler } from "../vae/data/swissRoll";
import { evaluate } from "../vae/evaluate";
import { clusterSeparation, encodeDataset } from "../vae/latent";
import { loadMnistData, type MnistData } from "../mnistJob";
import { mnistVae, swissRollVae } from "../vae/presets";
import type { Vae, VaeConfig } from "../vae/types";
import { createVae } from "../vae/vae";
import { Rng } from "../vae/random";
import { train, TrainingDivergedError, type LossValues, type TrainingData } from "../vae/train";
import { findRun, readResults, withRun, writeResults, type HistoryPoint, type ResultsFile, type RunMetrics, type RunRecord } from "./results";
import { configKey, EMBEDDED, estimateSeconds, isSwissRoll, type ComputePath, type PlannedRun, type RunConfig } from "./sweeps";

/** Held-out Swiss-roll points per evaluation (2,000: ~0.8 s at hidden 1024 on WASM). */
const SWISS_EVAL_POINTS = 2000;
/** Swiss-roll curve points per run. */
const SWISS_HISTORY_POINTS = 10;

/** The data a run trains and is evaluated on. */
export type RunData =
  | { kind: "mnist"; mnist: MnistData }
  | { kind: "swissroll"; trainSample: Float32Array; test: Float32Array; source: string };

/** The model config of a run. */
export function modelConfigOf(config: RunConfig): VaeConfig {
  if (isSwissRoll(config)) return swissRollVae(config.hidden, config.latentDim, config.depth);
  return { ...mnistVae(config.latentDim, config.hidden), hiddenDims: Array.from({ length: config.depth }, () => config.hidden) };
}

/**
 * The data for `config`, loaded once per dataset and seed (`cache`). MNIST: the embedded digits
 * split 90/10 by the seed, or the IDX folder's train/test files. Swiss roll: fresh batches for
 * training; two fixed samples ("train" and held-out) for evaluation — the roll has no fixed
 * training set, so the two differ only by sampling noise.
 */
export function loadRunData(config: RunConfig, cache = new Map<string, RunData>()): RunData {
  const key = `${config.dataset}|${config.seed}`;
  let data = cache.get(key);
  if (!data) {
    if (isSwissRoll(config)) {
      const rng = new Rng(config.seed);
      data = {
        kind: "swissroll",
        trainSample: swissRoll(SWISS_EVAL_POINTS, rng.fork("train-sample")).points,
        test: swissRoll(SWISS_EVAL_POINTS, rng.fork("test")).points,
        source: "the Swiss roll (fresh batches of points for training, 2,000 held-out points)",
      };
    } else {
      data = { kind: "mnist", mnist: loadMnistData(config.dataset === EMBEDDED ? undefined : config.dataset, config.seed) };
    }
    cache.set(key, data);
  }
  return data;
}

/** The folder name of a run's checkpoint: readable, and unique per config. */
export function checkpointName(config: RunConfig): string {
  const hash = createHash("sha256").update(configKey(config)).digest("hex").slice(0, 10);
  const data = isSwissRoll(config) ? "swissroll" : config.dataset === EMBEDDED ? "mnist-embedded" : "mnist-idx";
  const beta = config.betaWarmup > 0 ? `b${config.beta}w${config.betaWarmup}` : `b${config.beta}`;
  return `${data}-H${config.hidden}-L${config.latentDim}-${beta}-${hash}`;
}

export interface RunProgress {
  /** 0..1 of this run's training. */
  fraction: number;
  /** "epoch 3/20" or "step 150/500". */
  where: string;
  /** The last loss values (training batch or epoch). */
  loss?: LossValues;
}

export interface RunOptions {
  data: RunData;
  /** Where the checkpoint goes (a folder, created). */
  checkpointDir: string;
  /** Relative path stored in the record (default: checkpointDir). */
  checkpointRef?: string;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
}

/** Trains and evaluates one run. Resolves to the record, or to `stopped` when the signal fired. */
export async function runExperiment(config: RunConfig, options: RunOptions): Promise<{ record?: RunRecord; stopped: boolean }> {
  const started = performance.now();
  const model = createVae(modelConfigOf(config), new Rng(config.seed));
  try {
    const { data } = options;
    const history: HistoryPoint[] = [];
    let metrics: RunMetrics | undefined; // undefined: stopped
    let dataInfo: RunRecord["data"];
    let units: string;
    if (data.kind === "mnist") {
      metrics = await trainMnist(model, config, data.mnist, history, options);
      dataInfo = { source: data.mnist.source, trainN: data.mnist.train.n, testN: data.mnist.test.n };
      units = "nats per image (reconstruction: Bernoulli negative log-likelihood summed over 784 pixels; KL summed over the latent dimensions)";
    } else {
      metrics = await trainSwiss(model, config, data, history, options);
      dataInfo = { source: data.source, trainN: (config.steps ?? 0) * config.batchSize, testN: data.test.length / 2 };
      units = "per point (reconstruction: squared distance ‖x − xHat‖²; KL summed over the latent dimensions)";
    }
    if (!metrics) return { stopped: true };
    const seconds = (performance.now() - started) / 1000;
    const record: RunRecord = {
      config,
      metrics,
      seconds,
      backend: tf.getBackend(),
      data: dataInfo,
      units,
      history,
      checkpoint: options.checkpointRef ?? options.checkpointDir,
      finishedAt: new Date().toISOString(),
    };
    await saveCheckpoint(options.checkpointDir, { model, history, meta: { experiment: config, metrics, data: dataInfo, backend: record.backend } });
    return { record, stopped: false };
  } finally {
    model.dispose();
  }
}

const negElbo = (l: LossValues): LossValues => ({ ...l, total: l.recon + l.kl });

/** Trains on MNIST, filling `history` per epoch; the final metrics, or undefined when stopped. */
async function trainMnist(model: Vae, config: RunConfig, mnist: MnistData, history: HistoryPoint[], options: RunOptions): Promise<RunMetrics | undefined> {
  const dim = mnist.train.height * mnist.train.width;
  const { test } = mnist;
  const evalOptions = { reduction: "sum" as const, seed: config.seed };
  const stepsPerEpoch = Math.ceil(mnist.train.n / config.batchSize);
  const result = await train(
    model,
    { kind: "dataset", dim, n: mnist.train.n, rows: mnist.train.images },
    {
      epochs: config.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      beta: config.betaWarmup > 0 ? { from: 0, to: config.beta, epochs: config.betaWarmup } : config.beta,
      reduction: config.reduction,
      seed: config.seed,
    },
    {
      signal: options.signal,
      onStep: (s) => options.onProgress?.({ fraction: s.step / s.totalSteps, where: `epoch ${s.epoch}/${config.epochs}`, loss: s }),
      onEpoch: (e) => {
        const held = evaluate(model, test.images, test.n, dim, evalOptions);
        const mu = encodeDataset(model, test.images, test.n, dim); // [n, latentDim]
        const clusters = clusterSeparation(mu, test.labels, config.latentDim, test.classNames.length);
        history.push({
          epoch: e.epoch,
          step: e.epoch * stepsPerEpoch,
          beta: e.beta,
          trainRecon: e.recon,
          trainKl: e.kl,
          trainNegElbo: e.recon + e.kl,
          testRecon: held.recon,
          testKl: held.kl,
          testNegElbo: held.recon + held.kl,
          clusterFraction: clusters.distinctFraction,
        });
      },
    },
  );
  if (result.stopped) return undefined;
  const trainEval = negElbo(evaluate(model, mnist.train.images, mnist.train.n, dim, evalOptions));
  const testEval = negElbo(evaluate(model, test.images, test.n, dim, evalOptions));
  return metricsOf(trainEval, testEval);
}

/** Trains on the Swiss roll, filling `history` every tenth of the steps; the final metrics, or undefined when stopped. */
async function trainSwiss(model: Vae, config: RunConfig, data: Extract<RunData, { kind: "swissroll" }>, history: HistoryPoint[], options: RunOptions): Promise<RunMetrics | undefined> {
  const steps = config.steps ?? 0;
  const every = Math.max(1, Math.floor(steps / SWISS_HISTORY_POINTS));
  const evalOptions = { reduction: "sum" as const, seed: config.seed };
  const n = data.test.length / 2;
  let sums = { recon: 0, kl: 0, count: 0 };
  let beta = config.beta;
  const result = await train(
    model,
    swissRollSampler as TrainingData,
    { steps, batchSize: config.batchSize, learningRate: config.learningRate, beta: config.beta, reduction: config.reduction, seed: config.seed, snapshotEvery: every },
    {
      signal: options.signal,
      onStep: (s) => {
        // The training loss uses lesson 1's mean reduction; the curve reports the per-point sums.
        sums.recon += s.recon * 2;
        sums.kl += s.kl * config.latentDim;
        sums.count++;
        beta = s.beta;
        options.onProgress?.({ fraction: s.step / s.totalSteps, where: `step ${s.step}/${steps}`, loss: s });
      },
      onSnapshot: ({ step }) => {
        const held = evaluate(model, data.test, n, 2, evalOptions);
        const c = Math.max(1, sums.count);
        history.push({
          epoch: history.length + 1,
          step,
          beta,
          trainRecon: sums.recon / c,
          trainKl: sums.kl / c,
          trainNegElbo: (sums.recon + sums.kl) / c,
          testRecon: held.recon,
          testKl: held.kl,
          testNegElbo: held.recon + held.kl,
          clusterFraction: null,
        });
        sums = { recon: 0, kl: 0, count: 0 };
      },
    },
  );
  if (result.stopped) return undefined;
  const last = history.at(-1)!; // the final snapshot evaluated the finished model
  const trainEval = negElbo(evaluate(model, data.trainSample, data.trainSample.length / 2, 2, evalOptions));
  return metricsOf(trainEval, { total: last.testNegElbo, recon: last.testRecon, kl: last.testKl });
}

function metricsOf(trainEval: LossValues, testEval: LossValues): RunMetrics {
  return {
    trainRecon: trainEval.recon,
    trainKl: trainEval.kl,
    trainNegElbo: trainEval.total,
    testRecon: testEval.recon,
    testKl: testEval.kl,
    testNegElbo: testEval.total,
  };
}

// ---- sweeps ---------------------------------------------------------------------------------------

export interface SweepProgress {
  /** 1-based position of the current run in the plan. */
  run: number;
  runs: number;
  label: string;
  /** What just happened. */
  event: "reused" | "start" | "progress" | "done" | "failed";
  /** Inside the run: "epoch 3/20". */
  where?: string;
  loss?: LossValues;
  /** Estimated seconds of training done and in total, over the runs that need training. */
  doneSeconds: number;
  totalSeconds: number;
  record?: RunRecord;
  error?: Error;
}

export interface RunSweepOptions {
  resultsPath: string;
  /** Train every run again, even if finished (its record is replaced). */
  rerun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
}

export interface SweepOutcome {
  results: ResultsFile;
  trained: RunRecord[];
  reused: RunRecord[];
  failed: { label: string; error: Error }[];
  stopped: boolean;
  /** Runs not reached because the sweep stopped. */
  remaining: number;
}

/** Whether `record` can be reused: the config matches and its checkpoint is still on disk. */
export function isReusable(record: RunRecord | undefined, resultsPath: string): record is RunRecord {
  return record !== undefined && typeof record.checkpoint === "string" && checkpointExists(resolve(dirname(resultsPath), record.checkpoint));
}

/**
 * Which runs of `plan` need training (not in the results file, or `rerun`), with the estimated
 * seconds of each. Reads the results file (ResultsFileError if it is broken).
 */
export function sweepStatus(plan: PlannedRun[], resultsPath: string, rerun = false, path: ComputePath = "wasm"): { toTrain: PlannedRun[]; reused: PlannedRun[]; estimatedSeconds: number } {
  const results = readResults(resultsPath);
  const toTrain = plan.filter((p) => rerun || !isReusable(findRun(results, p.config), resultsPath));
  const reused = plan.filter((p) => !toTrain.includes(p));
  return { toTrain, reused, estimatedSeconds: toTrain.reduce((s, p) => s + estimateSeconds(p.config, undefined, path), 0) };
}

/** Which cost table the estimates use: the native BLAS path when TensorFlow.js runs on WASM with it, else WASM's. */
export function computePath(): ComputePath {
  return tf.getBackend() === "wasm" && loadNativeAddon().active ? "native" : "wasm";
}

/** Runs `plan` in order, reusing finished runs, saving the results file after every run. */
export async function runSweep(plan: PlannedRun[], options: RunSweepOptions): Promise<SweepOutcome> {
  const path = resolve(options.resultsPath);
  let results = readResults(path);
  const dataCache = new Map<string, RunData>();
  const { toTrain } = sweepStatus(plan, path, options.rerun);
  const path_ = computePath();
  const costs = new Map(plan.map((p) => [p, toTrain.includes(p) ? estimateSeconds(p.config, undefined, path_) : 0]));
  const totalSeconds = [...costs.values()].reduce((a, b) => a + b, 0);
  let doneSeconds = 0;
  const outcome: SweepOutcome = { results, trained: [], reused: [], failed: [], stopped: false, remaining: 0 };
  for (const [i, planned] of plan.entries()) {
    const base = { run: i + 1, runs: plan.length, label: planned.label, totalSeconds };
    if (options.signal?.aborted) {
      outcome.stopped = true;
      outcome.remaining = plan.length - i;
      break;
    }
    const existing = findRun(results, planned.config);
    if (!toTrain.includes(planned) && isReusable(existing, path)) {
      outcome.reused.push(existing);
      options.onProgress?.({ ...base, event: "reused", doneSeconds, record: existing });
      continue;
    }
    const cost = costs.get(planned)!;
    options.onProgress?.({ ...base, event: "start", doneSeconds });
    const name = checkpointName(planned.config);
    const checkpointDir = join(dirname(path), "checkpoints", name);
    let run: { record?: RunRecord; stopped: boolean };
    try {
      const data = loadRunData(planned.config, dataCache);
      run = await runExperiment(planned.config, {
        data,
        checkpointDir,
        checkpointRef: relative(dirname(path), checkpointDir),
        signal: options.signal,
        onProgress: (p) => options.onProgress?.({ ...base, event: "progress", where: p.where, loss: p.loss, doneSeconds: doneSeconds + p.fraction * cost }),
      });
    } catch (err) {
      if (!(err instanceof TrainingDivergedError)) throw err;
      outcome.failed.push({ label: planned.label, error: err });
      doneSeconds += cost;
      options.onProgress?.({ ...base, event: "failed", doneSeconds, error: err });
      continue;
    }
    if (run.stopped || !run.record) {
      outcome.stopped = true;
      outcome.remaining = plan.length - i;
      break;
    }
    // Re-read before writing: another sweep (a second terminal, the notebook) may have added runs meanwhile.
    results = withRun(readResults(path), run.record);
    writeResults(path, results);
    outcome.results = results;
    outcome.trained.push(run.record);
    doneSeconds += cost;
    options.onProgress?.({ ...base, event: "done", doneSeconds, record: run.record });
  }
  outcome.results = results;
  return outcome;
}
