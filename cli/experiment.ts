/**
 * `npm run experiment`: the instructor sweeps (latent dimension, β, Swiss-roll hidden × latent size)
 * with a progress bar over the whole sweep, results in .cache/experiments/results.json (+ .csv).
 * Thin: parse arguments, call src/experiments, print.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { initBackend } from "../src/engine/backend";
import { findIdxFiles } from "../src/vae/data/idx";
import {
  csvPathFor,
  defaultResultsPath,
  EMBEDDED,
  estimateSeconds,
  isSwissRoll,
  parseBetaList,
  parseSizeList,
  planSweep,
  ResultsFileError,
  runSweep,
  betaChoiceText,
  PRESET_NAMES,
  SWEEP_DEFAULTS,
  SWEEP_NAMES,
  SWEEP_PRESETS,
  sweepStatus,
  computePath,
  type PlannedRun,
  type RunRecord,
  type SweepName,
  type SweepOptions,
} from "../src/experiments";
import { formatOptions, parseCommandLine } from "./args";
import { formatDuration } from "../src/format";
import { ProgressBar } from "./progressBar";

const d = SWEEP_DEFAULTS;
const list = (xs: readonly (string | number)[]) => xs.join(",");
// No defaults in the spec for what a preset sets: a flag given overrides the preset, one not given keeps it.
const spec = {
  sweep: { type: "string", choices: SWEEP_NAMES, default: "all", help: "which sweep" },
  preset: {
    type: "string",
    choices: PRESET_NAMES,
    default: "default",
    help: "starting values of the options below (navigator: β 0, 1, 4 and warm-up 0 → 4 over 10 of 20 epochs)",
  },
  model: {
    type: "string",
    choices: ["mlp", "conv"],
    default: "mlp",
    help: "MNIST model of the latent and β sweeps (conv: the convolutional VAE; the Swiss roll is always mlp)",
  },
  dataset: {
    type: "string",
    default: EMBEDDED,
    help: `MNIST data: "embedded" (10,000 digits shipped with vae-lab) or a folder of IDX files`,
  },
  latent: { type: "string", help: `latent dimensions of the latent sweep (default ${list(d.latent)})` },
  beta: {
    type: "string",
    help: `β values of the β sweep (at L = 2; default ${list(d.beta.map(betaChoiceText))}): "warmup" ramps β 0 → 1 over the first half of the epochs, "warmup:4" to 4, "warmup:4:10" to 4 over 10 epochs`,
  },
  hidden: { type: "string", help: `hidden sizes of the Swiss-roll sweep (default ${list(d.hidden)})` },
  "swiss-latent": { type: "string", help: `latent sizes of the Swiss-roll sweep (default ${list(d.swissLatent)})` },
  epochs: { type: "number", integer: true, min: 1, help: `MNIST epochs per run (default ${d.epochs})` },
  steps: { type: "number", integer: true, min: 1, help: `Swiss-roll training steps per run (default ${d.steps})` },
  seed: { type: "number", integer: true, min: 0, help: `random seed (data split, init, eps; default ${d.seed})` },
  out: {
    type: "string",
    help: "results file (default $VAE_LAB_RESULTS, else .cache/experiments/results.json; a .csv is written beside it)",
  },
  rerun: { type: "boolean", help: "train every run again, even those already in the results file" },
  "dry-run": { type: "boolean", help: "print the plan and the time estimate, train nothing" },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm run experiment -- [options]

Runs the instructor experiments and records every run in a results file (JSON and CSV): held-out
and training reconstruction, KL and negative ELBO per image, the training curve (held-out ELBO and
the fraction of digit classes forming distinct clusters, per epoch), time, backend, and the exact
config and seed. A checkpoint of each trained model is kept beside the results for notebook 04.
MNIST runs train through the same job as npm start and lesson 2.

  latent   MNIST VAE (784-400-L, or --model conv) at each --latent, β = 1
  beta     MNIST VAE at L = 2 for each --beta
  swiss    Swiss-roll VAE (lesson 1) for each --hidden × --swiss-latent, --steps steps each
  all      all three (the default; measured times: docs/notebooks.md, "Measured timings")

Examples:
  npm run experiment -- --sweep beta --preset navigator              β 0, 1, 4, 0→4 warm-up (MLP)
  npm run experiment -- --sweep beta --preset navigator --model conv  the same with the conv VAE

Runs already in the results file with the same config are reused, not recomputed (--rerun to
recompute). Ctrl-C stops after saving the finished runs; the same command resumes the sweep.
Notebook 04 (notebooks/04_latent_dim_experiments.ipynb) draws the figures from the results file,
and npm start's trade-off panel reads the same file.

Options:
${formatOptions(spec)}
`;

const COMMAND = "npm run experiment";

/** A usage problem found after parsing: message, then a pointer to --help; exit code 2. */
class BadArgument extends Error {}

