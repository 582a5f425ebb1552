/**
 * The main job: train (or load) an MNIST VAE on the embedded digits or on IDX files, keeping a
 * checkpoint so the next run starts in seconds. Used by `npm start`, lesson 2 and the playground.
 *
 * A checkpoint is reused only when its model config and training settings equal the requested ones
 * (checked on the manifest alone, before any weights are read); otherwise (or with `retrain`) the
 * model is trained again, with a notice saying what differed, and the checkpoint replaced. While
 * training, the held-out negative ELBO and cluster separation are scored after every epoch and saved
 * in the checkpoint's meta (`heldOutHistory`), so the playground can plot them after a reload.
 *
 * A model trained with a learner's loss (lesson 2) records the loss's signature (`elboSignature`: its
 * values on fixed inputs); a checkpoint whose signature differs from the current loss's was trained
 * with another loss and is trained again, with a notice, so a fixed `elbo` never reuses the model a
 * broken one produced.
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CheckpointError, checkpointExists, configDifferences, loadCheckpoint, readCheckpointInfo, saveCheckpoint } from "./checkpoint";
import { type ImageDataset, splitDataset } from "./vae/data/dataset";
import { loadIdxDataset } from "./vae/data/idx";
import { loadEmbeddedMnist } from "./vae/data/mnist";
import { evaluate } from "./vae/evaluate";
import { clusterSeparation, encodeDataset } from "./vae/latent";
import { convMnistVae, mnistVae } from "./vae/presets";
import type { Vae, VaeConfig } from "./vae/types";
import { createVae } from "./vae/vae";
import { cacheDir } from "./paths";
import { Rng } from "./vae/random";
import { train, type BetaSchedule, type EpochInfo, type LossValues, type TrainCallbacks, type TrainResult } from "./vae/train";

export interface MnistJobSettings {
  model: "mlp" | "conv";
  latentDim: number;
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  beta: BetaSchedule;
  seed: number;
  /** A folder of IDX files (full MNIST or Fashion-MNIST); undefined for the embedded 10k digits. */
  dataDir?: string;
}

export const MNIST_JOB_DEFAULTS: MnistJobSettings = {
  model: "mlp",
  latentDim: 2,
  hidden: 400,
  epochs: 30,
  batchSize: 128,
  learningRate: 1e-3,
  beta: 1,
  seed: 42,
};

export interface MnistData {
  train: ImageDataset;
  test: ImageDataset;
  source: string;
}

/** The training and held-out data: IDX train/test files, or the embedded digits split 90/10. */
export function loadMnistData(dataDir: string | undefined, seed: number): MnistData {
  if (dataDir) {
    const trainSet = loadIdxDataset(dataDir, "train");
    const testSet = loadIdxDataset(dataDir, "test");
    return { train: trainSet, test: testSet, source: trainSet.source };
  }
  const all = loadEmbeddedMnist();
  const { train: trainSet, test: testSet } = splitDataset(all, 0.1, new Rng(seed).fork("split"));
  return { train: trainSet, test: testSet, source: all.source };
}

export function modelConfigFor(settings: MnistJobSettings): VaeConfig {
  if (settings.model === "conv") return { ...convMnistVae(settings.latentDim) };
  return mnistVae(settings.latentDim, settings.hidden);
}

/** Where the checkpoint for these settings lives (one folder per distinct setting). */
export function defaultCheckpointDir(settings: MnistJobSettings): string {
  const data = settings.dataDir ? "idx" : "embedded";
  return join(cacheDir(), "checkpoints", `mnist-${settings.model}-L${settings.latentDim}-H${settings.hidden}-${data}`);
}

/** Held-out scores after one epoch: what the playground's "Training behaviour" view plots. */
export interface HeldOutEpoch extends LossValues {
  epoch: number;
  /** Fraction of classes forming distinct clusters in latent space (`clusterSeparation`). */
  distinctFraction: number;
}

export interface MnistJobResult {
  model: Vae;
  settings: MnistJobSettings;
  data: MnistData;
  history: TrainResult["history"];
  /** Per-epoch held-out scores; empty for checkpoints saved before they were recorded. */
  heldOutHistory: HeldOutEpoch[];
  heldOut: LossValues;
  loaded: boolean;
  trainSeconds: number;
  checkpointDir: string;
}

/** Settings as stored in the checkpoint, for the reuse check (order-independent, JSON-safe). */
export function settingsKey(settings: MnistJobSettings): string {
  return stableStringify({ ...settings, dataDir: settings.dataDir ?? null });
}

/** JSON with object keys sorted and undefined properties dropped: equal values give equal strings. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(",")}}`;
}

/** A learner's ELBO: `elbo(x, logits, mu, logVar)` returning scalar tensors (lesson 2's exercise). */
export type ElboFunction = (x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D) => { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };

/**
 * What an ELBO function computes, as numbers: its { total, recon, kl } on fixed inputs (4 images of
 * 784 pixels, latent codes of 3 dimensions, drawn from a fixed seed). Two functions with the same
 * signature (within `signaturesDiffer`'s tolerance) train the same model.
 */
