/**
 * The MNIST training job, written once: train → held-out scores after every epoch → checkpoint.
 * `npm start`, lesson 2, the playground and the instructor sweeps (src/experiments/runner.ts) all
 * train MNIST models through `trainOrLoadMnist`.
 *
 * Every setting that changes the trained model is part of its checkpoint's name
 * (`checkpointName`: model kind, latentDim, hidden size and depth, the β schedule, epochs, batch
 * size, learning rate, seed, the data and, where a learner's loss trains it, that loss's
 * fingerprint), so a quick `--epochs 2` trial gets a folder of its own and never replaces the
 * class's 30-epoch model. A checkpoint is reused only when its stored settings equal the requested
 * ones (checked on the manifest alone, before any weights are read); otherwise (or with `retrain`)
 * the model is trained again, with a notice saying what differed. While training, the held-out
 * negative ELBO and cluster separation are scored after every epoch and saved in the checkpoint's
 * meta (`heldOutHistory`), so the playground can plot them after a reload.
 *
 * A model trained with a learner's loss (lesson 2) records the loss's signature (`elboSignature`: its
 * values on fixed inputs); a checkpoint whose signature differs from the current loss's was trained
 * with another loss and is trained again, with a notice, so a fixed `elbo` never reuses the model a
 * broken one produced.
 *
 * Files: settings.ts, data.ts, names.ts (checkpoint names), scores.ts (per-epoch held-out scores),
 * loss.ts (a learner's loss), reuse.ts (is a checkpoint the one wanted?), and the job here.
 */
import { checkpointExists, loadCheckpoint, readCheckpointInfo, saveCheckpoint } from "../checkpoint";
import { evaluate } from "../vae/evaluate";
import { Rng } from "../vae/random";
import {
  train,
  type EpochInfo,
  type LossValues,
  type StepInfo,
  type TrainCallbacks,
  type TrainResult,
} from "../vae/train";
import type { Vae } from "../vae/types";
import { createVae } from "../vae/vae";
import { dataFingerprint, loadMnistData, type MnistData } from "./data";
import { signaturesDiffer } from "./loss";
import { defaultCheckpointDir } from "./names";
import { checkpointMismatch, inCallersTerms, inCallersTermsAsync } from "./reuse";
import { heldOutScores, isFiniteNumber, isLossValues, parseHeldOutHistory, type HeldOutEpoch } from "./scores";
import { modelConfigFor, settingsKey, type MnistJobSettings } from "./settings";

export * from "./settings";
export * from "./data";
export * from "./names";
export * from "./loss";
export { checkpointMismatch } from "./reuse";
export { heldOutScores, parseHeldOutHistory, type HeldOutEpoch } from "./scores";

export interface MnistJobResult {
  model: Vae;
  settings: MnistJobSettings;
  data: MnistData;
  history: TrainResult["history"];
  /** Per-epoch held-out scores; empty for checkpoints saved before they were recorded. */
  heldOutHistory: HeldOutEpoch[];
  heldOut: LossValues;
  loaded: boolean;
  /** Training was stopped by the signal: nothing was saved. */
  stopped: boolean;
  trainSeconds: number;
  checkpointDir: string;
}

export interface MnistJobOptions {
  /** The checkpoint folder; default `defaultCheckpointDir` (.cache/checkpoints/<checkpointName>). */
  checkpointDir?: string;
  retrain?: boolean;
  /** The data, when the caller has loaded it already (a sweep loads each dataset once); default `loadMnistData`. */
  data?: MnistData;
  /** After every training step (a sweep's progress bar). */
  onStep?: (info: StepInfo) => void;
  /** After every epoch, with the model as it is then (e.g. to draw its reconstructions). */
  onEpoch?: (info: EpochInfo & { model: Vae; heldOut: HeldOutEpoch }) => void | Promise<void>;
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
  /** The learner's function that `lossSignature` fingerprints, for the notice (default "elbo"; lesson 3: "betaSchedule"). */
  lossName?: string;
  /**
   * How to replace a damaged checkpoint, in the caller's terms (a notebook: "set RETRAIN = true and
   * run this cell again"); checkpoint errors then carry only their message, no stack.
   */
  retrainFix?: string;
  /** More JSON-safe facts to keep in the checkpoint's meta (a sweep stores its run's config). */
  meta?: Record<string, unknown>;
}

/**
 * The job: loads the checkpoint trained with exactly these settings, or trains the model (scoring
 * the held-out data after every epoch) and saves it. A stopped run (`signal`) saves nothing and
 * returns what it has with `stopped: true`. Dispose `model` when done.
 */
