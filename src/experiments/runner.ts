/**
 * Runs one experiment: train the run's model, evaluate it on the training and held-out data
 * (`evaluate`, β = 1: the negative ELBO), keep its per-epoch curve (held-out negative ELBO and the
 * fraction of digit classes that form distinct clusters, `clusterSeparation`), and save a checkpoint
 * so the notebook can draw reconstructions, samples and latent maps from the very model the numbers
 * describe. MNIST runs are the MNIST job (./mnistRun.ts → src/mnistJob.ts); Swiss-roll runs train
 * lesson 1's model (./swissRun.ts). Sweeps of runs: ./sweep.ts.
 */
import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { saveCheckpoint } from "../checkpoint";
import { modelConfigFor } from "../mnistJob";
import { swissRollVae } from "../vae/presets";
import type { VaeConfig } from "../vae/types";
import { createVae } from "../vae/vae";
import { Rng } from "../vae/random";
import type { LossValues } from "../vae/train";
import { jobSettingsOf, mnistCheckpointName, trainMnistRun } from "./mnistRun";
import type { HistoryPoint, RunMetrics, RunRecord } from "./results";
import type { RunData } from "./runData";
import { trainSwissRun } from "./swissRun";
import { configKey, isSwissRoll, runBeta, type RunConfig } from "./sweeps";

/** The model config of a run. */
export function modelConfigOf(config: RunConfig): VaeConfig {
  if (isSwissRoll(config)) return swissRollVae(config.hidden, config.latentDim, config.depth);
  return modelConfigFor(jobSettingsOf(config));
}

/**
 * The folder name of a run's checkpoint: readable, and unique per config (MNIST runs: the MNIST
 * job's `checkpointName`; Swiss-roll runs the same scheme: readable settings + a hash of all).
 */
export function checkpointName(config: RunConfig): string {
  if (!isSwissRoll(config)) return mnistCheckpointName(config);
  const hash = createHash("sha256").update(configKey(config)).digest("hex").slice(0, 10);
  return `swissroll-H${config.hidden}-L${config.latentDim}-b${runBeta(config)}-${hash}`;
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

const MNIST_UNITS =
  "nats per image (reconstruction: Bernoulli negative log-likelihood summed over 784 pixels; KL summed over the latent dimensions)";
const SWISS_UNITS = "per point (reconstruction: squared distance ‖x − xHat‖²; KL summed over the latent dimensions)";

/** Trains and evaluates one run. Resolves to the record, or to `stopped` when the signal fired. */
export async function runExperiment(
  config: RunConfig,
  options: RunOptions,
): Promise<{ record?: RunRecord; stopped: boolean }> {
  const started = performance.now();
  const { data } = options;
  const history: HistoryPoint[] = [];
  let metrics: RunMetrics | undefined; // undefined: stopped
  let dataInfo: RunRecord["data"];
  if (data.kind === "mnist") {
    metrics = await trainMnistRun(config, data.mnist, history, options); // saves its checkpoint
    dataInfo = { source: data.mnist.source, trainN: data.mnist.train.n, testN: data.mnist.test.n };
  } else {
    const model = createVae(modelConfigOf(config), new Rng(config.seed));
    try {
      metrics = await trainSwissRun(model, config, data, history, options);
      dataInfo = { source: data.source, trainN: (config.steps ?? 0) * config.batchSize, testN: data.test.length / 2 };
      if (metrics)
        await saveCheckpoint(options.checkpointDir, {
          model,
          history,
          meta: { experiment: config, metrics, data: dataInfo, backend: tf.getBackend() },
        });
    } finally {
      model.dispose();
    }
  }
  if (!metrics) return { stopped: true };
  const record: RunRecord = {
    config,
    metrics,
    seconds: (performance.now() - started) / 1000,
    backend: tf.getBackend(),
    data: dataInfo,
    units: data.kind === "mnist" ? MNIST_UNITS : SWISS_UNITS,
    history,
    checkpoint: options.checkpointRef ?? options.checkpointDir,
    finishedAt: new Date().toISOString(),
  };
  return { record, stopped: false };
}
