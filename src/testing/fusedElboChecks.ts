/**
 * The fused ELBO kernel's checks (src/engine/fusedElbo.ts), shared by src/engine/fusedElbo.test.ts (the JavaScript loops, which run
 * on any machine) and src/engine/fusedElbo.native.test.ts (the addon's code, which needs OpenBLAS).
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elbo, type ElboOptions, type ElboParts } from "../vae/losses";
import { swissRollVae } from "../vae/presets";
import { Rng } from "../vae/random";
import { train, type TrainingData } from "../vae/train";
import { createVae } from "../vae/vae";
import { useFastPath, withoutFastPath } from "../engine/install";
import { ELBO_KERNEL, JS_BERNOULLI_MAX_PIXELS } from "../engine/fusedElbo";
import { nativeCallCount, setNativeEnabled } from "../engine/native";
import type { EnginePath } from "./enginePaths";

// The fused ELBO (one kernel each way) against the teaching core's tensor ops, which stay the
// reference: the same inputs through src/vae/losses.ts `elbo` with the fast path on and off.

type Inputs = [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // x, out, mu, logVar

/** x in [0, 1] (binarised for Bernoulli), out/logits, mu and logVar of the given spreads. */
function inputs(rows: number, cols: number, latent: number, seed: number, spread = { out: 3, logVar: 1 }): Inputs {
  return tf.tidy(() => {
    const x = tf.randomUniform([rows, cols], 0, 1, "float32", seed) as tf.Tensor2D;
    const out = tf.randomNormal([rows, cols], 0, spread.out, "float32", seed + 1) as tf.Tensor2D;
    const mu = tf.randomNormal([rows, latent], 0, 1, "float32", seed + 2) as tf.Tensor2D;
    const logVar = tf.randomNormal([rows, latent], 0, spread.logVar, "float32", seed + 3) as tf.Tensor2D;
    return [x, out, mu, logVar];
  });
}

/** total, recon, kl and the gradient of total + 2·recon + 3·kl (every output weighted) w.r.t. all four inputs. */
function evaluate(xs: Inputs, options: ElboOptions, objective: "weighted" | "total" = "weighted"): tf.Tensor[] {
  const p = elbo(...xs, options);
  const grads = tf.grads((x, out, mu, logVar) => {
    const q = elbo(x as tf.Tensor2D, out as tf.Tensor2D, mu as tf.Tensor2D, logVar as tf.Tensor2D, options);
    return objective === "total" ? q.total : tf.addN([q.total, tf.mul(2, q.recon), tf.mul(3, q.kl)]);
  })(xs);
  return [p.total, p.recon, p.kl, ...grads];
}

const NAMES = ["total", "recon", "kl", "d/dx", "d/dout", "d/dmu", "d/dlogVar"];

/** max |a − b| / max |b| per result, both paths. */
function compare(xs: Inputs, options: ElboOptions, objective: "weighted" | "total" = "weighted"): number[] {
  const fast = evaluate(xs, options, objective);
  const core = withoutFastPath(() => evaluate(xs, options, objective));
  const diffs = fast.map((f, k) =>
    tf.tidy(
      () => tf.max(tf.abs(tf.sub(f, core[k]))).dataSync()[0] / Math.max(tf.max(tf.abs(core[k])).dataSync()[0], 1e-30),
    ),
  );
  tf.dispose([...fast, ...core]);
  return diffs;
}

async function kernelsRun(f: () => tf.TensorContainer | ElboParts): Promise<string[]> {
  const profile = await tf.profile(() => {
    const out = f();
    tf.dispose(out as tf.TensorContainer);
  });
  return profile.kernels.map((k) => k.name);
}

