/**
 * The experiments' results file: one JSON document (the record, read by the notebook and the
 * playground) and a CSV beside it (one row per run, for spreadsheets).
 *
 *   { "format": "vae-lab-experiments", "formatVersion": 2,
 *     "runs": [ { "config": { dataset, model, latentDim, beta (a number, or { from, to, epochs }), hidden, epochs, seed, ... },
 *                 "metrics": { trainRecon, trainKl, trainNegElbo, testRecon, testKl, testNegElbo },
 *                 "seconds", "backend", "history": [...], "checkpoint", ... } ] }
 *
 * Both files are written atomically (a temporary file renamed over the old one) after every run, so
 * an interrupted sweep leaves the last complete state and resumes from it. `inspectResults` is the
 * one reader (the sweeps, the notebooks and the playground all read through it); for a sweep, a file
 * that cannot be read or does not have this shape is an error naming the file and the fix
 * (`readResults`), never silently replaced.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { csv } from "../csv";
import { writeAtomic } from "../files";
import { isRecord } from "../json";
import { cacheDir } from "../paths";
import type { BetaSchedule, LossValues } from "../vae/train";
import { configKey, type RunConfig } from "./sweeps";

export const RESULTS_FORMAT = "vae-lab-experiments";
/** 2: `config.beta` is a BetaSchedule (version 1 had a number and `betaWarmup` epochs; read as such). */
export const RESULTS_VERSION = 2;
/** Set it to read and write another results file (the notebook's CI test does; `npm start` shows that file too). */
export const RESULTS_ENV_VAR = "VAE_LAB_RESULTS";
/** Files larger than this are not parsed (a results file holds a few hundred runs at most). */
export const RESULTS_MAX_BYTES = 20 * 1024 * 1024;

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

/**
 * A run's metrics from its final evaluations on the training and held-out data; the negative ELBO
 * is recon + KL (β = 1), whatever β trained the model.
 */
export function runMetrics(train: LossValues, test: LossValues): RunMetrics {
  return {
    trainRecon: train.recon,
    trainKl: train.kl,
    trainNegElbo: train.recon + train.kl,
    testRecon: test.recon,
    testKl: test.kl,
    testNegElbo: test.recon + test.kl,
  };
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
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(
      `results file ${path}: ${problem} Fix or delete the file (the runs are re-trained), or pass --out <another file>.`,
    );
    this.name = "ResultsFileError";
  }
}

/** `.cache/experiments/results.json`, or $VAE_LAB_RESULTS: where `npm run experiment` writes and everything reads. */
export function defaultResultsPath(env: Record<string, string | undefined> = process.env): string {
  return env[RESULTS_ENV_VAR] || join(cacheDir(), "experiments", "results.json");
}

export function emptyResults(): ResultsFile {
  return { format: RESULTS_FORMAT, formatVersion: RESULTS_VERSION, runs: [] };
}

const METRIC_KEYS: (keyof RunMetrics)[] = [
  "trainRecon",
  "trainKl",
  "trainNegElbo",
  "testRecon",
  "testKl",
  "testNegElbo",
];
const CONFIG_KEYS: (keyof RunConfig)[] = ["dataset", "model", "latentDim", "beta", "hidden", "epochs", "seed"];

/** What reading a results file found: no file, a file that is not one, or its runs (with those that were not runs counted). */
export type ResultsRead =
  | { status: "missing"; file: string }
  | { status: "malformed"; file: string; message: string }
  | { status: "ok"; file: string; results: ResultsFile; skipped: number; problems: string[] };

/**
 * The one reader of results files. Never throws: a missing file, an unreadable or malformed one is a
 * status with a one-line message; runs that lack a field are skipped and counted (`problems` says
 * why). Version-1 runs ({ beta, betaWarmup }) are read as BetaSchedules.
 *
 * @example
 * inspectResults("/nope.json"); //=> { status: "missing", file: "/nope.json" }
 */
