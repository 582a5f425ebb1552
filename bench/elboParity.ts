/**
 * Lesson 2's ELBO parity: the default MNIST VAE (784 → 400 → 2, batch 128, Adam 1e-3, 30 epochs on
 * the embedded digits, the model lesson 2 and `npm start` train) reaches a held-out negative ELBO per
 * image; PyTorch training the same architecture, init scheme, loss, optimiser, batch size and epochs
 * on the exact same training and held-out arrays (bench/torch_mnist_elbo.py) should land within 3 %.
 *
 * Ours comes from `trainOrLoadMnist` (its checkpoint, when one with these settings exists: the
 * notebook's figure; `--retrain` trains afresh). PyTorch trains once per seed: the spread across its
 * seeds shows how much of any difference is just the luck of initialisation and batch order.
 *
 * Usage: npm run bench -- --elbo   or   tsx bench/elboParity.ts [--retrain] [--seeds 1,2,3] [--threads 2]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "../src/engine/backend";
import { formatOptions, parseCommandLine } from "../cli/args";
import { MNIST_JOB_DEFAULTS, trainOrLoadMnist } from "../src/mnistJob";
import type { LossValues } from "../src/vae/train";
import { lastJsonLine } from "./child";

/** The requirement (issue 4): PyTorch's held-out −ELBO within 3 % of ours. */
export const ELBO_PARITY_TOLERANCE = 0.03;

const spec = {
  retrain: { type: "boolean", help: "train our model again instead of loading its checkpoint" },
  seeds: { type: "string", default: "1,2,3", help: "PyTorch seeds, comma-separated (one training run each)" },
  threads: {
    type: "number",
    integer: true,
    min: 1,
    default: 1,
    help: "PyTorch threads (1: steadiest on a shared machine)",
  },
  timeout: { type: "number", min: 1, default: 600, help: "seconds one PyTorch run may take" },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: tsx bench/elboParity.ts [options]   (or: npm run bench -- --elbo)

Trains (or loads) lesson 2's default MNIST VAE, trains the same model in PyTorch on the same arrays,
and prints both held-out negative ELBOs per image and their relative difference (target: within 3 %).
Needs Debian's python3-torch (/usr/bin/python3).

Options:
${formatOptions(spec)}
`;

interface TorchRun {
  seed: number;
  heldOut: LossValues;
  seconds: number;
}

const fmt = (v: LossValues) => `${v.total.toFixed(2)} (recon ${v.recon.toFixed(2)} + KL ${v.kl.toFixed(2)})`;
const pct = (v: number) => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(2)} %`;

function writeFloats(file: string, values: Float32Array): void {
  // Little-endian float32, as numpy's "<f4" reads it (every platform Node runs on is little-endian).
  writeFileSync(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/**
 * OpenBLAS sized to the threads PyTorch uses (its own pool ignores torch.set_num_threads), and, unless
 * OPENBLAS_CORETYPE is set, kernels chosen by CPU flags: Debian's OpenBLAS 0.3.21 does not recognise
 * this machine's CPU and falls back to SSE3 kernels, several times slower (bench.ts openblasCore).
 * Only speed depends on it, not the figures.
 */
function torchEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
  if (!env.OPENBLAS_CORETYPE) {
    let flags = "";
    try {
      flags = readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      // not Linux: OpenBLAS's own choice
    }
    if (/ avx512f /.test(flags)) env.OPENBLAS_CORETYPE = "SkylakeX";
    else if (/ avx2 /.test(flags)) env.OPENBLAS_CORETYPE = "Haswell";
  }
  return env;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "elboParity");
  if ("exit" in parsed) return parsed.exit;
  const { args } = parsed;
  const seeds = args.seeds!.split(",").map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isInteger(s))) {
    process.stderr.write(`elboParity: --seeds must be whole numbers separated by commas, got "${args.seeds}".\n`);
    return 2;
  }
  const torch = spawnSync("/usr/bin/python3", ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  if (torch.status !== 0) {
    process.stderr.write(
      "elboParity: PyTorch is not installed for /usr/bin/python3 (apt-get install python3-torch).\n",
    );
    return 2;
  }

  const backend = await initBackend();
  const settings = { ...MNIST_JOB_DEFAULTS };
  console.log(
    `ELBO parity, lesson 2's default model: 784 → ${settings.hidden} → ${settings.latentDim}, batch ${settings.batchSize}, Adam ${settings.learningRate}, ${settings.epochs} epochs`,
  );
  const job = await trainOrLoadMnist(settings, { retrain: args.retrain });
  const { train, test } = job.data;
  const dim = train.height * train.width;
  console.log(`data: ${job.data.source}: ${train.n} training, ${test.n} held-out images`);
  console.log(
    `ours (${backend.name}): ${job.loaded ? `loaded from ${job.checkpointDir}` : `trained in ${job.trainSeconds.toFixed(1)} s`}; held-out −ELBO ${fmt(job.heldOut)} nats per image`,
  );

  const dir = mkdtempSync(join(tmpdir(), "vae-lab-elbo-"));
  const runs: TorchRun[] = [];
  try {
    writeFloats(join(dir, "train.f32"), train.images);
    writeFloats(join(dir, "test.f32"), test.images);
    for (const seed of seeds) {
      const config = {
        train: join(dir, "train.f32"),
        nTrain: train.n,
        test: join(dir, "test.f32"),
        nTest: test.n,
        dim,
        latentDim: settings.latentDim,
        hidden: settings.hidden,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        seed,
        threads: args.threads,
      };
      writeFileSync(join(dir, "config.json"), JSON.stringify(config));
      const r = spawnSync("/usr/bin/python3", ["bench/torch_mnist_elbo.py", join(dir, "config.json")], {
        encoding: "utf8",
        env: torchEnv(args.threads!),
        timeout: args.timeout! * 1000,
      });
      let out: { heldOut: LossValues; seconds: number };
      try {
        out = lastJsonLine(r, 3);
      } catch (err) {
        process.stderr.write(`PyTorch run with seed ${seed} failed (${(err as Error).message})\n`);
        return 1;
      }
      runs.push({ seed, heldOut: out.heldOut, seconds: out.seconds });
      console.log(
        `PyTorch seed ${seed}: trained in ${out.seconds.toFixed(1)} s; held-out −ELBO ${fmt(out.heldOut)}  (${pct(out.heldOut.total / job.heldOut.total - 1)} vs ours)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const mean = runs.reduce((s, r) => s + r.heldOut.total, 0) / runs.length;
  const spread = [Math.min(...runs.map((r) => r.heldOut.total)), Math.max(...runs.map((r) => r.heldOut.total))];
  const diff = mean / job.heldOut.total - 1;
  const ok = Math.abs(diff) <= ELBO_PARITY_TOLERANCE;
  console.log("");
  console.log(
    `held-out −ELBO per image: ours ${job.heldOut.total.toFixed(2)}, PyTorch ${mean.toFixed(2)} (mean of ${runs.length} seeds, ${spread[0].toFixed(2)}–${spread[1].toFixed(2)})`,
  );
  console.log(
    `relative difference (PyTorch − ours) / ours: ${pct(diff)}  ${ok ? "✓" : "✗"} ${ok ? "within" : "outside"} ±${ELBO_PARITY_TOLERANCE * 100} %`,
  );
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`elboParity failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