export async function trainOrLoadMnist(
  settings: MnistJobSettings,
  options: MnistJobOptions = {},
): Promise<MnistJobResult> {
  const t0 = performance.now();
  const data = options.data ?? loadMnistData(settings.dataDir, settings.seed);
  options.onLoadData?.((performance.now() - t0) / 1000, data);
  const lossPrint = { lossSignature: options.lossSignature, customLoss: options.loss !== undefined };
  const dir = options.checkpointDir ?? defaultCheckpointDir(settings, lossPrint);
  if (!options.retrain && checkpointExists(dir)) {
    const loaded = await loadMatching(dir, settings, data, options);
    if (loaded) return loaded;
  }
  return trainMnist(settings, data, dir, options);
}

/** The checkpoint in `dir` as a job result when it was trained with these settings (and loss); else undefined, after a notice. */
async function loadMatching(
  dir: string,
  settings: MnistJobSettings,
  data: MnistData,
  options: MnistJobOptions,
): Promise<MnistJobResult | undefined> {
  // The manifest first: a checkpoint with other settings is retrained without reading its weights.
  // Errors (unreadable manifest, corrupt weights) propagate: they name the file and --retrain.
  const differences = inCallersTerms(() => checkpointMismatch(dir, settings), options.retrainFix);
  if (options.lossSignature) {
    const stored = readCheckpointInfo(dir).meta.lossSignature;
    if (!Array.isArray(stored)) differences.push("loss: trained before losses were recorded");
    else if (signaturesDiffer(options.lossSignature, stored as number[]))
      differences.push(`loss: trained with a different ${options.lossName ?? "elbo"} than the one defined now`);
  }
  if (differences.length > 0) {
    options.onNotice?.(
      `Checkpoint ${dir} was trained with other settings (${differences.join("; ")}): training again.`,
    );
    return undefined;
  }
  const ckpt = await inCallersTermsAsync(() => loadCheckpoint(dir), options.retrainFix);
  const meta = ckpt.meta as { heldOut?: unknown; trainSeconds?: unknown; heldOutHistory?: unknown };
  const { history: heldOutHistory, problem } = parseHeldOutHistory(meta.heldOutHistory);
  if (problem)
    options.onNotice?.(
      `Checkpoint ${dir}: ${problem}; the per-epoch held-out history is not shown (npm start -- --retrain records it again).`,
    );
  const test = data.test;
  const heldOut = isLossValues(meta.heldOut)
    ? meta.heldOut
    : evaluate(ckpt.model, test.images, test.n, test.height * test.width, { reduction: "sum", seed: settings.seed });
  return {
    model: ckpt.model,
    settings,
    data,
    history: ckpt.history as TrainResult["history"],
    heldOutHistory,
    heldOut,
    loaded: true,
    stopped: false,
    trainSeconds: isFiniteNumber(meta.trainSeconds) ? meta.trainSeconds : NaN,
    checkpointDir: dir,
  };
}

/** Trains a fresh model, scoring the held-out data after every epoch, and saves it to `dir` unless stopped. */
async function trainMnist(
  settings: MnistJobSettings,
  data: MnistData,
  dir: string,
  options: MnistJobOptions,
): Promise<MnistJobResult> {
  const dim = data.train.height * data.train.width;
  const model = createVae(modelConfigFor(settings), new Rng(settings.seed));
  const heldOutHistory: HeldOutEpoch[] = [];
  let result: TrainResult;
  try {
    result = await train(
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
        onStep: options.onStep,
        onEpoch: async (info) => {
          // Scored with the same seed every epoch, so the curve shows the model changing, not eps.
          const scores = heldOutScores(model, data.test, settings.seed);
          const heldOut = {
            epoch: info.epoch,
            ...scores,
            distinctFraction: Number.isFinite(scores.distinctFraction) ? scores.distinctFraction : 0,
          };
          heldOutHistory.push(heldOut);
          await options.onEpoch?.({ ...info, model, heldOut });
        },
        signal: options.signal,
        loss: options.loss,
      },
    );
  } catch (err) {
    model.dispose();
    throw err;
  }
  const last = heldOutHistory.at(-1);
  // The last epoch's scores are the finished model's (same data, same seed): no second evaluation.
  const heldOut: LossValues =
    last && !result.stopped
      ? { total: last.total, recon: last.recon, kl: last.kl }
      : evaluate(model, data.test.images, data.test.n, dim, { reduction: "sum", seed: settings.seed });
  if (!result.stopped) {
    await saveCheckpoint(dir, {
      model,
      history: result.history,
      meta: {
        ...options.meta,
        settings: settingsKey(settings),
        dataFingerprint: dataFingerprint(settings.dataDir),
        heldOut,
        heldOutHistory,
        trainSeconds: result.seconds,
        data: data.source,
        ...(options.lossSignature ? { lossSignature: options.lossSignature } : {}),
      },
    });
  }
  return {
    model,
    settings,
    data,
    history: result.history,
    heldOutHistory,
    heldOut,
    loaded: false,
    stopped: result.stopped,
    trainSeconds: result.seconds,
    checkpointDir: dir,
  };
}