/** The MNIST dataset: "embedded", or an existing folder with train and test IDX files (as an absolute path). */
function resolveDataset(text: string): string {
  if (text === EMBEDDED) return EMBEDDED;
  const folder = resolve(text);
  let isDir = false;
  try {
    isDir = statSync(folder).isDirectory();
  } catch {
    // not there: said below
  }
  if (!isDir) {
    throw new BadArgument(
      `--dataset "${text}" is not a dataset: use --dataset embedded (the 10,000 digits shipped with vae-lab) or the path of a folder of MNIST or Fashion-MNIST IDX files (e.g. /usr/share/datasets/fashion-mnist).`,
    );
  }
  try {
    findIdxFiles(folder, "train");
    findIdxFiles(folder, "test");
  } catch (err) {
    throw new BadArgument(`--dataset ${text}: ${(err as Error).message}`);
  }
  return folder;
}

function sweepOptions(args: Record<string, unknown>): SweepOptions {
  const preset = SWEEP_PRESETS[args.preset as keyof typeof SWEEP_PRESETS];
  const given = <T>(name: string, parse: (text: string) => T, fallback: T): T =>
    args[name] === undefined ? fallback : parse(args[name] as string);
  let options: SweepOptions;
  try {
    options = {
      dataset: resolveDataset(args.dataset as string),
      model: args.model as "mlp" | "conv",
      latent: given("latent", (t) => parseSizeList(t, "--latent", "a latent dimension", 256), preset.latent),
      beta: given("beta", (t) => parseBetaList(t), preset.beta),
      hidden: given("hidden", (t) => parseSizeList(t, "--hidden", "a hidden size"), preset.hidden),
      swissLatent: given(
        "swiss-latent",
        (t) => parseSizeList(t, "--swiss-latent", "a latent size", 64),
        preset.swissLatent,
      ),
      epochs: (args.epochs as number | undefined) ?? preset.epochs,
      steps: (args.steps as number | undefined) ?? preset.steps,
      seed: (args.seed as number | undefined) ?? preset.seed,
    };
  } catch (err) {
    if (err instanceof BadArgument) throw err;
    throw new BadArgument((err as Error).message);
  }
  if (options.model === "conv" && args.sweep === "swiss") {
    throw new BadArgument(
      `--model conv applies to the MNIST sweeps (latent, beta); the Swiss-roll sweep always trains lesson 1's MLP. Use --sweep latent or --sweep beta.`,
    );
  }
  const halfWarmup = options.beta.some(
    (b) => b === "warmup" || (typeof b !== "number" && b.epochs === undefined && b.steps === undefined),
  );
  if (halfWarmup && options.epochs < 2 && (args.sweep === "beta" || args.sweep === "all")) {
    throw new BadArgument(
      `--beta warmup ramps β over the first half of the epochs, so it needs --epochs 2 or more (got ${options.epochs}).`,
    );
  }
  return options;
}

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function summaryLine(r: RunRecord): string {
  const m = r.metrics;
  const clusters = r.history.at(-1)?.clusterFraction;
  const c =
    clusters === null || clusters === undefined
      ? ""
      : `, ${Math.round(clusters * 100)}% of classes in distinct clusters`;
  const digits = isSwissRoll(r.config) ? 4 : 1;
  return `held-out −ELBO ${fmt(m.testNegElbo, digits)} = recon ${fmt(m.testRecon, digits)} + KL ${fmt(m.testKl, digits)}${c}, ${formatDuration(r.seconds)}`;
}

