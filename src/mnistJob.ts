/**
 * The main job: train (or load) an MNIST VAE on the embedded digits or on IDX files, keeping a
 * checkpoint so the next run starts in seconds. Used by `npm start`, lesson 2 and the playground.
 *
 * A checkpoint is reused only when its model config and training settings equal the requested ones
 * (checked on the manifest alone, before any weights are read); otherwise (or with `retrain`) the
 * model is trained again, with a notice saying what differed, and the checkpoint replaced. While
 * training, the held-out negative ELBO and cluster separation are scored after every epoch and saved
 * in the checkpoint's meta (`heldOutHistory`), so the playground can plot them after a reload.
 */
import { join } from "node:path";
import { checkpointExists, configDifferences, loadCheckpoint, readCheckpointInfo, saveCheckpoint } from "./checkpoint";
import { type ImageDataset, splitDataset } from "./data/dataset";
import { loadIdxDataset } from "./data/idx";
import { loadEmbeddedMnist } from "./data/mnist";
import { evaluate } from "./evaluate";
import { clusterSeparation, encodeDataset } from "./latent";
import { convMnistVae, mnistVae } from "./models/presets";
import type { Vae, VaeConfig } from "./models/types";
import { createVae } from "./models/vae";
import { cacheDir } from "./paths";
import { Rng } from "./random";
import { train, type BetaSchedule, type EpochInfo, type LossValues, type TrainCallbacks, type TrainResult } from "./train";

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
    onEpoch?: (info: EpochInfo) => void | Promise<void>;
    onLoadData?: (seconds: number, data: MnistData) => void;
    /** One-line messages for people: a checkpoint trained with other settings, a history ignored. */
    onNotice?: (message: string) => void;
    signal?: AbortSignal;
    /**
     * Train with this loss instead of the library's forward pass + ELBO (lesson 2 trains with the
     * learner's elbo). A correct one trains the same model, so the checkpoint stays shared.
     */
    loss?: TrainCallbacks["loss"];
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
    const differences = checkpointMismatch(dir, settings);
    if (differences.length === 0) {
      const ckpt = await loadCheckpoint(dir);
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
        await options.onEpoch?.(info);
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
      meta: { settings: settingsKey(settings), heldOut, heldOutHistory, trainSeconds: result.seconds, data: data.source },
    });
  }
  return { model, settings, data, history: result.history, heldOutHistory, heldOut, loaded: false, trainSeconds: result.seconds, checkpointDir: dir };
}
