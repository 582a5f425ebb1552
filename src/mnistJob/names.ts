/** Where the MNIST job keeps a model: one checkpoint folder per distinct setting. */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { cacheDir } from "../paths";
import { dataFingerprint } from "./data";
import { settingsKey, type MnistJobSettings } from "./settings";

/** Which loss trains the model: the library's ELBO (neither), a learner's (its `elboSignature`), or another (`customLoss`). */
export type LossFingerprint = { lossSignature?: number[]; customLoss?: boolean };

/**
 * The checkpoint folder name for these settings: readable (model, L, H, epochs, β) and unique per
 * setting that changes the model — a hash of all of them, the data fingerprint and which loss trains
 * it: the library's ELBO, a learner's (lesson 2: "yours"), or another. A learner's models share one
 * folder per setting whatever their elbo: the signature stored in it is compared on reuse, so after
 * the learner fixes their elbo the job says so and retrains there, replacing the broken model.
 *
 * @example
 * checkpointName(MNIST_JOB_DEFAULTS);                  //=> "mnist-mlp-L2-H400-e30-b1-embedded-1c9e…" (10 hex digits)
 * checkpointName({ ...MNIST_JOB_DEFAULTS, epochs: 2 }); //=> "mnist-mlp-L2-H400-e2-b1-embedded-…" (another folder)
 */
export function checkpointName(settings: MnistJobSettings, loss: LossFingerprint = {}): string {
  const data = dataFingerprint(settings.dataDir);
  const lossKey = loss.lossSignature ? "learner" : loss.customLoss ? "custom" : "library";
  const key = `${settingsKey(settings)}|${data}|${lossKey}`;
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 10);
  const b = settings.beta;
  const beta = typeof b === "number" ? `b${b}` : `b${b.from}-${b.to}w${b.epochs ?? `${b.steps}s`}`;
  const depth = (settings.depth ?? 1) === 1 ? "" : `x${settings.depth}`;
  const size = settings.model === "conv" ? "" : `-H${settings.hidden}${depth}`;
  const whose = lossKey === "library" ? "" : lossKey === "learner" ? "-yours" : "-custom";
  return `mnist-${settings.model}-L${settings.latentDim}${size}-e${settings.epochs}-${beta}-${settings.dataDir ? "idx" : "embedded"}${whose}-${hash}`;
}

/** Where the checkpoint for these settings lives: .cache/checkpoints/<checkpointName>. */
export function defaultCheckpointDir(settings: MnistJobSettings, loss: LossFingerprint = {}): string {
  return join(cacheDir(), "checkpoints", checkpointName(settings, loss));
}