function planTable(plan: PlannedRun[], toTrain: PlannedRun[]): string {
  return plan
    .map(
      (p, i) =>
        `  ${String(i + 1).padStart(2)}. ${p.label.padEnd(30)} ${toTrain.includes(p) ? `train, ~${formatDuration(estimateSeconds(p.config, undefined, computePath()))}` : "reuse (already in the results file)"}`,
    )
    .join("\n");
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, COMMAND);
  if ("exit" in parsed) return parsed.exit;
  const { args } = parsed;
  if (args._.length > 0)
    throw new BadArgument(`unexpected argument "${args._[0]}"; options start with --, e.g. --sweep latent.`);
  const options = sweepOptions(args);
  const sweep = args.sweep as SweepName;
  const resultsPath = resolve(args.out ?? defaultResultsPath());
  const plan = planSweep(sweep, options);
  const status = sweepStatus(plan, resultsPath, args.rerun === true); // reads the results file: a broken one stops here

  const backend = await initBackend();
  console.log(backend.message);
  const onWasm = backend.name === "wasm";
  // The file was read above (before the backend, so a broken one fails fast); re-estimate for this machine's path.
  const path = computePath();
  status.estimatedSeconds = status.toTrain.reduce((sum, p) => sum + estimateSeconds(p.config, undefined, path), 0);
  console.log(
    `Sweep "${sweep}": ${plan.length} run${plan.length === 1 ? "" : "s"}; ${status.reused.length} already in ${resultsPath} (reused), ` +
      `${status.toTrain.length} to train` +
      (status.toTrain.length > 0
        ? `, about ${formatDuration(status.estimatedSeconds)}${onWasm ? "" : ` on WASM (this machine uses ${backend.name})`} (estimated; the bar's ETA adjusts).`
        : "."),
  );
  if (args["dry-run"]) {
    console.log(planTable(plan, status.toTrain));
    return 0;
  }

  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write("\nStopping after the current step; finished runs are saved (Ctrl-C again to quit now)...\n");
    stop.abort();
  };
  process.on("SIGINT", onSigint);

  const stream = process.stderr;
  // Progress in tenths of estimated seconds of work; the ETA calibrates itself on the measured speed.
  // Held below 100% until the sweep ends: the estimate can run out before the work does.
  const total = Math.max(10, Math.round(status.estimatedSeconds * 10));
  const bar = new ProgressBar({ label: "sweep", total, unit: "s", stream, showCount: false });
  // A finished run's line goes above the bar: clear the bar's line first on a terminal.
  const say = (line: string) => stream.write(`${stream.isTTY ? "\r\x1b[K" : ""}${line}\n`);
  const started = performance.now();
  const outcome = await runSweep(plan, {
    resultsPath,
    rerun: args.rerun === true,
    signal: stop.signal,
    onProgress: (p) => {
      const head = `run ${p.run}/${p.runs} ${p.label}`;
      if (p.event === "reused") say(`↺ ${head}: reused (${summaryLine(p.record!)})`);
      else if (p.event === "done") say(`✓ ${head}: ${summaryLine(p.record!)}`);
      else if (p.event === "failed") say(`✗ ${head}: ${p.error!.message}`);
      if (p.event === "progress" || p.event === "start") {
        const loss = p.loss ? `, loss ${fmt(p.loss.total, isSwissRoll(plan[p.run - 1].config) ? 4 : 1)}` : "";
        bar.update(
          Math.min(total - 1, Math.round(p.doneSeconds * 10)),
          `${head}${p.where ? `: ${p.where}` : ""}${loss}`,
        );
      }
    },
  });
  process.off("SIGINT", onSigint);
  if (outcome.trained.length > 0 || outcome.stopped) bar.finish(outcome.stopped ? "stopped" : "done");

  const seconds = (performance.now() - started) / 1000;
  console.log("");
  console.log(
    `Trained ${outcome.trained.length}, reused ${outcome.reused.length}${outcome.failed.length ? `, failed ${outcome.failed.length}` : ""} in ${formatDuration(seconds)}.`,
  );
  if (outcome.trained.length + outcome.reused.length > 0)
    console.log(`Results: ${resultsPath} and ${csvPathFor(resultsPath)}`);
  if (outcome.stopped) {
    console.log(
      `Stopped before the end: ${outcome.remaining} run${outcome.remaining === 1 ? "" : "s"} left. Run the same command again to resume.`,
    );
    return 130;
  }
  if (outcome.failed.length > 0) {
    console.log(`These runs diverged and were not recorded: ${outcome.failed.map((f) => f.label).join(", ")}.`);
    return 1;
  }
  console.log("Open notebooks/04_latent_dim_experiments.ipynb to see the figures.");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof BadArgument || err instanceof ResultsFileError) {
      process.stderr.write(`${COMMAND}: ${err.message}\nRun ${COMMAND} -- --help for the options.\n`);
      process.exit(2);
    }
    process.stderr.write(`${COMMAND} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