/** The checks of this kernel on each of `paths` (src/testing/enginePaths.ts). */
export function describeFusedElbo(paths: EnginePath[]): void {
  for (const path of paths)
    describe(`the fused ELBO kernel (VaeLabElbo), ${path.name}`, () => {
      beforeAll(path.enter);
      afterAll(path.leave);

      it(`runs ${path.native ? "the addon's code" : "the JavaScript loops"}`, () => {
        const xs = inputs(8, 6, 2, 2);
        const calls = nativeCallCount();
        tf.dispose(evaluate(xs, { likelihood: "bernoulli", reduction: "sum", beta: 1 }));
        expect(nativeCallCount() > calls).toBe(path.native);
        tf.dispose(xs);
      });

      it("replaces the loss's tensor ops with one kernel forward and one backward", async () => {
        const xs = inputs(8, 6, 2, 1);
        const options: ElboOptions = { likelihood: "gaussian", reduction: "mean", beta: 0.01 };
        const names = await kernelsRun(() => {
          const f = (out: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor) =>
            elbo(xs[0], out as tf.Tensor2D, mu as tf.Tensor2D, logVar as tf.Tensor2D, options).total;
          return tf.grads(f)([xs[1], xs[2], xs[3]]);
        });
        expect(names.filter((n) => n === ELBO_KERNEL)).toHaveLength(1);
        expect(names).toContain(`${ELBO_KERNEL}Grad`);
        // Saved inputs are cloned by tfjs (Identity, sharing the buffer); nothing else runs.
        expect(names.filter((n) => n !== "Identity" && !n.startsWith(ELBO_KERNEL))).toEqual([]);
        tf.dispose(xs);
      });

      const SHAPES: { name: string; rows: number; cols: number; latent: number }[] = [
        { name: "MNIST [128×784], latentDim 20", rows: 128, cols: 784, latent: 20 },
        { name: "Swiss roll [128×2], latentDim 2", rows: 128, cols: 2, latent: 2 },
        { name: "batch 1, latentDim 1", rows: 1, cols: 5, latent: 1 },
        { name: "odd sizes [3×13], latentDim 7", rows: 3, cols: 13, latent: 7 },
      ];
      for (const likelihood of ["gaussian", "bernoulli"] as const)
        for (const reduction of ["mean", "sum"] as const)
          for (const beta of [0, 1, 4])
            for (const s of SHAPES) {
              it(`gives the core's values and gradients: ${likelihood}, ${reduction}, β = ${beta}, ${s.name}`, () => {
                const xs = inputs(s.rows, s.cols, s.latent, 10 + s.cols + beta);
                const diffs = compare(xs, { likelihood, reduction, beta });
                // The core's tf.mean adds 100k float32 squares with ~2.5e-5 relative error (the fused kernel
                // adds rows in double: ~5e-8, checked against float64 below), hence 5e-5 for values.
                diffs.forEach((d, k) => expect(d, NAMES[k]).toBeLessThan(k < 3 ? 5e-5 : 2e-5));
                tf.dispose(xs);
              });
            }

      it("sums as accurately as float64 arithmetic over MNIST-sized batches", () => {
        const xs = inputs(128, 784, 20, 7);
        const [xv, ov, mv, lv] = xs.map((t) => t.dataSync());
        for (const likelihood of ["gaussian", "bernoulli"] as const)
          for (const reduction of ["mean", "sum"] as const) {
            let recon = 0;
            for (let i = 0; i < xv.length; i++)
              recon +=
                likelihood === "gaussian"
                  ? (xv[i] - ov[i]) ** 2
                  : Math.max(ov[i], 0) - ov[i] * xv[i] + Math.log1p(Math.exp(-Math.abs(ov[i])));
            let kl = 0;
            for (let i = 0; i < mv.length; i++) kl += 0.5 * (mv[i] ** 2 + Math.exp(lv[i]) - lv[i] - 1);
            const p = elbo(...xs, { likelihood, reduction, beta: 1 });
            const exactRecon = recon / (reduction === "sum" ? 128 : 128 * 784);
            const exactKl = kl / (reduction === "sum" ? 128 : 128 * 20);
            expect(Math.abs(p.recon.dataSync()[0] / exactRecon - 1), `${likelihood} ${reduction} recon`).toBeLessThan(
              1e-6,
            );
            expect(Math.abs(p.kl.dataSync()[0] / exactKl - 1), `${likelihood} ${reduction} kl`).toBeLessThan(1e-6);
            tf.dispose([p.total, p.recon, p.kl]);
          }
        tf.dispose(xs);
      });

      it("gives the core's values and gradients when only total is differentiated (recon and kl get no gradient)", () => {
        const xs = inputs(16, 50, 4, 3);
        for (const likelihood of ["gaussian", "bernoulli"] as const) {
          const diffs = compare(xs, { likelihood, reduction: "sum", beta: 1 }, "total");
          diffs.forEach((d, k) => expect(d, `${likelihood} ${NAMES[k]}`).toBeLessThan(2e-5));
        }
        tf.dispose(xs);
      });

      it("stays finite and equal to the core for extreme logits (±80) and logVar (±30)", () => {
        const xs = tf.tidy((): Inputs => {
          const x = tf.tensor2d([[1, 0, 1, 0, 0.5, 1, 0, 1, 0]]);
          const out = tf.tensor2d([[80, -80, -80, 80, 80, 0, 0, 1e-3, -30]]);
          const mu = tf.tensor2d([[0.5, -2, 0]]);
          const logVar = tf.tensor2d([[30, -30, 0]]);
          return [x, out, mu, logVar];
        });
        for (const likelihood of ["gaussian", "bernoulli"] as const)
          for (const reduction of ["mean", "sum"] as const) {
            const fast = evaluate(xs, { likelihood, reduction, beta: 1 });
            for (const t of fast) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
            tf.dispose(fast);
            const diffs = compare(xs, { likelihood, reduction, beta: 1 });
            // d/dout at logit 0 is the one place the paths differ: the core's |l| and max(l, 0) have
            // gradient 0 there, the fused kernel gives σ(0) − x, the true derivative. Compared below.
            diffs.forEach((d, k) => k !== 4 && expect(d, `${likelihood} ${reduction} ${NAMES[k]}`).toBeLessThan(2e-5));
          }
        // Bernoulli, extremes: 80 nats for each of the two wrong-way pixels, ~0 for the right ones.
        const p = elbo(...xs, { likelihood: "bernoulli", reduction: "sum", beta: 0 });
        const expected =
          80 + 80 + 0.5 * 80 + Math.log(2) + Math.log(2) + Math.log1p(Math.exp(-1e-3)) + Math.log1p(Math.exp(-30));
        expect(p.recon.dataSync()[0]).toBeCloseTo(expected, 3);
        const dOut = tf.grad(
          (o) => elbo(xs[0], o as tf.Tensor2D, xs[2], xs[3], { likelihood: "bernoulli", reduction: "sum" }).total,
        )(xs[1]);
        const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
        Array.from(dOut.dataSync()).forEach((g, j) =>
          expect(g).toBeCloseTo(sigmoid(xs[1].dataSync()[j]) - xs[0].dataSync()[j], 6),
        );
        tf.dispose([p.total, p.recon, p.kl, dOut, ...xs]);
      });

      it("gives NaN, not a number, for a NaN logit (as the core does)", () => {
        const xs = tf.tidy((): Inputs => [
          tf.tensor2d([[0, 1, 0, 1, 0, 1, 0, 1, 1]]),
          tf.tensor2d([[0, 1, 2, 3, NaN, 5, 6, 7, 8]]),
          tf.zeros([1, 1]),
          tf.zeros([1, 1]),
        ]);
        const total = elbo(...xs, { likelihood: "bernoulli", reduction: "sum" }).total;
        expect(total.dataSync()[0]).toBeNaN();
        const dOut = tf.grad(
          (o) => elbo(xs[0], o as tf.Tensor2D, xs[2], xs[3], { likelihood: "bernoulli", reduction: "sum" }).total,
        )(xs[1]);
        expect(dOut.dataSync()[4]).toBeNaN();
        tf.dispose([total, dOut, ...xs]);
      });

      it("leaves the core to shapes it does not take (broadcast out) and still answers", () => {
        const x = tf.ones([4, 3]) as tf.Tensor2D;
        const out = tf.zeros([1, 3]) as tf.Tensor2D; // broadcast against x by the core's squaredDifference
        const mu = tf.zeros([4, 2]) as tf.Tensor2D;
        const logVar = tf.zeros([4, 2]) as tf.Tensor2D;
        const p = elbo(x, out, mu, logVar, { likelihood: "gaussian", reduction: "mean" });
        expect(p.recon.dataSync()[0]).toBeCloseTo(1, 6);
        tf.dispose([x, out, mu, logVar, p.total, p.recon, p.kl]);
      });

      it("leaks no tensors: forward, backward, and a whole training run", async () => {
        const xs = inputs(32, 10, 3, 5);
        const before = tf.memory().numTensors;
        for (const likelihood of ["gaussian", "bernoulli"] as const) {
          tf.dispose(evaluate(xs, { likelihood, reduction: "mean", beta: 1 }));
          tf.dispose(evaluate(xs, { likelihood, reduction: "sum", beta: 4 }, "total"));
        }
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(xs);

        const roll: TrainingData = {
          kind: "sampler",
          dim: 2,
          sample: (n, rng) => Float32Array.from({ length: 2 * n }, () => rng.normal()),
        };
        const model = createSwissModel();
        const counts: number[] = [];
        const start = tf.memory().numTensors;
        await train(
          model,
          roll,
          { steps: 40, batchSize: 64, learningRate: 1e-3, beta: 0.01, reduction: "mean", seed: 3 },
          {
            onStep: (s) => {
              if (s.step === 5 || s.step === 40) counts.push(tf.memory().numTensors);
            },
          },
        );
        expect(counts[1]).toBe(counts[0]);
        expect(tf.memory().numTensors).toBe(start);
        model.dispose();
      });

      it("trains the Swiss-roll VAE (Gaussian, mean) to the core's losses step by step", async () => {
        const run = async () => {
          const model = createSwissModel();
          const roll: TrainingData = {
            kind: "sampler",
            dim: 2,
            sample: (n, rng) => Float32Array.from({ length: 2 * n }, () => rng.normal()),
          };
          const losses: number[] = [];
          await train(
            model,
            roll,
            { steps: 30, batchSize: 128, learningRate: 1e-3, beta: 0.01, reduction: "mean", seed: 8 },
            {
              onStep: (s) => void losses.push(s.total),
            },
          );
          model.dispose();
          return losses;
        };
        const fast = await run();
        const core = await withoutFastPathAsync(run);
        expect(fast).toHaveLength(30);
        fast.forEach((v, i) => expect(Math.abs(v - core[i]) / Math.abs(core[i]), `step ${i + 1}`).toBeLessThan(1e-4));
      });
    });
}

