/**
 * Picking the runs a figure needs out of a results file, and loading what the figures draw from
 * (the run's held-out images, its trained model).
 *
 * A results file may hold runs of several settings (a CI sweep, the default sweep, an instructor's
 * `--epochs 50`). Each figure compares runs that differ in ONE thing, so each selector groups the
 * candidate runs by everything else and takes the most complete group (most runs, then most
 * training): a figure never mixes a 2-epoch run with a 20-epoch one.
 */
import { dirname, resolve } from "node:path";
import { checkpointExists, loadCheckpoint } from "../checkpoint";
import type { Vae } from "../vae/types";
import type { ImageDataset } from "../vae/data/dataset";
import { loadMnistData } from "../mnistJob";
import type { RunRecord } from "./results";
import { configKey, EMBEDDED, isSwissRoll, runLabel, type RunConfig } from "./sweeps";

/** The most complete group of `runs` that agree on everything but `varying`. */
function bestGroup(runs: RunRecord[], varying: (keyof RunConfig)[]): RunRecord[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const rest = { ...r.config } as Partial<RunConfig>;
    for (const k of varying) delete rest[k];
    const key = configKey(rest as RunConfig);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  let best: RunRecord[] = [];
  for (const g of groups.values()) {
    const work = (rs: RunRecord[]) => rs[0].config.epochs * (rs[0].config.steps ?? 1);
    if (g.length > best.length || (g.length === best.length && best.length > 0 && work(g) > work(best))) best = g;
  }
  return best;
}

/** Which MNIST model a figure shows (default: the MLP, as lessons 1–2 build it). */
export interface RunFilter {
  model?: "mlp" | "conv";
}

const mnistRunsOf = (runs: RunRecord[], filter: RunFilter) =>
  runs.filter((r) => !isSwissRoll(r.config) && r.config.model === (filter.model ?? "mlp"));

/** MNIST runs with constant β = 1 that differ only in latent dimension, by latentDim. */
export function latentSweepRuns(runs: RunRecord[], filter: RunFilter = {}): RunRecord[] {
  const candidates = mnistRunsOf(runs, filter).filter((r) => r.config.beta === 1);
  return bestGroup(candidates, ["latentDim"]).sort((a, b) => a.config.latentDim - b.config.latentDim);
}

/** MNIST runs at latent dimension 2 that differ only in β (constant or warm-up): constant β ascending, then warm-ups by the β they reach and their length. */
export function betaSweepRuns(runs: RunRecord[], filter: RunFilter = {}): RunRecord[] {
  const candidates = mnistRunsOf(runs, filter).filter((r) => r.config.latentDim === 2);
  const order = (c: RunConfig) =>
    typeof c.beta === "number" ? [0, c.beta, 0] : [1, c.beta.to, c.beta.epochs ?? c.beta.steps ?? 0];
  return bestGroup(candidates, ["beta"]).sort((a, b) => {
    const x = order(a.config),
      y = order(b.config);
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

/** Swiss-roll runs that differ only in hidden and latent size, as a grid: rows = hidden sizes, columns = latent sizes. */
export function swissGridRuns(runs: RunRecord[]): {
  hidden: number[];
  latent: number[];
  cell: (hidden: number, latent: number) => RunRecord | undefined;
} {
  const group = bestGroup(
    runs.filter((r) => isSwissRoll(r.config)),
    ["hidden", "latentDim"],
  );
  const hidden = [...new Set(group.map((r) => r.config.hidden))].sort((a, b) => a - b);
  const latent = [...new Set(group.map((r) => r.config.latentDim))].sort((a, b) => a - b);
  return { hidden, latent, cell: (h, L) => group.find((r) => r.config.hidden === h && r.config.latentDim === L) };
}

/** The held-out images of an MNIST run's data (the same split its metrics were computed on). */
export function heldOutImages(config: RunConfig): ImageDataset {
  if (isSwissRoll(config)) throw new Error("heldOutImages: a Swiss-roll run has no images; use loadRunData.");
  return loadMnistData(config.dataset === EMBEDDED ? undefined : config.dataset, config.seed).test;
}

/**
 * The trained model of a run, from its checkpoint (beside the results file). Dispose it when done.
 * A missing checkpoint (the results file copied alone, the folder deleted) is a clear error: the
 * same `npm run experiment` command trains exactly those runs again.
 */
export async function loadRunModel(resultsPath: string, run: RunRecord): Promise<Vae> {
  const dir = resolve(dirname(resultsPath), run.checkpoint);
  if (!checkpointExists(dir)) {
    throw new Error(
      `The trained model of ${runLabel(run.config)} is missing (no checkpoint in ${dir}). Run npm run experiment again with the same options: it re-trains the runs whose checkpoints are gone and reuses the rest.`,
    );
  }
  const { model } = await loadCheckpoint(dir);
  return model;
}
