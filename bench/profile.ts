/**
 * Where a training step's time goes: per-kernel time from `tf.profile`, summed by kernel and input
 * shapes, against the step's wall time (the difference is dispatch overhead: tape, tidy, JS).
 *
 * Usage: tsx bench/profile.ts [swiss-32|swiss-256|swiss-1024|mnist-L2|mnist-L20|conv-mnist] [--top N] [--tf-adam] [--cpu] [--unfused-loss]
 * (backend from VAE_LAB_BACKEND). The step is the one src/vae/train.ts runs, with
 * src/vae/optim.ts's fused Adam (or tf.train.adam with --tf-adam). --unfused-loss runs the loss and
 * the sampling step as the core's tensor ops instead of the fused kernels (src/engine/fusedElbo.ts,
 * fusedReparameterize.ts), to measure what those save.
 *
 * --cpu: instead of tf.profile's wall-clock kernel times, the process's CPU time spent inside each
 * top-level kernel (every kernel of the backend wrapped), and the step's CPU time outside kernels
 * (tfjs's engine: tape, scopes, dispatch; our JS). CPU time barely moves when other processes
 * share the cores, where wall-clock kernel times do (a preempted 10 µs kernel shows up as 3 ms).
 * CPU time is the whole process's: with the native path's thread pool (src/engine/native.ts) a
 * shared product's time counts both threads; VAE_LAB_BLAS_THREADS=1 gives one thread's view.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/engine/backend";
import { fastPath } from "../src/engine/fastPath";
import { elbo } from "../src/vae/losses";
import { convMnistVae, mnistVae, swissRollVae } from "../src/vae/presets";
import { createVae, forward } from "../src/vae/vae";
import { adam } from "../src/vae/optim";
import { Rng } from "../src/vae/random";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const workload = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a)) ?? "swiss-256";
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const backend = await initBackend();
  if (args.includes("--unfused-loss") && fastPath.hooks)
    fastPath.hooks = { ...fastPath.hooks, elbo: () => undefined, reparameterize: () => undefined };
  const [kind, size] = workload.split("-");
  const swiss = kind === "swiss";
  const model = createVae(
    swiss ? swissRollVae(Number(size)) : kind === "conv" ? convMnistVae(2) : mnistVae(Number(size.slice(1))),
    new Rng(1),
  );
  const dim = swiss ? 2 : 784;
  const rng = new Rng(2);
  const xValues = Float32Array.from({ length: 128 * dim }, () => (swiss ? rng.normal() : rng.uniform()));
  const optimizer = args.includes("--tf-adam") ? tf.train.adam(1e-3) : adam(1e-3);
  const opts = swiss
    ? { likelihood: "gaussian" as const, reduction: "mean" as const, beta: 0.01 }
    : { likelihood: "bernoulli" as const, reduction: "sum" as const, beta: 1 };

  const step = () => {
    const parts = tf.tidy(() => {
      const x = tf.tensor2d(xValues, [128, dim]);
      const { value, grads } = tf.variableGrads(() => {
        const f = forward(model, x, { rng });
        return elbo(x, f.out, f.mu, f.logVar, opts).total;
      }, model.variables);
      optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      return value;
    });
    parts.dataSync();
    parts.dispose();
  };
  if (args.includes("--cpu")) {
    cpuProfile(workload, backend.message, step, (swiss && Number(size) >= 1024) || kind === "conv" ? 10 : 100, top);
    optimizer.dispose();
    return;
  }
  const reps = (swiss && Number(size) >= 1024) || kind === "conv" ? 5 : 30;
  for (let i = 0; i < 5; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) step();
  const wall = (performance.now() - t0) / reps;

  const profiled = (swiss && Number(size) >= 1024) || kind === "conv" ? 2 : 10;
  const profile = await tf.profile(() => {
    for (let i = 0; i < profiled; i++) step();
  });
  const byKey = new Map<string, { ms: number; n: number }>();
  let kernelMs = 0;
  for (const k of profile.kernels) {
    const ms = (k.kernelTimeMs as number) / profiled;
    kernelMs += ms;
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(" ")}`;
    const e = byKey.get(key) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n += 1 / profiled;
    byKey.set(key, e);
  }
  console.log(
    `${workload} on ${backend.name}: wall ${wall.toFixed(2)} ms/step (median of ${reps}), kernels ${kernelMs.toFixed(2)} ms in ${profile.kernels.length / profiled} kernel calls (per step, mean of ${profiled} profiled steps)`,
  );
  console.log(`  (the profiled step's own kernel timings; wall − kernels ≈ dispatch overhead)`);
  const rows = [...byKey.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  for (const [key, { ms, n }] of rows) console.log(`  ${ms.toFixed(3).padStart(9)} ms  ×${String(n).padEnd(3)} ${key}`);
  const byName = new Map<string, number>();
  for (const k of profile.kernels)
    byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number) / profiled);
  console.log(
    "  by kernel: " +
      [...byName.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([n, ms]) => `${n} ${ms.toFixed(2)}`)
        .join(", "),
  );
  optimizer.dispose();
}

/** CPU time per kernel (see --cpu above): wraps every kernel of the active backend. */
function cpuProfile(workload: string, message: string, step: () => void, reps: number, top: number): void {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000; // ms
  };
  const byKey = new Map<string, { ms: number; n: number }>();
  let depth = 0;
  let recording = false;
  // The step's own CPU time, before any wrapping (the wrappers' bookkeeping costs CPU too).
  for (let i = 0; i < 50; i++) step(); // JIT warm-up, as the bench's
  const clean0 = cpuNow();
  for (let i = 0; i < reps; i++) step();
  const cleanCpu = (cpuNow() - clean0) / reps;
  for (const config of tf.getKernelsForBackend(tf.getBackend())) {
    const inner = config.kernelFunc;
    const wrapped = ((args: { inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[] }) => {
      if (depth > 0 || !recording) return inner(args as never);
      depth++;
      const t0 = cpuNow();
      try {
        return inner(args as never);
      } finally {
        const ms = cpuNow() - t0;
        depth--;
        const shapes = Object.values(args.inputs ?? {})
          .map((t) => `[${(t as tf.TensorInfo).shape}]`)
          .join(" ");
        const key = `${config.kernelName} ${shapes}`;
        const e = byKey.get(key) ?? { ms: 0, n: 0 };
        e.ms += ms;
        e.n += 1;
        byKey.set(key, e);
      }
    }) as unknown as tf.KernelFunc;
    Object.assign(wrapped, inner); // markers such as nativeWrapper/sharesBuffers, so nothing re-wraps it
    tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel({ ...config, kernelFunc: wrapped });
  }
  for (let i = 0; i < 10; i++) step();
  const c0 = cpuNow();
  const t0 = performance.now();
  recording = true;
  for (let i = 0; i < reps; i++) step();
  recording = false;
  const cpu = (cpuNow() - c0) / reps;
  const wall = (performance.now() - t0) / reps;
  let inKernels = 0,
    calls = 0;
  for (const { ms, n } of byKey.values()) [inKernels, calls] = [inKernels + ms / reps, calls + n / reps];
  // The clock itself costs CPU (a getrusage call): about one reading's cost lands inside each
  // measured kernel and one outside. Measured here and subtracted.
  const k0 = cpuNow();
  for (let i = 0; i < 20000; i++) cpuNow();
  const perReading = (cpuNow() - k0) / 20000;
  const insideAdj = inKernels - calls * perReading;
  console.log(`${workload} — ${message}`);
  console.log(
    `  per step (mean of ${reps}): CPU ${cleanCpu.toFixed(2)} ms unprofiled; inside ${calls.toFixed(0)} kernel calls ${insideAdj.toFixed(2)} ms; ` +
      `outside kernels (tfjs engine: tape, scopes, dispatch; our JS; GC) ≈ ${(cleanCpu - insideAdj).toFixed(2)} ms ` +
      `[profiled step: CPU ${cpu.toFixed(2)} ms, wall ${wall.toFixed(2)} ms; clock ${(perReading * 1000).toFixed(1)} µs per reading, subtracted]`,
  );
  const rows = [...byKey.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  const adj = (ms: number, n: number) => (ms - n * perReading) / reps;
  for (const [key, { ms, n }] of rows)
    console.log(
      `  ${adj(ms, n).toFixed(3).padStart(8)} ms CPU  ×${String(Math.round(n / reps)).padEnd(3)} ${key.length > 120 ? key.slice(0, 117) + "..." : key}`,
    );
  const byName = new Map<string, number>();
  const callsByName = new Map<string, number>();
  for (const [key, { ms, n }] of byKey) {
    const name = key.split(" ")[0];
    byName.set(name, (byName.get(name) ?? 0) + adj(ms, n));
    callsByName.set(name, (callsByName.get(name) ?? 0) + n / reps);
  }
  console.log(
    "  by kernel (ms CPU): " +
      [...byName.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([n, ms]) => `${n} ${ms.toFixed(2)}`)
        .join(", "),
  );
  // Identity calls are mostly tfjs's clones of tensors saved for the gradient (src/engine/fastIdentity.ts).
  console.log(
    "  calls per step by kernel: " +
      [...callsByName.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([n, c]) => `${n} ${Math.round(c)}`)
        .join(", "),
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
