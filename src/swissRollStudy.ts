/**
 * Lesson 1 §10: what the model's size and the KL term change, in numbers. Each variant is the
 * lesson's Swiss-roll VAE (src/vae/presets.ts) with another hidden size, latent size or β,
 * trained with the library's loop; the result says how far its samples fall from the roll, how well
 * it reconstructs, and how much KL each latent dimension carries (≈ 0: the dimension is unused).
 */
import * as tf from "@tensorflow/tfjs";
import { swissRoll, swissRollSampler } from "./vae/data/swissRoll";
import { gaussianKlPerDim } from "./vae/losses";
import { swissRollVae } from "./vae/presets";
import { createVae, decodeMean, samplePrior } from "./vae/vae";
import { Rng } from "./vae/random";
import { train, type LossValues } from "./vae/train";

export interface SwissRollVariant {
  hidden: number;
  latentDim: number;
  /** KL weight (default 0.01, the lesson's); 0 trains a plain autoencoder with noise, no KL. */
  beta?: number;
  steps?: number;
}

export interface SwissRollVariantResult extends Required<SwissRollVariant> {
  final: LossValues;
  /** Mean KL of each latent dimension over held-out points (nats): about 0 for an unused dimension. */
  klPerDim: number[];
  /** 1,500 points decoded from z ~ N(0, I), [1500 × 2]. */
  samples: Float32Array;
  /** Mean distance from a prior sample to the nearest point of the roll (data units; the roll spans about 1.8). */
  sampleDistance: number;
  /** Mean distance from a held-out point to its reconstruction at z = mu. */
  reconDistance: number;
  seconds: number;
}

/** Mean distance from each point of `a` to its nearest point in `b` (both [n × 2]). */
export function meanNearestDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length / 2,
    nb = b.length / 2;
  let sum = 0;
  for (let i = 0; i < na; i++) {
    let best = Infinity;
    for (let j = 0; j < nb; j++) best = Math.min(best, (a[2 * i] - b[2 * j]) ** 2 + (a[2 * i + 1] - b[2 * j + 1]) ** 2);
    sum += Math.sqrt(best);
  }
  return sum / na;
}

/** Trains one variant from seed `seed` and measures it on 2,000 held-out points of the roll. */
export async function trainSwissRollVariant(variant: SwissRollVariant, seed = 42): Promise<SwissRollVariantResult> {
  const v = { beta: 0.01, steps: 2000, ...variant };
  const model = createVae(swissRollVae(v.hidden, v.latentDim), new Rng(seed));
  try {
    const r = await train(model, swissRollSampler, {
      steps: v.steps,
      batchSize: 128,
      learningRate: 1e-3,
      beta: v.beta,
      reduction: "mean",
      seed,
    });
    const heldOut = swissRoll(2000, new Rng(seed + 1000)).points;
    const samples = samplePrior(model, 1500, new Rng(3));
    const { klPerDim, recon } = tf.tidy(() => {
      const x = tf.tensor2d(heldOut, [2000, 2]);
      const { mu, logVar } = model.encode(x);
      const kl = tf.mean(gaussianKlPerDim(mu as tf.Tensor2D, logVar as tf.Tensor2D), 0).arraySync() as number[]; // [latentDim]
      return { klPerDim: kl, recon: decodeMean(model, mu as tf.Tensor2D).dataSync() as Float32Array };
    });
    let reconSum = 0;
    for (let i = 0; i < 2000; i++)
      reconSum += Math.hypot(recon[2 * i] - heldOut[2 * i], recon[2 * i + 1] - heldOut[2 * i + 1]);
    return {
      ...v,
      final: r.final,
      klPerDim,
      samples,
      sampleDistance: meanNearestDistance(samples, heldOut),
      reconDistance: reconSum / 2000,
      seconds: r.seconds,
    };
  } finally {
    model.dispose();
  }
}
