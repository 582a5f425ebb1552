/**
 * `npm run bench`: training speed of the lessons' models on every available backend, side by side
 * with PyTorch (Debian's python3-torch with OpenBLAS) when it is installed.
 *
 * Each measurement runs in a fresh process (bench/workload.ts, bench/torch_ref.py), times the steps
 * after a warm-up, and is repeated, PyTorch's and ours interleaved; figures are medians. PyTorch runs with 1 and 2 threads and the
 * faster counts, on the best OpenBLAS kernels for the CPU (see openblasCore) — and our native path
 * (src/engine/native.ts) on the same OpenBLAS core. "wasm+native" is the default WASM backend with
 * the native BLAS path; "wasm" is the same with VAE_LAB_NATIVE=0. Besides wall time, both sides
 * report CPU time per step, which other processes on the same cores disturb much less.
 * bench/profile.ts breaks one training step down by kernel. At the end: the grader's throughput
 * (bench/grade.ts) and the notebooks' latency through the real kernel (bench/notebookLatency.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BACKEND_ORDER, type BackendChoiceName } from "../src/engine/backend";
import { formatOptions, parseArgs, UsageError } from "../cli/args";
import { Rng } from "../src/vae/random";
import { lastJsonLine, median } from "./child";
import type { NotebookLatency } from "./notebookLatency";

type Unit = "steps/s" | "s/epoch";
type Steps = [timed: number, warmup: number];

interface Workload {
  id: string;
  title: string;
  /** Steps timed and warm-up steps on WASM/native backends (`fast`) and on the JS CPU backend (`slow`). */
  steps: { fast: Steps; slow: Steps };
  /** What to print: steps per second, or seconds per 10,000-image epoch (79 steps of 128). */
  unit: Unit;
}

const STEPS_PER_EPOCH = Math.ceil(10_000 / 128);
const WORKLOADS: Workload[] = [
  { id: "swiss-32", title: "Swiss roll, hidden 32", steps: { fast: [1000, 50], slow: [200, 20] }, unit: "steps/s" },
  { id: "swiss-256", title: "Swiss roll, hidden 256", steps: { fast: [300, 20], slow: [20, 3] }, unit: "steps/s" },
  { id: "swiss-1024", title: "Swiss roll, hidden 1024", steps: { fast: [40, 5], slow: [3, 1] }, unit: "steps/s" },
  { id: "mnist-L2", title: "MNIST, L = 2", steps: { fast: [STEPS_PER_EPOCH, 5], slow: [8, 2] }, unit: "s/epoch" },
  { id: "mnist-L20", title: "MNIST, L = 20", steps: { fast: [STEPS_PER_EPOCH, 5], slow: [8, 2] }, unit: "s/epoch" },
  // The Latent Space Navigator's conv VAE (src/vae/convVae.ts, latent 2): one epoch timed; ~50 s a step on the CPU backend.
  { id: "conv-mnist", title: "Conv VAE, MNIST", steps: { fast: [STEPS_PER_EPOCH, 3], slow: [2, 1] }, unit: "s/epoch" },
];
/** On the CPU backend these take minutes per run: measured once, whatever --runs says. */
const CPU_ONE_RUN = new Set(["swiss-1024", "mnist-L2", "mnist-L20", "conv-mnist"]);

interface Measurement {
  secondsPerStep: number;
  cpuSecondsPerStep: number;
  path?: string;
  finalLoss: number;
  peakRssMb: number;
}

export interface BenchRecord {
  workload: string;
  backend: string;
  unit: Unit;
  /** steps/s or s/epoch, as `unit` says (median). */
  value: number;
  secondsPerStep: number;
  cpuSecondsPerStep: number;
  /** What ran, as the backend report says it (e.g. "wasm + native BLAS (OpenBLAS SkylakeX, 1 thread; …)"). */
  path?: string;
  stepsTimed: number;
  runs: number;
  finalLoss: number;
  peakRssMb: number;
  pytorch?: {
    value: number;
    secondsPerStep: number;
    cpuSecondsPerStep: number;
    threads: number;
    finalLoss: number;
    peakRssMb: number;
  };
  /** ours / PyTorch in time per step: 2.0 means we take twice as long. */
  ratio?: number;
  /** wasm+native: the BLAS thread count that was faster. */
  blasThreads?: number;
  /** ours / PyTorch in CPU time per step. */
  cpuRatio?: number;
  error?: string;
}