export function elboSignature(elbo: ElboFunction): number[] {
  const rng = new Rng(20240601);
  const draw = (n: number, f: () => number) => Float32Array.from({ length: n }, f);
  return tf.tidy(() => {
    const x = tf.tensor2d(draw(4 * 784, () => (rng.uniform() < 0.2 ? rng.uniform() : 0)), [4, 784]); // [4, 784], mostly background like a digit
    const logits = tf.tensor2d(draw(4 * 784, () => 3 * rng.normal()), [4, 784]);
    const mu = tf.tensor2d(draw(12, () => rng.normal()), [4, 3]);
    const logVar = tf.tensor2d(draw(12, () => 0.5 * rng.normal()), [4, 3]);
    const out = elbo(x, logits, mu, logVar);
    return [out.total, out.recon, out.kl].map((t) => Number(t.dataSync()[0]));
  });
}

/** Whether two loss signatures come from different losses (float32 sums differ by ~1e-6 relative). */
export function signaturesDiffer(a: readonly number[], b: readonly number[]): boolean {
  return a.length !== b.length || a.some((v, i) => !(Math.abs(v - b[i]) <= 1e-3 * Math.max(1, Math.abs(b[i]))));
}

/**
 * A plain warning when a model's KL is about 0: POSTERIOR COLLAPSE (every code z is the prior's, the
 * decoder ignores it and draws the average digit); undefined for a healthy model.
 */
export function posteriorCollapseWarning(heldOut: LossValues, fix: string): string | undefined {
  if (!(heldOut.kl < 0.5)) return undefined;
  return `⚠ POSTERIOR COLLAPSE: the held-out KL is ${heldOut.kl.toFixed(2)} nats, so q(z|x) is the prior for every image: ` +
    `the codes carry no information and the decoder draws the same average digit whatever z is. ` +
    `With a correct elbo and β = 1 this model's KL is several nats. Check the KL term of your elbo (its sign, the sum over latent dimensions, exp(logVar)), then ${fix}.`;
}

/**
 * Why the checkpoint in `dir` (its manifest only: no weights are read) is not the one these settings
 * would train: one line per difference, e.g. "epochs: wanted 30, found 2"; empty when it is.
 * Throws `CheckpointError` (naming the folder, the file and --retrain) when the manifest is unreadable.
 */
export function checkpointMismatch(dir: string, settings: MnistJobSettings): string[] {
  const info = readCheckpointInfo(dir);
  const differences = configDifferences(modelConfigFor(settings), info.config).map((d) => `model ${d}`);
  const stored = info.meta.settings;
  let have: unknown;
  try {
    have = typeof stored === "string" ? JSON.parse(stored) : undefined;
  } catch {
    have = undefined;
  }
  if (have === undefined) return [...differences, "training settings: not recorded in the checkpoint"];
  // model/latentDim/hidden also shape the config: when the config differs, say it once.
  const settingDiffs = configDifferences(JSON.parse(settingsKey(settings)), have).filter((d) => differences.length === 0 || !/^(model|latentDim|hidden)\b/.test(d));
  return [...differences, ...settingDiffs];
}

const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function isLossValues(v: unknown): v is LossValues {
  const r = v as Record<string, unknown> | null;
  return r !== null && typeof r === "object" && isFiniteNumber(r.total) && isFiniteNumber(r.recon) && isFiniteNumber(r.kl);
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
    if (!isLossValues(e) || e.epoch !== i + 1 || !isFiniteNumber(e.distinctFraction) || e.distinctFraction < 0 || e.distinctFraction > 1) {
      return { history: [], problem: `heldOutHistory[${i}] is not { epoch: ${i + 1}, total, recon, kl, distinctFraction in [0, 1] }` };
    }
  }
  return { history: raw.map((e: HeldOutEpoch) => ({ epoch: e.epoch, total: e.total, recon: e.recon, kl: e.kl, distinctFraction: e.distinctFraction })) };
}

/** Held-out negative ELBO (and parts) and cluster separation of the model as it is now. */
export function heldOutScores(model: Vae, test: ImageDataset, seed: number): LossValues & { distinctFraction: number } {
  const dim = test.height * test.width;
  const losses = evaluate(model, test.images, test.n, dim, { reduction: "sum", seed });
  const mu = encodeDataset(model, test.images, test.n, dim); // [n × latentDim]
  let distinctFraction = NaN;
  if (test.classNames.length >= 2 && new Set(test.labels).size === test.classNames.length) {
    distinctFraction = clusterSeparation(mu, test.labels, model.config.latentDim, test.classNames.length).distinctFraction;
  }
  return { ...losses, distinctFraction };
}

