/**
 * One benchmark workload in a fresh process (spawned by bench/bench.ts): trains with the library's
 * own loop (src/vae/train.ts) and prints one JSON line with the time per step after a warm-up, the final
 * loss and the peak RSS. The backend comes from VAE_LAB_BACKEND.
 *
 * Usage: tsx bench/workload.ts <swiss-32|swiss-256|swiss-1024|mnist-L2|mnist-L20|conv-mnist> <steps> <warmup> [pixels.u8]
 * (conv-mnist: the Latent Space Navigator's convolutional VAE, src/vae/convVae.ts, latent 2.)
 * MNIST workloads read their images from `pixels.u8` (n × 784 bytes, written by bench.ts, the same
 * file the PyTorch reference reads).
 *
 * VAE_LAB_NATIVE=0 turns the native BLAS path off (src/engine/native.ts).
 * VAE_LAB_WASM_THREADS=2 runs the threaded WASM build (bench/fastWasmThreads.ts) — an
 * experiment: see that file.
 */
import { readFileSync } from "node:fs";
import { initBackend } from "../src/engine/backend";
import { swissRollSampler } from "../src/vae/data/swissRoll";
import { registerThreadedWasm } from "./fastWasmThreads";
import { convMnistVae, mnistVae, swissRollVae } from "../src/vae/presets";
import { createVae } from "../src/vae/vae";
import { Rng } from "../src/vae/random";
import { train, type TrainConfig, type TrainingData } from "../src/vae/train";

const PIXELS = 784;

/** Batches drawn like the PyTorch reference: reshuffled epochs, `batch` images a step. */
function imageSampler(images: Float32Array, n: number): TrainingData {
  let perm: Int32Array = new Int32Array(0);
  let at = n;
  return {
    kind: "sampler",
    dim: PIXELS,
    sample: (batch, rng) => {
      if (at + batch > n) {
        perm = rng.permutation(n);
        at = 0;
      }
      const out = new Float32Array(batch * PIXELS);
      for (let r = 0; r < batch; r++)
        out.set(images.subarray(perm[at + r] * PIXELS, (perm[at + r] + 1) * PIXELS), r * PIXELS);
      at += batch;
      return out;
    },
  };
}

async function main(): Promise<void> {
  const [workload, stepsArg, warmupArg, pixelsFile] = process.argv.slice(2);
  const steps = Number(stepsArg),
    warmup = Number(warmupArg);
  const threads = Number(process.env.VAE_LAB_WASM_THREADS ?? 1);
  if (process.env.VAE_LAB_BACKEND === "wasm" && threads > 1 && !(await registerThreadedWasm(threads))) {
    throw new Error("the threaded WASM build cannot start here");
  }
  const backend = await initBackend();
  const [kind, size] = workload.split("-");
  let data: TrainingData;
  let config: TrainConfig;
  let model;
  if (kind === "swiss") {
    model = createVae(swissRollVae(Number(size)), new Rng(1));
    data = swissRollSampler;
    config = { steps: warmup + steps, batchSize: 128, learningRate: 1e-3, beta: 0.01, reduction: "mean", seed: 1 };
  } else {
    const bytes = readFileSync(pixelsFile);
    const images = Float32Array.from(bytes, (v) => v / 255);
    model = createVae(kind === "conv" ? convMnistVae(2) : mnistVae(Number(size.slice(1))), new Rng(1));
    data = imageSampler(images, bytes.length / PIXELS);
    config = { steps: warmup + steps, batchSize: 128, learningRate: 1e-3, beta: 1, reduction: "sum", seed: 1 };
  }
  let start = performance.now();
  let cpuStart = process.cpuUsage();
  const result = await train(model, data, config, {
    onStep: (s) => {
      if (s.step === warmup) [start, cpuStart] = [performance.now(), process.cpuUsage()];
    },
  });
  const seconds = (performance.now() - start) / 1000;
  // CPU time of all our threads per step: less disturbed than wall time when other processes share the cores.
  const cpu = process.cpuUsage(cpuStart);
  const record = {
    backend: backend.name,
    path: backend.message.replace(/^vae-lab: using /, ""),
    secondsPerStep: seconds / steps,
    cpuSecondsPerStep: (cpu.user + cpu.system) / 1e6 / steps,
    finalLoss: result.final.total,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(record) + "\n");
  // The threaded WASM build keeps worker threads; do not wait for them.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
