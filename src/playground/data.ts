/**
 * Everything the playground page shows, computed once from a trained model and its held-out data, as
 * plain JSON-safe values: the page builder (page.ts) only formats it. The encoder runs here, in Node;
 * the browser only decodes (the navigator embeds the decoder's weights).
 */
import * as tf from "@tensorflow/tfjs";
import type { ImageDataset } from "../vae/data/dataset";
import { classCentroids, clusterSeparation, encodeDataset } from "../vae/latent";
import type { HeldOutEpoch, MnistJobSettings } from "../mnistJob";
import type { LayerSummary, Vae, VaeConfig } from "../vae/types";
import { decodeMean, paramCount } from "../vae/vae";
import { Rng } from "../vae/random";
import type { LossValues, TrainResult } from "../vae/train";
import type { ExperimentResults } from "./experiments";

export interface PlaygroundData {
  settings: MnistJobSettings;
  config: VaeConfig;
  layers: LayerSummary[];
  paramCount: number;
  dataSource: string;
  backend: string;
  /** Whether the model came from a checkpoint (true) or was trained in this run. */
  loaded: boolean;
  trainSeconds: number;
  /** Held-out mean losses in nats per image. */
  heldOut: LossValues;
  /** Per-epoch training means, as `train` returns them. */
  history: TrainResult["history"];
  heldOutHistory: HeldOutEpoch[];
  classNames: string[];
  latent: {
    latentDim: number;
    /** Held-out codes mu, first two dimensions, [n × 2] flat, rounded to 3 decimals. */
    points: number[];
    labels: number[];
    /** Class centroids (mean mu), full latentDim, [class][latentDim]. */
    centroids: number[][];
    distinctFraction: number;
    mostConfused: [number, number];
  };
  reconstructions: {
    imageSize: number;
    count: number;
    /** [count × size²] uint8 pixel intensities, base64. */
    originals: string;
    reconstructions: string;
    labels: number[];
  };
  experiments: ExperimentResults;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

function toBase64Bytes(values: Float32Array): string {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, values[i])));
  return Buffer.from(bytes).toString("base64");
}

export interface PlaygroundInputs {
  model: Vae;
  settings: MnistJobSettings;
  test: ImageDataset;
  dataSource: string;
  backend: string;
  loaded: boolean;
  trainSeconds: number;
  heldOut: LossValues;
  history: TrainResult["history"];
  heldOutHistory: HeldOutEpoch[];
  experiments: ExperimentResults;
}

/**
 * @param options.maxPoints  held-out codes drawn on the latent map (default 2,000)
 * @param options.reconstructionPool  held-out digits (with reconstructions) the "new digits" button draws from
 */
export function playgroundData(
  inputs: PlaygroundInputs,
  options: { maxPoints?: number; reconstructionPool?: number } = {},
): PlaygroundData {
  const { model, test } = inputs;
  const dim = test.height * test.width;
  const latentDim = model.config.latentDim;
  const numClasses = test.classNames.length;
  const mu = encodeDataset(model, test.images, test.n, dim); // [n × latentDim]
  const centroids = classCentroids(mu, test.labels, latentDim, numClasses);
  const separation = clusterSeparation(mu, test.labels, latentDim, numClasses);

  const rng = new Rng(inputs.settings.seed).fork("playground");
  const shown = Math.min(test.n, options.maxPoints ?? 2000);
  const order = rng.permutation(test.n);
  const points: number[] = [];
  const labels: number[] = [];
  for (let k = 0; k < shown; k++) {
    const i = order[k];
    points.push(round3(mu[i * latentDim]), round3(latentDim > 1 ? mu[i * latentDim + 1] : 0));
    labels.push(test.labels[i]);
  }

  const poolSize = Math.min(test.n, options.reconstructionPool ?? 120);
  const pool = order.subarray(0, poolSize);
  const originals = new Float32Array(poolSize * dim);
  const poolMu = new Float32Array(poolSize * latentDim);
  pool.forEach((i, k) => {
    originals.set(test.images.subarray(i * dim, (i + 1) * dim), k * dim);
    poolMu.set(mu.subarray(i * latentDim, (i + 1) * latentDim), k * latentDim);
  });
  // Reconstruction = decoder mean at the encoder mean: the picture a reader expects, free of ε noise.
  const xHat = tf.tidy(() => decodeMean(model, tf.tensor2d(poolMu, [poolSize, latentDim])).dataSync() as Float32Array); // [pool, dim]

  return {
    settings: inputs.settings,
    config: model.config,
    layers: model.summary(),
    paramCount: paramCount(model),
    dataSource: inputs.dataSource,
    backend: inputs.backend,
    loaded: inputs.loaded,
    trainSeconds: inputs.trainSeconds,
    heldOut: inputs.heldOut,
    history: inputs.history,
    heldOutHistory: inputs.heldOutHistory,
    classNames: test.classNames,
    latent: {
      latentDim,
      points,
      labels,
      centroids: Array.from({ length: numClasses }, (_, c) =>
        Array.from(centroids.subarray(c * latentDim, (c + 1) * latentDim), round3),
      ),
      distinctFraction: separation.distinctFraction,
      mostConfused: separation.mostConfused,
    },
    reconstructions: {
      imageSize: test.height,
      count: poolSize,
      originals: toBase64Bytes(originals),
      reconstructions: toBase64Bytes(xHat),
      labels: Array.from(pool, (i) => test.labels[i]),
    },
    experiments: inputs.experiments,
  };
}
