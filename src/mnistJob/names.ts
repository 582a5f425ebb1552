/** Where the MNIST job keeps a model: one checkpoint folder per distinct setting. */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { cacheDir } from "../paths";
import { dataFingerprint } from "./data";
import { settingsKey, type MnistJobSettings } from "./settings";

/** How the job's loss is known: the library's ELBO, a learner's loss with its signature, or one without. */
export type LossFingerprint = { lossSignature?: number[]; customLoss?: boolean };

/**
 * The checkpoint folder name for these settings: readable (model, L, H, epochs, β) and unique per
 * setting that changes the model — a hash of all of them, the data fingerprint and the loss's.
 *
 * @example
 * checkpointName(MNIST_JOB_DEFAULTS);                  //=> "mnist-mlp-L2-H400-e30-b1-embedded-1c9e…" (10 hex digits)
 * checkpointName({ ...MNIST_JOB_DEFAULTS, epochs: 2 }); //=> "mnist-mlp-L2-H400-e2-b1-embedded-…" (another folder)
 */
export function checkpointName(settings: MnistJobSettings, loss: LossFingerprint = {}): string {
  const data = dataFingerprint(settings.dataDir);
  const lossKey = loss.lossSignature ? loss.lossSignature.map((v) => v.toPrecision(3)).join(",") : loss.customLoss ? "custom" : "library";
  const key = `${settingsKey(settings)}|${data}|${lossKey}`;
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 10);
  const b = settings.beta;
  const beta = typeof b === "number" ? `b${b}` : `b${b.from}-${b.to}w${b.epochs ?? `${b.steps}s`}`;
  const depth = (settings.depth ?? 1) === 1 ? "" : `x${settings.depth}`;
  const size = settings.model === "conv" ? "" : `-H${settings.hidden}${depth}`;
  return `mnist-${settings.model}-L${settings.latentDim}${size}-e${settings.epochs}-${beta}-${settings.dataDir ? "idx" : "embedded"}-${hash}`;
}

/** Where the checkpoint for these settings lives: .cache/checkpoints/<checkpointName>. */
export function defaultCheckpointDir(settings: MnistJobSettings, loss: LossFingerprint = {}): string {
  return join(cacheDir(), "checkpoints", checkpointName(settings, loss));
}
