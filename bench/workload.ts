/**
 * One benchmark workload in a fresh process (spawned by bench/bench.ts): trains with the library's
 * own loop and prints one JSON line with the time per step after a warm-up, the final loss and the
 * peak RSS. Usage: tsx bench/workload.ts <swiss-32|swiss-256|swiss-1024|mnist-L2|mnist-L20> <steps> <warmup>
 * (the backend comes from VAE_LAB_BACKEND).
 */
import { initBackend } from "../src/backend";
import { swissRollSampler } from "../src/data/swissRoll";
import { loadEmbeddedMnist } from "../src/data/mnist";
import { mnistVae, swissRollVae } from "../src/models/presets";
import { createVae } from "../src/models/vae";
import { Rng } from "../src/random";
import { train, type TrainConfig, type TrainingData } from "../src/train";

async function main(): Promise<void> {
  const [workload, stepsArg, warmupArg] = process.argv.slice(2);
  const steps = Number(stepsArg), warmup = Number(warmupArg);
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
    const mnist = loadEmbeddedMnist();
    model = createVae(mnistVae(Number(size.slice(1))), new Rng(1));
    // Draw batches like the PyTorch reference: reshuffled epochs, 128 images a step.
    let perm: Int32Array = new Int32Array(0);
    let at = mnist.n;
    data = {
      kind: "sampler",
      dim: 784,
      sample: (batch, rng) => {
        if (at + batch > mnist.n) {
          perm = rng.permutation(mnist.n);
          at = 0;
        }
        const out = new Float32Array(batch * 784);
        for (let r = 0; r < batch; r++) out.set(mnist.images.subarray(perm[at + r] * 784, (perm[at + r] + 1) * 784), r * 784);
        at += batch;
        return out;
      },
    };
    config = { steps: warmup + steps, batchSize: 128, learningRate: 1e-3, beta: 1, reduction: "sum", seed: 1 };
  }
  let start = performance.now();
  const result = await train(model, data, config, { onStep: (s) => void (s.step === warmup && (start = performance.now())) });
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(
    JSON.stringify({ backend: backend.name, secondsPerStep: seconds / steps, finalLoss: result.final.total, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + "\n",
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
