/**
 * `npm run bench`: training speed of the lessons' models on every available backend, side by side
 * with PyTorch (Debian's python3-torch with OpenBLAS) when it is installed.
 *
 * Each measurement runs in a fresh process (bench/workload.ts, bench/torch_ref.py), times the steps
 * after a warm-up, and is repeated; figures are medians.
 *
 * PyTorch gets its best setting, so the ratio never flatters us: 1 or 2 threads, and OpenBLAS's core
 * type autodetected, forced to SkylakeX (AVX-512) or to Haswell (AVX2). Measured on this Zen 5
 * machine, autodetection is 2–3× slower than SkylakeX at these small matrix sizes (Swiss roll H=256:
 * 9.6 vs 3.3 ms per step), and the Haswell setting this machine's environment carries is in between.
 * Each setting runs once; the fastest is then run `runs` times and its median reported.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BACKEND_ORDER, type BackendChoiceName, initBackend } from "../src/backend";
import { formatOptions, parseCommandLine, UsageError } from "../src/cli/args";
import { loadEmbeddedMnist } from "../src/data/mnist";
import { cacheDir } from "../src/paths";

interface Workload {
  id: string;
  title: string;
  /** Steps timed and warm-up steps, per backend speed class. */
  steps: { fast: [number, number]; slow: [number, number] };
  /** What to print: steps per second, or seconds per 10,000-image epoch (79 steps of 128). */
  unit: "steps/s" | "s/epoch";
}

const STEPS_PER_EPOCH = Math.ceil(10_000 / 128);
const WORKLOADS: Workload[] = [
  { id: "swiss-32", title: "Swiss roll, hidden 32", steps: { fast: [1000, 50], slow: [100, 10] }, unit: "steps/s" },
  { id: "swiss-256", title: "Swiss roll, hidden 256", steps: { fast: [300, 20], slow: [20, 3] }, unit: "steps/s" },
  { id: "swiss-1024", title: "Swiss roll, hidden 1024", steps: { fast: [40, 5], slow: [3, 1] }, unit: "steps/s" },
  { id: "mnist-L2", title: "MNIST, L = 2", steps: { fast: [STEPS_PER_EPOCH, 5], slow: [8, 2] }, unit: "s/epoch" },
  { id: "mnist-L20", title: "MNIST, L = 20", steps: { fast: [STEPS_PER_EPOCH, 5], slow: [8, 2] }, unit: "s/epoch" },
];

interface Measurement {
  secondsPerStep: number;
  finalLoss: number;
  peakRssMb: number;
}

export interface BenchRecord {
  workload: string;
  backend: string;
  unit: Workload["unit"];
  /** steps/s or s/epoch, as `unit` says (median). */
  value: number;
  secondsPerStep: number;
  stepsTimed: number;
  runs: number;
  finalLoss: number;
  peakRssMb: number;
  pytorch?: { value: number; secondsPerStep: number; threads: number; coretype: string; finalLoss: number };
  /** ours / PyTorch in time per step: 2.0 means we take twice as long. */
  ratio?: number;
}

const spec = {
  backends: { type: "string", help: "comma-separated backends to measure (default: every one that loads)" },
  workloads: { type: "string", help: `comma-separated subset of ${WORKLOADS.map((w) => w.id).join(", ")}` },
  runs: { type: "number", integer: true, min: 1, default: 3, help: "repetitions per measurement (median reported)" },
  quick: { type: "boolean", help: "one short run per workload, for a smoke test" },
  json: { type: "string", help: "also write the figures to this JSON file" },
  "no-pytorch": { type: "boolean", help: "skip the PyTorch comparison" },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm run bench -- [options]

Measures training speed of the lessons' models (Swiss roll at hidden 32/256/1024, MNIST at latent
2 and 20, batch 128) on every available backend, with peak memory and final losses, and — where
Debian's python3-torch is installed — the same models in PyTorch, with the ratio ours/PyTorch.

