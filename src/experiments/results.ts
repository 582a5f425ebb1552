/**
 * The experiments' results file: one JSON document (the record, read by the notebook and the
 * playground) and a CSV beside it (one row per run, for spreadsheets).
 *
 *   { "format": "vae-lab-experiments", "formatVersion": 1,
 *     "runs": [ { "config": { dataset, model, latentDim, beta, hidden, epochs, seed, ... },
 *                 "metrics": { trainRecon, trainKl, trainNegElbo, testRecon, testKl, testNegElbo },
 *                 "seconds", "backend", "history": [...], "checkpoint", ... } ] }
 *
 * Both files are written atomically (a temporary file renamed over the old one) after every run, so
 * an interrupted sweep leaves the last complete state and resumes from it. A file that cannot be
 * read or does not have this shape is an error naming the file and the fix, never silently replaced.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cacheDir } from "../paths";
import { configKey, type RunConfig } from "./sweeps";

export const RESULTS_FORMAT = "vae-lab-experiments";
export const RESULTS_VERSION = 1;
/** Set it to read and write another results file (the notebook's CI test does). */
export const RESULTS_ENV_VAR = "VAE_LAB_RESULTS";

/** Per image (MNIST: nats) or per point (Swiss roll: squared error + KL), on held-out and training data. */
export interface RunMetrics {
  trainRecon: number;
  trainKl: number;
  /** Reconstruction + KL (β = 1, whatever β trained the model): the negative ELBO. */
  trainNegElbo: number;
  testRecon: number;
  testKl: number;
  testNegElbo: number;
}

/** One point of a run's training curve: after each epoch (MNIST) or each tenth of the steps (Swiss roll). */
export interface HistoryPoint {
  epoch: number;
  step: number;
  /** β during this epoch. */
  beta: number;
  /** Means over the training batches of this epoch (or since the last point). */
  trainRecon: number;
  trainKl: number;
  trainNegElbo: number;
  /** On the held-out data, after this epoch. */
  testRecon: number;
  testKl: number;
  testNegElbo: number;
  /** Fraction of classes whose held-out codes form distinct clusters (latent.ts clusterSeparation); null for the Swiss roll. */
  clusterFraction: number | null;
}

export interface RunRecord {
  config: RunConfig;
  metrics: RunMetrics;
  /** Wall-clock seconds of the run: training with its per-epoch evaluations, and the final evaluation. */
  seconds: number;
  backend: string;
  /** Where the data came from and how much of it. */
  data: { source: string; trainN: number; testN: number };
  units: string;
  history: HistoryPoint[];
  /** The trained model's checkpoint folder, relative to the results file's folder. */
  checkpoint: string;
  finishedAt: string;
}

export interface ResultsFile {
  format: typeof RESULTS_FORMAT;
  formatVersion: number;
  runs: RunRecord[];
}

export class ResultsFileError extends Error {
  constructor(readonly path: string, problem: string) {
    super(`results file ${path}: ${problem} Fix or delete the file (the runs are re-trained), or pass --out <another file>.`);
    this.name = "ResultsFileError";
  }
}

/** `.cache/experiments/results.json`, or $VAE_LAB_RESULTS. */
export function defaultResultsPath(env: Record<string, string | undefined> = process.env): string {
  return env[RESULTS_ENV_VAR] || join(cacheDir(), "experiments", "results.json");
}

export function emptyResults(): ResultsFile {
  return { format: RESULTS_FORMAT, formatVersion: RESULTS_VERSION, runs: [] };
}

const METRIC_KEYS: (keyof RunMetrics)[] = ["trainRecon", "trainKl", "trainNegElbo", "testRecon", "testKl", "testNegElbo"];
const CONFIG_KEYS: (keyof RunConfig)[] = ["dataset", "model", "latentDim", "beta", "hidden", "epochs", "seed"];

/**
 * The results in `path`; an empty list when the file does not exist yet. Throws ResultsFileError
 * when it cannot be read or is not a results file.
 */
export function readResults(path: string): ResultsFile {
  if (!existsSync(path)) return emptyResults();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ResultsFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(path, `is not valid JSON (${(err as Error).message}).`);
  }
  if (!isRecord(doc) || !Array.isArray(doc.runs)) throw new ResultsFileError(path, `is not a vae-lab results file: it has no "runs" list.`);
  if (doc.format !== undefined && doc.format !== RESULTS_FORMAT) throw new ResultsFileError(path, `has format ${JSON.stringify(doc.format)}, not "${RESULTS_FORMAT}".`);
  if (typeof doc.formatVersion === "number" && doc.formatVersion > RESULTS_VERSION) {
    throw new ResultsFileError(path, `was written by a newer vae-lab (format version ${doc.formatVersion}; this one reads ${RESULTS_VERSION}).`);
  }
  doc.runs.forEach((run, i) => {
    const where = `run ${i + 1}`;
    if (!isRecord(run) || !isRecord(run.config) || !isRecord(run.metrics)) throw new ResultsFileError(path, `${where} has no "config" and "metrics" objects.`);
    for (const k of CONFIG_KEYS) if (run.config[k] === undefined) throw new ResultsFileError(path, `${where}'s config has no "${k}".`);
    for (const k of METRIC_KEYS) if (typeof run.metrics[k] !== "number") throw new ResultsFileError(path, `${where}'s metrics have no number "${k}".`);
  });
  return { format: RESULTS_FORMAT, formatVersion: RESULTS_VERSION, runs: doc.runs as unknown as RunRecord[] };
}

/** Writes `path` (JSON) and the same name with .csv, each atomically. */
export function writeResults(path: string, results: ResultsFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeAtomically(path, JSON.stringify(results, null, 1) + "\n");
  writeAtomically(csvPathFor(path), resultsCsv(results));
}

export function csvPathFor(jsonPath: string): string {
  return jsonPath.replace(/\.json$/i, "") + ".csv";
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

const CSV_COLUMNS = [
  "dataset", "model", "latentDim", "beta", "betaWarmup", "hidden", "depth", "epochs", "steps", "batchSize", "learningRate", "reduction", "seed",
  ...METRIC_KEYS, "finalClusterFraction", "seconds", "backend", "trainN", "testN", "finishedAt", "checkpoint",
] as const;

/**
 * One header line and one line per run; fields with commas or quotes are quoted (RFC 4180).
 *
 * @example
 * resultsCsv(emptyResults()).split("\n")[0]; //=> "dataset,model,latentDim,beta,..."
 */
export function resultsCsv(results: ResultsFile): string {
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = results.runs.map((r) => {
    const values: Record<string, unknown> = {
      ...r.config,
      ...r.metrics,
      finalClusterFraction: r.history?.at(-1)?.clusterFraction ?? "",
      seconds: r.seconds,
      backend: r.backend,
      trainN: r.data?.trainN,
      testN: r.data?.testN,
      finishedAt: r.finishedAt,
      checkpoint: r.checkpoint,
    };
    return CSV_COLUMNS.map((c) => cell(values[c])).join(",");
  });
  return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}

/** The finished run with exactly this config, if any. */
export function findRun(results: ResultsFile, config: RunConfig): RunRecord | undefined {
  const key = configKey(config);
  return results.runs.find((r) => configKey(r.config) === key);
}

/** `results` with `record` added, replacing a run with the same config. */
export function withRun(results: ResultsFile, record: RunRecord): ResultsFile {
  const key = configKey(record.config);
  const runs = results.runs.filter((r) => configKey(r.config) !== key);
  return { ...results, runs: [...runs, record] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
