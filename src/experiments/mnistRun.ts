/**
 * An MNIST run of a sweep is the MNIST job (src/mnistJob.ts: train → held-out scores after every
 * epoch → checkpoint), the same one `npm start` and lesson 2 run; this file only translates: the
 * run's config into the job's settings, the job's per-epoch scores into the run's curve, plus one
 * evaluation on the training images for the run's metrics.
 */
import * as tf from "@tensorflow/tfjs";
import { evaluate } from "../vae/evaluate";
import {
  checkpointName as jobCheckpointName,
  trainOrLoadMnist,
  type MnistData,
  type MnistJobSettings,
} from "../mnistJob";
import { runMetrics, type HistoryPoint, type RunMetrics } from "./results";
import { EMBEDDED, type RunConfig } from "./sweeps";
import type { RunProgress } from "./runner";

/** The MNIST job's settings for a run (MNIST runs train with summed losses: nats per image). */
export function jobSettingsOf(config: RunConfig): MnistJobSettings {
  if (config.reduction !== "sum") {
    throw new Error(
      `An MNIST run trains with reduction "sum" (nats per image, as npm start and lesson 2 do); this config has "${config.reduction}".`,
    );
  }
  return {
    model: config.model,
    latentDim: config.latentDim,
    hidden: config.hidden,
    depth: config.depth,
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    beta: config.beta,
    seed: config.seed,
    dataDir: config.dataset === EMBEDDED ? undefined : config.dataset,
  };
}

/** The run's checkpoint folder name: the MNIST job's, for the same settings. */
export function mnistCheckpointName(config: RunConfig): string {
  return jobCheckpointName(jobSettingsOf(config));
}

/**
 * Trains the run through the MNIST job, saving its checkpoint to `checkpointDir`, and fills
 * `history` per epoch; the final metrics, or undefined when stopped.
 */
export async function trainMnistRun(
  config: RunConfig,
  mnist: MnistData,
  history: HistoryPoint[],
  options: { checkpointDir: string; signal?: AbortSignal; onProgress?: (p: RunProgress) => void },
): Promise<RunMetrics | undefined> {
  const job = await trainOrLoadMnist(jobSettingsOf(config), {
    data: mnist,
    checkpointDir: options.checkpointDir,
    retrain: true, // the sweep decided to train this run (not in the results file, or --rerun)
    signal: options.signal,
    meta: { experiment: config, backend: tf.getBackend() },
    onStep: (s) =>
      options.onProgress?.({ fraction: s.step / s.totalSteps, where: `epoch ${s.epoch}/${config.epochs}`, loss: s }),
  });
  try {
    if (job.stopped) return undefined;
    job.history.forEach((e, i) => {
      const held = job.heldOutHistory[i];
      history.push({
        epoch: e.epoch,
        step: e.step,
        beta: e.beta,
        ...runMetrics(e, held),
        clusterFraction: held.distinctFraction,
      });
    });
    const train = mnist.train;
    const trainEval = evaluate(job.model, train.images, train.n, train.height * train.width, {
      reduction: "sum",
      seed: config.seed,
    });
    return runMetrics(trainEval, job.heldOut);
  } finally {
    job.model.dispose();
  }
}
