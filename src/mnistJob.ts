/**
 * The main job: train (or load) an MNIST VAE on the embedded digits or on IDX files, keeping a
 * checkpoint so the next run starts in seconds. Used by `npm start`, lesson 2 and the playground.
 *
 * A checkpoint is reused only when its model config and training settings equal the requested ones;
 * otherwise (or with `retrain`) the model is trained again and the checkpoint replaced.
 */
import { join } from "node:path";
import { checkpointExists, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import { type ImageDataset, splitDataset } from "./data/dataset";
import { loadIdxDataset } from "./data/idx";
import { loadEmbeddedMnist } from "./data/mnist";
import { evaluate } from "./evaluate";
import { convMnistVae, mnistVae } from "./models/presets";
import type { Vae, VaeConfig } from "./models/types";
import { createVae } from "./models/vae";
import { cacheDir } from "./paths";
import { Rng } from "./random";
import { train, type BetaSchedule, type EpochInfo, type LossValues, type TrainResult } from "./train";

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

export interface MnistJobResult {
  model: Vae;
  settings: MnistJobSettings;
  data: MnistData;
  history: TrainResult["history"];
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

export async function trainOrLoadMnist(
  settings: MnistJobSettings,
  options: {
    checkpointDir?: string;
    retrain?: boolean;
    onEpoch?: (info: EpochInfo) => void | Promise<void>;
    onLoadData?: (seconds: number, data: MnistData) => void;
    signal?: AbortSignal;
  } = {},
): Promise<MnistJobResult> {
  const dir = options.checkpointDir ?? defaultCheckpointDir(settings);
  const t0 = performance.now();
  const data = loadMnistData(settings.dataDir, settings.seed);
  options.onLoadData?.((performance.now() - t0) / 1000, data);
  const dim = data.train.height * data.train.width;
  const config = modelConfigFor(settings);

  if (!options.retrain && checkpointExists(dir)) {
    const ckpt = await loadCheckpoint(dir);
    const meta = (ckpt.meta ?? {}) as { settings?: string; heldOut?: LossValues; trainSeconds?: number };
    if (meta.settings === settingsKey(settings) && meta.heldOut) {
      return {
        model: ckpt.model,
        settings,
        data,
        history: ckpt.history as TrainResult["history"],
        heldOut: meta.heldOut,
        loaded: true,
        trainSeconds: meta.trainSeconds ?? NaN,
        checkpointDir: dir,
      };
    }
    ckpt.model.dispose(); // trained with other settings: train afresh below
  }

  const model = createVae(config, new Rng(settings.seed));
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
    { onEpoch: options.onEpoch, signal: options.signal },
  );
  const heldOut = evaluate(model, data.test.images, data.test.n, dim, { reduction: "sum", seed: settings.seed });
  if (!result.stopped) {
    await saveCheckpoint(dir, {
      model,
      history: result.history,
      meta: { settings: settingsKey(settings), heldOut, trainSeconds: result.seconds, data: data.source },
    });
  }
  return { model, settings, data, history: result.history, heldOut, loaded: false, trainSeconds: result.seconds, checkpointDir: dir };
}
