/**
 * The experiment results the playground's latent-dimension trade-off panel shows: the file
 * `npm run experiment` wrote (`--out`, else $VAE_LAB_RESULTS, else .cache/experiments/results.json),
 * read by the experiments' one reader (`inspectResults`, src/experiments/results.ts): a missing file
 * is a hint, a malformed one a one-line notice, never a crash; runs that lack a field are skipped and
 * counted, not fatal.
 */
import { defaultResultsPath, inspectResults, type RunRecord } from "../experiments/results";
import type { BetaSchedule } from "../vae/train";

/** One run in the panel's terms. */
export interface ExperimentRun {
  dataset: string;
  model: string;
  latentDim: number;
  beta: BetaSchedule;
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

/** Where `npm run experiment` writes its results (and so where the playground reads them). */
export function experimentResultsFile(): string {
  return defaultResultsPath();
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 && v.length < 200 ? v : null);

function toRun(r: RunRecord): ExperimentRun {
  const c = r.config,
    m = r.metrics;
  return {
    dataset: str(c.dataset) ?? "unknown",
    model: str(c.model) ?? "unknown",
    latentDim: c.latentDim,
    beta: c.beta,
    hidden: num(c.hidden),
    epochs: num(c.epochs),
    seed: num(c.seed),
    testRecon: m.testRecon,
    testKl: m.testKl,
    testNegElbo: m.testNegElbo,
    trainNegElbo: num(m.trainNegElbo),
    seconds: num(r.seconds),
    backend: str(r.backend),
  };
}

/**
 * @example
 * readExperimentResults("/nope.json"); //=> { status: "missing", file: "/nope.json" }
 */
export function readExperimentResults(file = experimentResultsFile()): ExperimentResults {
  const read = inspectResults(file);
  if (read.status === "missing") return read;
  if (read.status === "malformed") return { ...read, message: `it ${read.message}` };
  return { status: "ok", file, runs: read.results.runs.map(toRun), skipped: read.skipped };
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
    const b = r.beta;
    const beta =
      typeof b === "number"
        ? `β=${b}`
        : `β ${b.from}→${b.to} over ${b.epochs ?? b.steps} ${b.epochs !== undefined ? "epochs" : "steps"}`;
    const parts = [r.dataset, r.model + (r.hidden === null || r.model === "conv" ? "" : ` ${r.hidden}`), beta];
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