export function inspectResults(path: string): ResultsRead {
  const file = path;
  let text: string;
  try {
    if (!existsSync(file)) return { status: "missing", file };
    const stat = statSync(file); // a folder passes here and fails to read below (EISDIR)
    if (stat.size > RESULTS_MAX_BYTES)
      return {
        status: "malformed",
        file,
        message: `has ${stat.size} bytes, more than the ${RESULTS_MAX_BYTES} a results file can have`,
      };
    text = readFileSync(file, "utf8");
  } catch (err) {
    return {
      status: "malformed",
      file,
      message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split("\n")[0]})`,
    };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { status: "malformed", file, message: `is not valid JSON (${(err as Error).message.split("\n")[0]})` };
  }
  if (!isRecord(doc) || !Array.isArray(doc.runs))
    return { status: "malformed", file, message: 'is not a vae-lab results file: it has no "runs" list' };
  if (doc.format !== undefined && doc.format !== RESULTS_FORMAT)
    return { status: "malformed", file, message: `has format ${JSON.stringify(doc.format)}, not "${RESULTS_FORMAT}"` };
  if (typeof doc.formatVersion === "number" && doc.formatVersion > RESULTS_VERSION) {
    return {
      status: "malformed",
      file,
      message: `was written by a newer vae-lab (format version ${doc.formatVersion}; this one reads ${RESULTS_VERSION})`,
    };
  }
  const runs: RunRecord[] = [];
  const problems: string[] = [];
  doc.runs.forEach((raw, i) => {
    const problem = runProblem(raw);
    if (problem) problems.push(`run ${i + 1}${problem}`);
    else runs.push(upgradeRun(raw as Record<string, unknown>));
  });
  if (runs.length === 0 && problems.length > 0) {
    return {
      status: "malformed",
      file,
      message: `none of its ${problems.length} runs has a config and metrics (${problems[0]})`,
    };
  }
  return {
    status: "ok",
    file,
    results: { format: RESULTS_FORMAT, formatVersion: RESULTS_VERSION, runs },
    skipped: problems.length,
    problems,
  };
}

/**
 * The results in `path` for a sweep that will write them back: an empty list when the file does not
 * exist yet. Throws ResultsFileError when it cannot be read, is not a results file, or has a run that
 * is not one (a sweep must not silently drop it when it rewrites the file).
 */
export function readResults(path: string): ResultsFile {
  const read = inspectResults(path);
  if (read.status === "missing") return emptyResults();
  if (read.status === "malformed") throw new ResultsFileError(path, `${read.message}.`);
  if (read.problems.length > 0) throw new ResultsFileError(path, `${read.problems[0]}.`);
  return read.results;
}

/** Why `raw` is not a run (", its config has no \"beta\"", …), or undefined when it is one. */
function runProblem(raw: unknown): string | undefined {
  if (!isRecord(raw) || !isRecord(raw.config) || !isRecord(raw.metrics))
    return ` has no "config" and "metrics" objects`;
  for (const k of CONFIG_KEYS) if (raw.config[k] === undefined) return `'s config has no "${k}"`;
  if (typeof raw.config.latentDim !== "number") return `'s config.latentDim is not a number`;
  if (!isBetaSchedule(raw.config.beta)) return `'s config.beta is not a number or { from, to, epochs }`;
  for (const k of METRIC_KEYS) if (typeof raw.metrics[k] !== "number") return `'s metrics have no number "${k}"`;
  return undefined;
}

function isBetaSchedule(v: unknown): v is BetaSchedule {
  return typeof v === "number" || (isRecord(v) && typeof v.from === "number" && typeof v.to === "number");
}

/** A run as this version writes it: version 1's { beta, betaWarmup } becomes one BetaSchedule. */
function upgradeRun(raw: Record<string, unknown>): RunRecord {
  const { betaWarmup, ...config } = raw.config as Record<string, unknown>;
  const warm = typeof betaWarmup === "number" && betaWarmup > 0 && typeof config.beta === "number";
  const beta = warm ? { from: 0, to: config.beta as number, epochs: betaWarmup } : config.beta;
  const history = Array.isArray(raw.history) ? raw.history : [];
  return { ...raw, config: { ...config, beta }, history } as unknown as RunRecord;
}

/** Writes `path` (JSON) and the same name with .csv, each atomically. */
export function writeResults(path: string, results: ResultsFile): void {
  writeAtomic(path, JSON.stringify(results, null, 1) + "\n");
  writeAtomic(csvPathFor(path), resultsCsv(results));
}

export function csvPathFor(jsonPath: string): string {
  return jsonPath.replace(/\.json$/i, "") + ".csv";
}

const CSV_COLUMNS = [
  "dataset",
  "model",
  "latentDim",
  "beta",
  "betaWarmup",
  "hidden",
  "depth",
  "epochs",
  "steps",
  "batchSize",
  "learningRate",
  "reduction",
  "seed",
  "betaFrom",
  ...METRIC_KEYS,
  "finalClusterFraction",
  "seconds",
  "backend",
  "trainN",
  "testN",
  "finishedAt",
  "checkpoint",
] as const;

/**
 * One header line and one line per run (src/csv.ts: RFC 4180, numbers in full). β is three columns:
 * the final β, where a warm-up starts, and its epochs (0 for a constant β).
 *
 * @example
 * resultsCsv(emptyResults()).split("\r\n")[0]; //=> "dataset,model,latentDim,beta,betaWarmup,..."
 */
export function resultsCsv(results: ResultsFile): string {
  const rows = results.runs.map((r) => {
    const b = r.config.beta;
    const values: Record<string, string | number | null | undefined> = {
      ...(r.config as unknown as Record<string, string | number | undefined>),
      ...r.metrics,
      beta: typeof b === "number" ? b : b.to,
      betaFrom: typeof b === "number" ? b : b.from,
      betaWarmup: typeof b === "number" ? 0 : (b.epochs ?? b.steps),
      finalClusterFraction: r.history?.at(-1)?.clusterFraction ?? "",
      seconds: r.seconds,
      backend: r.backend,
      trainN: r.data?.trainN,
      testN: r.data?.testN,
      finishedAt: r.finishedAt,
      checkpoint: r.checkpoint,
    };
    return CSV_COLUMNS.map((c) => values[c]);
  });
  return csv([[...CSV_COLUMNS], ...rows], { decimals: null });
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