export async function trainOrLoadMnist(
  settings: MnistJobSettings,
  options: {
    checkpointDir?: string;
    retrain?: boolean;
    /** After every epoch, with the model as it is then (e.g. to draw its reconstructions). */
    onEpoch?: (info: EpochInfo & { model: Vae }) => void | Promise<void>;
    onLoadData?: (seconds: number, data: MnistData) => void;
    /** One-line messages for people: a checkpoint trained with other settings, a history ignored. */
    onNotice?: (message: string) => void;
    signal?: AbortSignal;
    /**
     * Train with this loss instead of the library's forward pass + ELBO (lesson 2 trains with the
     * learner's elbo). A correct one trains the same model, so the checkpoint stays shared.
     */
    loss?: TrainCallbacks["loss"];
    /** `elboSignature` of the learner's loss: a checkpoint trained with a different one is retrained. */
    lossSignature?: number[];
    /**
     * How to replace a damaged checkpoint, in the caller's terms (a notebook: "set RETRAIN = true and
     * run this cell again"); checkpoint errors then carry only their message, no stack.
     */
    retrainFix?: string;
  } = {},
): Promise<MnistJobResult> {
  const dir = options.checkpointDir ?? defaultCheckpointDir(settings);
  const t0 = performance.now();
  const data = loadMnistData(settings.dataDir, settings.seed);
  options.onLoadData?.((performance.now() - t0) / 1000, data);
  const dim = data.train.height * data.train.width;
  const config = modelConfigFor(settings);

  if (!options.retrain && checkpointExists(dir)) {
    // The manifest first: a checkpoint with other settings is retrained without reading its weights.
    // Errors (unreadable manifest, corrupt weights) propagate: they name the file and --retrain.
    const differences = inCallersTerms(() => checkpointMismatch(dir, settings), options.retrainFix);
    if (options.lossSignature) {
      const stored = readCheckpointInfo(dir).meta.lossSignature;
      if (!Array.isArray(stored)) differences.push("loss: trained before losses were recorded");
      else if (signaturesDiffer(options.lossSignature, stored as number[])) differences.push("loss: trained with a different elbo than the one defined now");
    }
    if (differences.length === 0) {
      const ckpt = await inCallersTermsAsync(() => loadCheckpoint(dir), options.retrainFix);
      const meta = ckpt.meta as { heldOut?: unknown; trainSeconds?: unknown; heldOutHistory?: unknown };
      const { history: heldOutHistory, problem } = parseHeldOutHistory(meta.heldOutHistory);
      if (problem) options.onNotice?.(`Checkpoint ${dir}: ${problem}; the per-epoch held-out history is not shown (npm start -- --retrain records it again).`);
      const heldOut = isLossValues(meta.heldOut) ? meta.heldOut : evaluate(ckpt.model, data.test.images, data.test.n, dim, { reduction: "sum", seed: settings.seed });
      return {
        model: ckpt.model,
        settings,
        data,
        history: ckpt.history as TrainResult["history"],
        heldOutHistory,
        heldOut,
        loaded: true,
        trainSeconds: isFiniteNumber(meta.trainSeconds) ? meta.trainSeconds : NaN,
        checkpointDir: dir,
      };
    }
    options.onNotice?.(`Checkpoint ${dir} was trained with other settings (${differences.join("; ")}): training again.`);
  }

  const model = createVae(config, new Rng(settings.seed));
  const heldOutHistory: HeldOutEpoch[] = [];
  const result = await train(
    model,
    { kind: "dataset", dim, n: data.train.n, rows: data.train.images },
    {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      beta: settings.beta,
      reduction: "sum",
      seed: settings.seed,
    },
    {
      onEpoch: async (info) => {
        // Scored with the same seed every epoch, so the curve shows the model changing, not ε.
        const scores = heldOutScores(model, data.test, settings.seed);
        heldOutHistory.push({ epoch: info.epoch, ...scores, distinctFraction: Number.isFinite(scores.distinctFraction) ? scores.distinctFraction : 0 });
        await options.onEpoch?.({ ...info, model });
      },
      signal: options.signal,
      loss: options.loss,
    },
  );
  const heldOut = evaluate(model, data.test.images, data.test.n, dim, { reduction: "sum", seed: settings.seed });
  if (!result.stopped) {
    await saveCheckpoint(dir, {
      model,
      history: result.history,
      meta: { settings: settingsKey(settings), heldOut, heldOutHistory, trainSeconds: result.seconds, data: data.source, ...(options.lossSignature ? { lossSignature: options.lossSignature } : {}) },
    });
  }
  return { model, settings, data, history: result.history, heldOutHistory, heldOut, loaded: false, trainSeconds: result.seconds, checkpointDir: dir };
}

/** A checkpoint error with the caller's fix instead of the CLI's, and no stack (a notebook shows it as is). */
function inCallersTerms<T>(f: () => T, fix: string | undefined): T {
  try {
    return f();
  } catch (e) {
    throw fix && e instanceof CheckpointError ? plainError(new CheckpointError(e.dir, e.problem, fix)) : e;
  }
}

async function inCallersTermsAsync<T>(f: () => Promise<T>, fix: string | undefined): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw fix && e instanceof CheckpointError ? plainError(new CheckpointError(e.dir, e.problem, fix)) : e;
  }
}

function plainError<E extends Error>(e: E): E {
  e.stack = `${e.name}: ${e.message}`;
  return e;
}
