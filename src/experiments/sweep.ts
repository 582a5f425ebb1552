/**
 * A sweep runs a plan of runs in order, reusing every run whose exact config is already in the
 * results file (and whose checkpoint is still there), and writes the results file after every
 * finished run. A stopped run (the abort signal, Ctrl-C) is not recorded; a diverged run is reported
 * and skipped.
 */
import { dirname, join, relative, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkpointExists } from "../checkpoint";
import { loadNativeAddon } from "../engine/native";
import { TrainingDivergedError, type LossValues } from "../vae/train";
import { findRun, readResults, withRun, writeResults, type ResultsFile, type RunRecord } from "./results";
import { loadRunData, type RunData } from "./runData";
import { checkpointName, runExperiment } from "./runner";
import { estimateSeconds, type ComputePath, type PlannedRun } from "./sweeps";

export interface SweepProgress {
  /** 1-based position of the current run in the plan. */
  run: number;
  runs: number;
  label: string;
  /** What just happened. */
  event: "reused" | "start" | "progress" | "done" | "failed";
  /** Inside the run: "epoch 3/20". */
  where?: string;
  loss?: LossValues;
  /** Estimated seconds of training done and in total, over the runs that need training. */
  doneSeconds: number;
  totalSeconds: number;
  record?: RunRecord;
  error?: Error;
}

export interface RunSweepOptions {
  resultsPath: string;
  /** Train every run again, even if finished (its record is replaced). */
  rerun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
}

export interface SweepOutcome {
  results: ResultsFile;
  trained: RunRecord[];
  reused: RunRecord[];
  failed: { label: string; error: Error }[];
  stopped: boolean;
  /** Runs not reached because the sweep stopped. */
  remaining: number;
}

/** Whether `record` can be reused: the config matches and its checkpoint is still on disk. */
export function isReusable(record: RunRecord | undefined, resultsPath: string): record is RunRecord {
  return (
    record !== undefined &&
    typeof record.checkpoint === "string" &&
    checkpointExists(resolve(dirname(resultsPath), record.checkpoint))
  );
}

/**
 * Which runs of `plan` need training (not in the results file, or `rerun`), with the estimated
 * seconds of each. Reads the results file (ResultsFileError if it is broken).
 */
export function sweepStatus(
  plan: PlannedRun[],
  resultsPath: string,
  rerun = false,
  path: ComputePath = "wasm",
): { toTrain: PlannedRun[]; reused: PlannedRun[]; estimatedSeconds: number } {
  const results = readResults(resultsPath);
  const toTrain = plan.filter((p) => rerun || !isReusable(findRun(results, p.config), resultsPath));
  const reused = plan.filter((p) => !toTrain.includes(p));
  return {
    toTrain,
    reused,
    estimatedSeconds: toTrain.reduce((s, p) => s + estimateSeconds(p.config, undefined, path), 0),
  };
}

/** Which cost table the estimates use: the native BLAS path when TensorFlow.js runs on WASM with it, else WASM's. */
export function computePath(): ComputePath {
  return tf.getBackend() === "wasm" && loadNativeAddon().active ? "native" : "wasm";
}

/** Runs `plan` in order, reusing finished runs, saving the results file after every run. */
export async function runSweep(plan: PlannedRun[], options: RunSweepOptions): Promise<SweepOutcome> {
  const path = resolve(options.resultsPath);
  let results = readResults(path);
  const dataCache = new Map<string, RunData>();
  const { toTrain } = sweepStatus(plan, path, options.rerun);
  const path_ = computePath();
  const costs = new Map(plan.map((p) => [p, toTrain.includes(p) ? estimateSeconds(p.config, undefined, path_) : 0]));
  const totalSeconds = [...costs.values()].reduce((a, b) => a + b, 0);
  let doneSeconds = 0;
  const outcome: SweepOutcome = { results, trained: [], reused: [], failed: [], stopped: false, remaining: 0 };
  for (const [i, planned] of plan.entries()) {
    const base = { run: i + 1, runs: plan.length, label: planned.label, totalSeconds };
    if (options.signal?.aborted) {
      outcome.stopped = true;
      outcome.remaining = plan.length - i;
      break;
    }
    const existing = findRun(results, planned.config);
    if (!toTrain.includes(planned) && isReusable(existing, path)) {
      outcome.reused.push(existing);
      options.onProgress?.({ ...base, event: "reused", doneSeconds, record: existing });
      continue;
    }
    const cost = costs.get(planned)!;
    options.onProgress?.({ ...base, event: "start", doneSeconds });
    const name = checkpointName(planned.config);
    const checkpointDir = join(dirname(path), "checkpoints", name);
    let run: { record?: RunRecord; stopped: boolean };
    try {
      const data = loadRunData(planned.config, dataCache);
      run = await runExperiment(planned.config, {
        data,
        checkpointDir,
        checkpointRef: relative(dirname(path), checkpointDir),
        signal: options.signal,
        onProgress: (p) =>
          options.onProgress?.({
            ...base,
            event: "progress",
            where: p.where,
            loss: p.loss,
            doneSeconds: doneSeconds + p.fraction * cost,
          }),
      });
    } catch (err) {
      if (!(err instanceof TrainingDivergedError)) throw err;
      outcome.failed.push({ label: planned.label, error: err });
      doneSeconds += cost;
      options.onProgress?.({ ...base, event: "failed", doneSeconds, error: err });
      continue;
    }
    if (run.stopped || !run.record) {
      outcome.stopped = true;
      outcome.remaining = plan.length - i;
      break;
    }
    // Re-read before writing: another sweep (a second terminal, the notebook) may have added runs meanwhile.
    results = withRun(readResults(path), run.record);
    writeResults(path, results);
    outcome.results = results;
    outcome.trained.push(run.record);
    doneSeconds += cost;
    options.onProgress?.({ ...base, event: "done", doneSeconds, record: run.record });
  }
  outcome.results = results;
  return outcome;
}
