/** Held-out scores after every epoch (the playground's curves), and reading them back from a checkpoint. */
import { isRecord } from "../json";
import type { ImageDataset } from "../vae/data/dataset";
import { evaluate } from "../vae/evaluate";
import { clusterSeparation, encodeDataset } from "../vae/latent";
import type { LossValues } from "../vae/train";
import type { Vae } from "../vae/types";

/** Held-out scores after one epoch: what the playground's "Training behaviour" view plots. */
export interface HeldOutEpoch extends LossValues {
  epoch: number;
  /** Fraction of classes forming distinct clusters in latent space (`clusterSeparation`). */
  distinctFraction: number;
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function isLossValues(v: unknown): v is LossValues {
  return isRecord(v) && isFiniteNumber(v.total) && isFiniteNumber(v.recon) && isFiniteNumber(v.kl);
}

/**
 * The per-epoch held-out history stored in a checkpoint's meta, validated: a list of
 * { epoch, total, recon, kl, distinctFraction } with finite numbers, epochs 1, 2, 3, … in order.
 * `undefined` (older checkpoints) gives []; anything else malformed gives a problem to report.
 */
export function parseHeldOutHistory(raw: unknown): { history: HeldOutEpoch[]; problem?: string } {
  if (raw === undefined) return { history: [] };
  if (!Array.isArray(raw)) return { history: [], problem: "heldOutHistory is not a list" };
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i] as Record<string, unknown>;
    if (
      !isLossValues(e) ||
      e.epoch !== i + 1 ||
      !isFiniteNumber(e.distinctFraction) ||
      e.distinctFraction < 0 ||
      e.distinctFraction > 1
    ) {
      return {
        history: [],
        problem: `heldOutHistory[${i}] is not { epoch: ${i + 1}, total, recon, kl, distinctFraction in [0, 1] }`,
      };
    }
  }
  return {
    history: raw.map((e: HeldOutEpoch) => ({
      epoch: e.epoch,
      total: e.total,
      recon: e.recon,
      kl: e.kl,
      distinctFraction: e.distinctFraction,
    })),
  };
}

/** Held-out negative ELBO (and parts) and cluster separation of the model as it is now. */
export function heldOutScores(model: Vae, test: ImageDataset, seed: number): LossValues & { distinctFraction: number } {
  const dim = test.height * test.width;
  const losses = evaluate(model, test.images, test.n, dim, { reduction: "sum", seed });
  const mu = encodeDataset(model, test.images, test.n, dim); // [n × latentDim]
  let distinctFraction = NaN;
  if (test.classNames.length >= 2 && new Set(test.labels).size === test.classNames.length) {
    distinctFraction = clusterSeparation(
      mu,
      test.labels,
      model.config.latentDim,
      test.classNames.length,
    ).distinctFraction;
  }
  return { ...losses, distinctFraction };
}
