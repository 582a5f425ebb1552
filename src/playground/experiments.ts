/**
 * Reads the experiment results the playground's latent-dimension trade-off panel shows
 * (`.cache/experiments/results.json`, written by `npm run experiment`), defensively: a missing file
 * is a hint, a malformed one a one-line notice, never a crash. Runs that lack a field the panel needs
 * are skipped and counted, not fatal.
 *
 * Expected shape: { "runs": [ { "config": { "dataset", "model", "latentDim", "beta", "hidden",
 * "epochs", "seed", … }, "metrics": { "trainRecon", "trainKl", "trainNegElbo", "testRecon",
 * "testKl", "testNegElbo" }, "seconds", "backend" } ] }
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../paths";

export interface ExperimentRun {
  dataset: string;
  model: string;
  latentDim: number;
  beta: number;
  /** Epochs over which β ramps up from 0 (0: constant β). */
  betaWarmup: number;
  hidden: number | null;
  epochs: number | null;
  seed: number | null;
  testRecon: number;
  testKl: number;
  testNegElbo: number;
  trainNegElbo: number | null;
  seconds: number | null;
  backend: string | null;
}

export type ExperimentResults =
  | { status: "missing"; file: string }
  | { status: "malformed"; file: string; message: string }
  | { status: "ok"; file: string; runs: ExperimentRun[]; skipped: number };

/** Where `npm run experiment` writes its results. */
export function experimentResultsFile(): string {
  return join(cacheDir(), "experiments", "results.json");
}

/** Files larger than this are not parsed (a results file holds a few hundred runs at most). */
const MAX_BYTES = 20 * 1024 * 1024;

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 && v.length < 200 ? v : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** One run in the panel's terms, or undefined when a field it needs is missing or not a number. */
function toRun(raw: unknown): ExperimentRun | undefined {
  if (!isRecord(raw) || !isRecord(raw.config) || !isRecord(raw.metrics)) return undefined;
  const c = raw.config, m = raw.metrics;
  const latentDim = num(c.latentDim), testRecon = num(m.testRecon), testKl = num(m.testKl), testNegElbo = num(m.testNegElbo);
  if (latentDim === undefined || testRecon === undefined || testKl === undefined || testNegElbo === undefined) return undefined;
  return {
    dataset: str(c.dataset) ?? "unknown",
    model: str(c.model) ?? "unknown",
    latentDim,
    beta: num(c.beta) ?? 1,
    betaWarmup: num(c.betaWarmup) ?? 0,
    hidden: num(c.hidden) ?? null,
    epochs: num(c.epochs) ?? null,
    seed: num(c.seed) ?? null,
    testRecon,
    testKl,
    testNegElbo,
    trainNegElbo: num(m.trainNegElbo) ?? null,
    seconds: num(raw.seconds) ?? null,
    backend: str(raw.backend) ?? null,
  };
}

/**
 * @example
 * readExperimentResults("/nope.json"); //=> { status: "missing", file: "/nope.json" }
 */
export function readExperimentResults(file = experimentResultsFile()): ExperimentResults {
  try {
    if (!existsSync(file)) return { status: "missing", file };
    const stat = statSync(file);
    if (!stat.isFile()) return { status: "malformed", file, message: "it is not a file" };
    if (stat.size > MAX_BYTES) return { status: "malformed", file, message: `it has ${stat.size} bytes, more than the ${MAX_BYTES} a results file can have` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      return { status: "malformed", file, message: `it is not valid JSON (${(err as Error).message.split("\n")[0]})` };
    }
    if (!isRecord(parsed) || !Array.isArray(parsed.runs)) return { status: "malformed", file, message: 'it has no "runs" list' };
    const runs = parsed.runs.map(toRun).filter((r): r is ExperimentRun => r !== undefined);
    const skipped = parsed.runs.length - runs.length;
    if (runs.length === 0 && skipped > 0) return { status: "malformed", file, message: `none of its ${skipped} runs has config.latentDim and metrics.testRecon/testKl/testNegElbo as numbers` };
    return { status: "ok", file, runs, skipped };
  } catch (err) {
    return { status: "malformed", file, message: `it cannot be read (${(err as Error).message.split("\n")[0]})` };
  }
}

export interface TradeOffRow {
  /** e.g. "embedded MNIST · mlp · β=1" */
  group: string;
  latentDim: number;
  /** Means over the runs (seeds) with this group and latentDim. */
  testRecon: number;
  testKl: number;
  testNegElbo: number;
  runs: number;
}

/**
 * Runs grouped by everything but the seed (dataset, model, hidden size, β and its warm-up, epochs),
 * averaged over seeds per latentDim, sorted by latentDim.
 */
export function tradeOffRows(runs: ExperimentRun[]): TradeOffRow[] {
  const groups = new Map<string, ExperimentRun[]>();
  for (const r of runs) {
    const parts = [r.dataset, r.model + (r.hidden === null ? "" : ` ${r.hidden}`), r.betaWarmup > 0 ? `β 0→${r.beta} over ${r.betaWarmup} epochs` : `β=${r.beta}`];
    if (r.epochs !== null) parts.push(`${r.epochs} epochs`);
    const key = `${parts.join(" · ")}\u0000${r.latentDim}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const mean = (rs: ExperimentRun[], f: (r: ExperimentRun) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  return [...groups.entries()]
    .map(([key, rs]) => ({
      group: key.split("\u0000")[0],
      latentDim: rs[0].latentDim,
      testRecon: mean(rs, (r) => r.testRecon),
      testKl: mean(rs, (r) => r.testKl),
      testNegElbo: mean(rs, (r) => r.testNegElbo),
      runs: rs.length,
    }))
    .sort((a, b) => (a.group === b.group ? a.latentDim - b.latentDim : a.group < b.group ? -1 : 1));
}
