/**
 * What the engine buys: lesson 1's Swiss-roll VAE trained for the same steps with the engine's fast
 * path (the default) and with the teaching core alone (VAE_LAB_ENGINE=0), each in a fresh process
 * on the automatically chosen backend. Prints the backend line, steps per second and the final loss
 * of each. The losses differ only by float32 rounding, which grows over the steps (0.3 % after 210).
 *
 * Usage: tsx bench/engine.ts [--steps N] [--hidden H]      (defaults: 200 steps, hidden 256)
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { initBackend } from "../src/engine/backend";
import { swissRollSampler } from "../src/vae/data/swissRoll";
import { swissRollVae } from "../src/vae/presets";
import { Rng } from "../src/vae/random";
import { train } from "../src/vae/train";
import { createVae } from "../src/vae/vae";

const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

async function measure(steps: number, hidden: number): Promise<void> {
  const backend = await initBackend();
  const model = createVae(swissRollVae(hidden), new Rng(1));
  const config = { batchSize: 128, learningRate: 1e-3, beta: 0.01, reduction: "mean" as const, seed: 1 };
  await train(model, swissRollSampler, { ...config, steps: 10 }); // warm-up: kernel set-up, first allocations
  const started = performance.now();
  const r = await train(model, swissRollSampler, { ...config, steps });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ backend: backend.message, stepsPerSecond: steps / seconds, final: r.final.total }));
}

async function main(): Promise<void> {
  const steps = option("--steps", 200);
  const hidden = option("--hidden", 256);
  if (process.env.VAE_LAB_BENCH_CHILD) return measure(steps, hidden);
  console.log(`Swiss-roll VAE, hidden ${hidden} × 3, batch 128, ${steps} steps after 10 warm-up steps:`);
  for (const engine of ["1", "0"]) {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      {
        env: { ...process.env, VAE_LAB_ENGINE: engine, VAE_LAB_BENCH_CHILD: "1" },
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`bench/engine: the run with VAE_LAB_ENGINE=${engine} failed:\n${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
      backend: string;
      stepsPerSecond: number;
      final: number;
    };
    console.log(
      `  ${engine === "1" ? "engine on " : "core alone"}  ${m.stepsPerSecond.toFixed(1).padStart(7)} steps/s  final loss ${m.final.toFixed(5)}  (${m.backend})`,
    );
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