const spec = {
  backends: {
    type: "string",
    help: "comma-separated backends to measure: wasm+native, wasm, cpu, node, gpu (default: every one that loads)",
  },
  workloads: { type: "string", help: `comma-separated subset of ${WORKLOADS.map((w) => w.id).join(", ")}` },
  runs: { type: "number", integer: true, min: 1, default: 3, help: "repetitions per measurement (median reported)" },
  quick: { type: "boolean", help: "one short run per workload, for a smoke test (~1 minute)" },
  json: { type: "string", help: "also write the figures to this JSON file" },
  "no-pytorch": { type: "boolean", help: "skip the PyTorch comparison" },
  threads: {
    type: "string",
    default: "1,2",
    help: "BLAS thread counts to try, for PyTorch and for wasm+native (the faster is reported)",
  },
  timeout: { type: "number", min: 1, default: 300, help: "seconds before one measurement is abandoned" },
  "no-grade": { type: "boolean", help: "skip the grader's throughput part at the end (bench/grade.ts)" },
  "no-notebook": {
    type: "boolean",
    help: "skip the notebook latency part at the end (kernel start-up and cell times through Jupyter: bench/notebookLatency.ts)",
  },
  notebook: { type: "boolean", help: "only the notebook latency part" },
  elbo: {
    type: "boolean",
    help: "only lesson 2's ELBO parity: held-out −ELBO of its model, ours vs PyTorch (bench/elboParity.ts)",
  },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm run bench -- [options]

Measures training speed of the lessons' models — Swiss roll at hidden 32/256/1024 (batch 128, lr 1e-3,
β = 0.01, mean reduction), MNIST 784-400-L at L = 2 and 20 and the convolutional VAE of
src/vae/convVae.ts (conv-mnist; batch 128, β = 1, sum reduction) — on
every available backend, with peak memory and final losses, and, where Debian's python3-torch is
installed, the same models trained by PyTorch, with the ratio ours/PyTorch in time per step.
The full run took about 5 minutes before conv-mnist; conv-mnist adds a few more (on WASM alone an
epoch takes over a minute; its CPU-backend run is 3 steps of ~50 s). The CPU backend runs fewer steps
on the big models. --workloads picks some. At the end: the grader's throughput, and the notebooks'
latency through the real Jupyter kernel (start-up, lesson 2's import cell, trivial cells: about a
minute; --notebook runs only that part, --no-notebook skips it).