/** The Swiss-roll VAE with a small hidden layer (quick to train). */
function createSwissModel() {
  return createVae(swissRollVae(32), new Rng(4));
}

async function withoutFastPathAsync<T>(fn: () => Promise<T>): Promise<T> {
  useFastPath(false);
  try {
    return await fn();
  } finally {
    useFastPath(true);
  }
}

/** The ELBO kernel on WASM with the addon switched off: where it leaves the work to WASM's kernels. */
export function describeElboWithoutAddon(): void {
  describe("the fused ELBO kernel on WASM without the addon", () => {
    it("leaves Bernoulli batches above JS_BERNOULLI_MAX_PIXELS to WASM's kernels, where they are faster", async () => {
      setNativeEnabled(false);
      try {
        const options: ElboOptions = { likelihood: "bernoulli", reduction: "sum" };
        const small = inputs(4, 5, 2, 1);
        const large = inputs(128, Math.ceil(JS_BERNOULLI_MAX_PIXELS / 128) + 1, 2, 1);
        expect(await kernelsRun(() => elbo(...small, options))).toContain(ELBO_KERNEL);
        expect(await kernelsRun(() => elbo(...large, options))).not.toContain(ELBO_KERNEL);
        const gaussian = await kernelsRun(() => elbo(...large, { likelihood: "gaussian", reduction: "sum" }));
        expect(gaussian).toContain(ELBO_KERNEL);
        tf.dispose([...small, ...large]);
      } finally {
        setNativeEnabled(true);
      }
    });
  });
}