Options:
${formatOptions(spec)}
`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv): Measurement {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 1 << 20 });
  const line = (r.stdout ?? "").trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (r.status !== 0 || !line) {
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
  }
  return JSON.parse(line) as Measurement;
}

function torchAvailable(): string | undefined {
  const r = spawnSync("/usr/bin/python3", ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function availableBackends(): Promise<BackendChoiceName[]> {
  // Ask each backend in a child: loading tfjs-node in this process would change our own backend.
  const out: BackendChoiceName[] = [];
  for (const name of BACKEND_ORDER) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", "import('./src/backend.ts').then(m => m.initBackend()).then(c => console.log(c.name))"], {
      env: { ...process.env, VAE_LAB_BACKEND: name },
      encoding: "utf8",
    });
    if (r.status === 0 && r.stdout.trim().endsWith(name)) out.push(name);
  }
  return out;
}

function fmtValue(unit: Workload["unit"], v: number): string {
  return unit === "steps/s" ? `${v.toFixed(v < 10 ? 2 : 1)} steps/s` : `${v.toFixed(2)} s/epoch`;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "npm run bench");
  if ("exit" in parsed) return parsed.exit;
  const { args } = parsed;
  const runs = args.quick ? 1 : args.runs!;
  const workloads = args.workloads ? args.workloads.split(",").map((id) => {
    const w = WORKLOADS.find((x) => x.id === id.trim());
    if (!w) throw new UsageError(`unknown workload "${id}". Known: ${WORKLOADS.map((x) => x.id).join(", ")}.`);
    return w;
  }) : WORKLOADS;
  const backends = args.backends ? (args.backends.split(",").map((b) => b.trim()) as BackendChoiceName[]) : await availableBackends();
  const torchVersion = args["no-pytorch"] ? undefined : torchAvailable();
  loadEmbeddedMnist(); // build the digits cache once, before any timing
  const mnistCache = join(cacheDir(), "mnist-embedded.bin");

  const chosen = await initBackend();
  console.log(`vae-lab bench — backends: ${backends.join(", ")}; ${runs} run(s) per figure, median reported`);
  console.log(`(this process: ${chosen.message})`);
  console.log(torchVersion ? `PyTorch ${torchVersion} (Debian python3-torch, OpenBLAS), best of 1/2 threads × OpenBLAS core type auto/SkylakeX/Haswell` : "PyTorch: not installed (apt-get install python3-torch libopenblas0-pthread for the comparison)");
  console.log("");

  const records: BenchRecord[] = [];
  const torchCache = new Map<string, BenchRecord["pytorch"]>();
  for (const w of workloads) {
    for (const backend of backends) {
      const [steps, warmup] = args.quick ? [Math.max(3, Math.round(w.steps.slow[0])), w.steps.slow[1]] : backend === "cpu" ? w.steps.slow : w.steps.fast;
      const ms: Measurement[] = [];
      for (let i = 0; i < runs; i++) {
        ms.push(runJson(process.execPath, ["--import", "tsx", "bench/workload.ts", w.id, String(steps), String(warmup)], { ...process.env, VAE_LAB_BACKEND: backend }));
      }
      const sps = median(ms.map((m) => m.secondsPerStep));
      const rec: BenchRecord = {
        workload: w.id,
        backend,
        unit: w.unit,
        value: w.unit === "steps/s" ? 1 / sps : sps * STEPS_PER_EPOCH,
        secondsPerStep: sps,
        stepsTimed: steps,
        runs,
        finalLoss: median(ms.map((m) => m.finalLoss)),
        peakRssMb: Math.max(...ms.map((m) => m.peakRssMb)),
      };
      if (torchVersion) {
        if (!torchCache.has(w.id)) {
          const [tSteps, tWarm] = args.quick ? [Math.max(20, steps), warmup] : w.steps.fast;
          const torchRun = (threads: number, coretype: string) => {
            const env = { ...process.env };
            if (coretype === "auto") delete env.OPENBLAS_CORETYPE;
            else env.OPENBLAS_CORETYPE = coretype;
            return runJson("/usr/bin/python3", ["bench/torch_ref.py", w.id, String(tSteps), String(tWarm), String(threads), mnistCache], env);
          };
          let fastest = { threads: 1, coretype: "auto", t: Infinity };
          for (const coretype of ["auto", "SkylakeX", "Haswell"]) {
            for (const threads of [1, 2]) {
              const t = torchRun(threads, coretype).secondsPerStep;
              if (t < fastest.t) fastest = { threads, coretype, t };
            }
          }
          const tm = Array.from({ length: runs }, () => torchRun(fastest.threads, fastest.coretype));
          const t = median(tm.map((m) => m.secondsPerStep));
          torchCache.set(w.id, { secondsPerStep: t, value: w.unit === "steps/s" ? 1 / t : t * STEPS_PER_EPOCH, threads: fastest.threads, coretype: fastest.coretype, finalLoss: median(tm.map((m) => m.finalLoss)) });
        }
        rec.pytorch = torchCache.get(w.id);
        rec.ratio = rec.secondsPerStep / rec.pytorch!.secondsPerStep;
      }
      records.push(rec);
      const torchPart = rec.pytorch
        ? `  | PyTorch ${fmtValue(w.unit, rec.pytorch.value)} (${rec.pytorch.threads} thr, ${rec.pytorch.coretype})  ours/PyTorch ${rec.ratio!.toFixed(2)}× time per step`
        : "";
      console.log(
        `${w.title.padEnd(24)} ${backend.padEnd(5)} ${fmtValue(w.unit, rec.value).padStart(15)}  loss ${rec.finalLoss.toPrecision(4).padStart(8)}  peak RSS ${rec.peakRssMb.toFixed(0)} MB  (${steps} steps)${torchPart}`,
      );
    }
  }
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), torch: torchVersion ?? null, records }, null, 1) + "\n");
    console.log(`\nwrote ${args.json}`);
  }
  return 0;
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