Options:
${formatOptions(spec)}
`;

function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutSeconds: number): Measurement {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 1 << 22, timeout: timeoutSeconds * 1000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT")
    throw new Error(`timed out after ${timeoutSeconds} s`);
  return lastJsonLine<Measurement>(r);
}

/**
 * The OpenBLAS core type PyTorch's matmuls should run on. This machine's environment sets
 * OPENBLAS_CORETYPE=Haswell (AVX2); unset, Debian's OpenBLAS 0.3.21 does not recognise this CPU
 * (Sapphire Rapids) and falls back to "Prescott" (SSE3): [128×256]·[256×256] took 0.60 ms unset,
 * 0.22 ms as Haswell, 0.12 ms as SkylakeX (AVX-512). So: OpenBLAS's own choice, unless it fell back
 * to the generic core on a CPU with AVX-512 (→ SkylakeX) or AVX2 (→ Haswell).
 */
function openblasCore(): { env: NodeJS.ProcessEnv; note: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_VERBOSE: "2" };
  delete env.OPENBLAS_CORETYPE;
  const r = spawnSync("/usr/bin/python3", ["-c", "import torch; torch.ones(64, 64) @ torch.ones(64, 64)"], {
    env,
    encoding: "utf8",
  });
  const detected = /Core: (\S+)/.exec(`${r.stderr ?? ""}${r.stdout ?? ""}`)?.[1];
  delete env.OPENBLAS_VERBOSE;
  let flags = "";
  try {
    flags = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    // not Linux: keep OpenBLAS's choice
  }
  const generic = detected === undefined || /^(Prescott|Katmai|Core2|Nehalem|Sandybridge)$/i.test(detected);
  const better = / avx512f /.test(flags) ? "SkylakeX" : / avx2 /.test(flags) ? "Haswell" : undefined;
  if (generic && better) {
    env.OPENBLAS_CORETYPE = better;
    return { env, note: `OpenBLAS core ${better} (its own detection gave ${detected ?? "nothing"})` };
  }
  return { env, note: `OpenBLAS core ${detected ?? "unknown"} (its own detection)` };
}

function torchVersion(): string | undefined {
  const r = spawnSync("/usr/bin/python3", ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** What we measure: a backend, or "wasm+native" (WASM with the native BLAS path; "wasm" then runs without it). */
type Target = BackendChoiceName | "wasm+native";

/** The environment a target runs in. */
function targetEnv(target: Target, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (target === "wasm+native") return { ...base, VAE_LAB_BACKEND: "wasm" };
  return { ...base, VAE_LAB_BACKEND: target, ...(target === "wasm" ? { VAE_LAB_NATIVE: "0" } : {}) };
}

/** Asks each backend in a child: loading tfjs-node in this process would change our own backend. */
function availableBackends(): Target[] {
  const probe =
    "import('./src/engine/backend.ts').then(m => m.initBackend()).then(c => console.log(c.name + ' ' + !!c.native?.active))";
  const found: Target[] = [];
  for (const name of BACKEND_ORDER) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], {
      env: { ...process.env, VAE_LAB_BACKEND: name },
      encoding: "utf8",
    });
    const [got, native] = r.stdout?.trim().split("\n").pop()?.split(" ") ?? [];
    if (r.status !== 0 || got !== name) continue;
    if (name === "wasm" && native === "true") found.push("wasm+native");
    found.push(name);
  }
  return found;
}

/**
 * The MNIST images both sides train on, as n × 784 bytes: the embedded digits, or — while
 * src/vae/data/mnist.ts cannot load them — 10,000 synthetic binary images (same shapes and cost).
 */
async function writeImages(file: string): Promise<string> {
  try {
    const { loadEmbeddedMnist } = await import("../src/vae/data/mnist");
    const ds = loadEmbeddedMnist();
    writeFileSync(
      file,
      Uint8Array.from(ds.images, (v) => Math.round(v * 255)),
    );
    return ds.source;
  } catch (err) {
    const rng = new Rng(7);
    writeFileSync(
      file,
      Uint8Array.from({ length: 10_000 * 784 }, () => (rng.uniform() < 0.13 ? 255 : 0)),
    );
    return `synthetic binary images (the embedded MNIST did not load: ${(err as Error).message.split("\n")[0]})`;
  }
}

const fmtValue = (unit: Unit, v: number) =>
  unit === "steps/s" ? `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} steps/s` : `${v.toFixed(2)} s/epoch`;
const fmtRatio = (r: number) => `${r.toFixed(r < 10 ? 2 : 1)}×`;
const fmtMs = (seconds: number) => (seconds * 1000).toFixed(seconds < 0.01 ? 2 : seconds < 0.1 ? 1 : 0);
const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : String(v));

function table(records: BenchRecord[]): string {
  const rows = [
    [
      "workload",
      "backend",
      "ours",
      "PyTorch",
      "ms/step ours",
      "ms/step PyTorch",
      "ours/PyTorch",
      "CPU ours/PyTorch",
      "loss ours",
      "loss PyTorch",
      "peak RSS",
      "steps×runs",
    ],
  ];
  for (const r of records) {
    const w = WORKLOADS.find((x) => x.id === r.workload)!;
    rows.push([
      w.title,
      r.backend,
      r.error ? `failed: ${r.error}` : fmtValue(r.unit, r.value) + (r.blasThreads ? ` (${r.blasThreads} thr)` : ""),
      r.pytorch ? `${fmtValue(r.unit, r.pytorch.value)} (${r.pytorch.threads} thr)` : "—",
      r.error ? "—" : fmtMs(r.secondsPerStep),
      r.pytorch ? fmtMs(r.pytorch.secondsPerStep) : "—",
      r.ratio !== undefined ? fmtRatio(r.ratio) : "—",
      r.cpuRatio !== undefined ? fmtRatio(r.cpuRatio) : "—",
      r.error ? "—" : fmtLoss(r.finalLoss),
      r.pytorch ? fmtLoss(r.pytorch.finalLoss) : "—",
      r.error ? "—" : `${r.peakRssMb.toFixed(0)} MB`,
      `${r.stepsTimed}×${r.runs}`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c >= 2 && c <= 10 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
  return [line(rows[0]), widths.map((n) => "-".repeat(n)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, spec);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`npm run bench: ${err.message}\n\n${usage}`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (args.elbo)
    return spawnSync(process.execPath, ["--import", "tsx", "bench/elboParity.ts"], { stdio: "inherit" }).status ?? 1; // lesson 2's ELBO parity
  const quick = !!args.quick;
  const notebookLatency = async () => {
    console.log("");
    const { benchNotebook } = await import("./notebookLatency");
    return benchNotebook(quick ? 6 : 20, quick ? 1 : 2, (s) => console.log(s)); // issue 19: kernel start-up and cell latency
  };
  const notebookFailed = (n: NotebookLatency) => n.kernels.some((k) => k.errors.length > 0);
  if (args.notebook) {
    const notebook = await notebookLatency();
    if (args.json) {
      writeFileSync(
        args.json,
        JSON.stringify({ date: new Date().toISOString(), loadAtEnd: loadavg(), notebook }, null, 1) + "\n",
      );
      console.log(`wrote ${args.json}`);
    }
    return notebookFailed(notebook) ? 1 : 0;
  }
  const runs = quick ? 1 : args.runs!;
  const workloads = args.workloads
    ? args.workloads.split(",").map((id) => {
        const w = WORKLOADS.find((x) => x.id === id.trim());
        if (!w) throw new UsageError(`unknown workload "${id}". Known: ${WORKLOADS.map((x) => x.id).join(", ")}.`);
        return w;
      })
    : WORKLOADS;
  const backends = args.backends ? (args.backends.split(",").map((b) => b.trim()) as Target[]) : availableBackends();
  const threadChoices = quick ? [1] : args.threads!.split(",").map((t) => Number(t.trim()));
  if (threadChoices.some((t) => !Number.isInteger(t) || t < 1))
    throw new UsageError(`--threads takes thread counts like 1,2 (got "${args.threads}").`);
  const torch = args["no-pytorch"] ? undefined : torchVersion();
  const blas = torch ? openblasCore() : undefined;
  const dir = mkdtempSync(join(tmpdir(), "vae-lab-bench-"));
  const images = join(dir, "mnist.u8");
  const imageSource = await writeImages(images);

  const started = performance.now();
  console.log(
    `vae-lab bench — backends: ${backends.join(", ")}; ${quick ? "quick smoke run" : `${runs} run(s) per figure, median reported`}`,
  );
  console.log(`MNIST data: ${imageSource}`);
  console.log(
    torch
      ? `PyTorch ${torch} (Debian python3-torch), ${blas!.note}; PyTorch and wasm+native: best of ${threadChoices.join(" and ")} BLAS thread(s)`
      : "PyTorch: not installed (apt-get install python3-torch libopenblas0-pthread for the comparison)",
  );
  if (backends.includes("cpu") && !quick)
    console.log(`CPU backend: fewer steps, and one run for ${[...CPU_ONE_RUN].join(", ")}`);
  const load = () =>
    loadavg()
      .map((v) => v.toFixed(2))
      .join(" ");
  console.log(
    `Machine load (1/5/15 min) at start: ${load()} on ${availableParallelism()} cores — above ~0.5 per core, other processes disturb the wall times; compare CPU times too.`,
  );
  console.log("");

  const records: BenchRecord[] = [];
  try {
    for (const w of workloads) {
      // Every configuration of this workload: PyTorch and ours at each thread count. Runs are
      // interleaved (one run of each, then the next round), so that a busy minute on a shared
      // machine falls on both sides rather than on one.
      interface Config {
        key: string;
        side: "pytorch" | Target;
        threads: number;
        runs: number;
        cmd: string;
        args: string[];
        env: NodeJS.ProcessEnv;
      }
      const configs: Config[] = [];
      if (torch) {
        const [steps, warmup] = quick ? [Math.max(50, w.steps.slow[0]), w.steps.slow[1]] : w.steps.fast;
        for (const threads of threadChoices) {
          // OpenBLAS keeps its own thread pool, which torch.set_num_threads does not size.
          const env: NodeJS.ProcessEnv = { ...blas!.env, OPENBLAS_NUM_THREADS: String(threads) };
          configs.push({
            key: `pytorch:${threads}`,
            side: "pytorch",
            threads,
            runs,
            cmd: "/usr/bin/python3",
            args: ["bench/torch_ref.py", w.id, String(steps), String(warmup), String(threads), images],
            env,
          });
        }
      }
      for (const backend of backends) {
        const [steps, warmup] = quick || backend === "cpu" ? w.steps.slow : w.steps.fast;
        const n = backend === "cpu" && CPU_ONE_RUN.has(w.id) ? 1 : runs;
        // The same OpenBLAS core as PyTorch's for our native path, and like PyTorch the faster of the
        // thread counts (the library's default is 1: src/engine/native.ts).
        for (const threads of backend === "wasm+native" ? threadChoices : [1]) {
          const env = { ...targetEnv(backend, blas?.env ?? process.env), VAE_LAB_BLAS_THREADS: String(threads) };
          configs.push({
            key: `${backend}:${threads}`,
            side: backend,
            threads,
            runs: n,
            cmd: process.execPath,
            args: ["--import", "tsx", "bench/workload.ts", w.id, String(steps), String(warmup), images],
            env,
          });
        }
      }
      const got = new Map<string, Measurement[]>(configs.map((c) => [c.key, []]));
      const failed = new Map<string, string>();
      for (let round = 0; round < Math.max(0, ...configs.map((c) => c.runs)); round++) {
        for (const c of configs) {
          if (round >= c.runs || failed.has(c.key)) continue;
          try {
            got.get(c.key)!.push(runJson(c.cmd, c.args, c.env, args.timeout!));
          } catch (err) {
            failed.set(c.key, (err as Error).message);
            if (c.side === "pytorch")
              console.log(`${w.title}: PyTorch with ${c.threads} thread(s) failed (${(err as Error).message})`);
          }
        }
      }
      /** The configuration of `side` with the lowest median wall time per step. */
      const best = (side: string) => {
        let pick: { c: Config; ms: Measurement[] } | undefined;
        for (const c of configs.filter((x) => x.side === side && !failed.has(x.key))) {
          const ms = got.get(c.key)!;
          if (!pick || median(ms.map((m) => m.secondsPerStep)) < median(pick.ms.map((m) => m.secondsPerStep)))
            pick = { c, ms };
        }
        return pick;
      };
      const perStepValue = (sps: number) => (w.unit === "steps/s" ? 1 / sps : sps * STEPS_PER_EPOCH);
      let pytorch: BenchRecord["pytorch"];
      const pt = best("pytorch");
      if (pt) {
        const sps = median(pt.ms.map((m) => m.secondsPerStep));
        pytorch = {
          secondsPerStep: sps,
          cpuSecondsPerStep: median(pt.ms.map((m) => m.cpuSecondsPerStep)),
          value: perStepValue(sps),
          threads: pt.c.threads,
          finalLoss: median(pt.ms.map((m) => m.finalLoss)),
          peakRssMb: Math.max(...pt.ms.map((m) => m.peakRssMb)),
        };
      }
      for (const backend of backends) {
        const ours = best(backend);
        const anyConfig = configs.find((c) => c.side === backend)!;
        const rec: BenchRecord = {
          workload: w.id,
          backend,
          unit: w.unit,
          value: NaN,
          secondsPerStep: NaN,
          cpuSecondsPerStep: NaN,
          stepsTimed: Number(anyConfig.args[4]),
          runs: anyConfig.runs,
          finalLoss: NaN,
          peakRssMb: NaN,
        };
        if (!ours) {
          rec.error = failed.get(anyConfig.key) ?? "no measurement";
        } else {
          const ms = ours.ms;
          rec.secondsPerStep = median(ms.map((m) => m.secondsPerStep));
          rec.cpuSecondsPerStep = median(ms.map((m) => m.cpuSecondsPerStep));
          rec.path = ms[0].path;
          if (backend === "wasm+native") rec.blasThreads = ours.c.threads;
          rec.value = perStepValue(rec.secondsPerStep);
          rec.finalLoss = median(ms.map((m) => m.finalLoss));
          rec.peakRssMb = Math.max(...ms.map((m) => m.peakRssMb));
          if (pytorch) {
            rec.pytorch = pytorch;
            rec.ratio = rec.secondsPerStep / pytorch.secondsPerStep;
            rec.cpuRatio = rec.cpuSecondsPerStep / pytorch.cpuSecondsPerStep;
          }
        }
        records.push(rec);
        const vs =
          rec.ratio !== undefined
            ? `  (PyTorch ${fmtValue(w.unit, rec.pytorch!.value)}, ${fmtMs(rec.pytorch!.secondsPerStep)} ms/step; ours/PyTorch ${fmtRatio(rec.ratio)}, CPU time ${fmtRatio(rec.cpuRatio!)})`
            : "";
        console.log(
          `${w.title.padEnd(24)} ${backend.padEnd(11)} ${rec.error ? `failed: ${rec.error}` : `${fmtValue(w.unit, rec.value)}, ${fmtMs(rec.secondsPerStep)} ms/step`}${vs}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${table(records)}\n`);
  console.log(
    `ours/PyTorch is the ratio of times per step (2.0× = we take twice as long; below 1.0× we are faster). ${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
  );
  const paths = [...new Set(records.filter((r) => r.path).map((r) => `${r.backend}: ${r.path}`))];
  if (paths.length) console.log(`What ran: ${paths.join(" | ")}`);
  console.log(`Machine load (1/5/15 min) at end: ${load()}.`);
  if (!args["no-grade"]) {
    console.log("");
    await (await import("./grade")).benchGrade(quick ? 10 : 100, 2, (s) => console.log(s)); // issue #5 (grader): throughput and jail overhead, bench/grade.ts
  }
  const notebook = args["no-notebook"] ? undefined : await notebookLatency();
  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          loadAtEnd: loadavg(),
          torch: torch ?? null,
          openblas: blas?.note ?? null,
          mnist: imageSource,
          records,
          notebook: notebook ?? null,
        },
        null,
        1,
      ) + "\n",
    );
    console.log(`wrote ${args.json}`);
  }
  return records.some((r) => r.error) || (notebook && notebookFailed(notebook)) ? 1 : 0;
}

if (!existsSync("bench/workload.ts")) {
  process.stderr.write("npm run bench: run it from the vae-lab folder (bench/workload.ts not found).\n");
  process.exit(2);
}
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm run bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
