/**
 * The fused reparameterization kernel's checks (src/engine/fusedReparameterize.ts), shared by src/engine/fusedReparameterize.test.ts (the JavaScript loops, which run
 * on any machine) and src/engine/fusedReparameterize.native.test.ts (the addon's code, which needs OpenBLAS).
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../vae/random";
import { reparameterize } from "../vae/reparameterize";
import { withoutFastPath } from "../engine/install";
import { REPARAMETERIZE_KERNEL } from "../engine/fusedReparameterize";
import type { EnginePath } from "./enginePaths";
import { nativeCallCount } from "../engine/native";

// The fused z = mu + exp(½·logVar)·eps against the teaching core's tensor ops: same seed, so the
// same eps; z and both gradients must be the same float32 numbers, not merely close (within one
// float32 rounding where the path's e^x is not the backend's own: see ENGINE_PATHS).

/** Expects equal arrays, or within a few float32 roundings of e^x (relative 4e-7) when `exact` is false. */
function expectSame(got: Float32Array, want: Float32Array, exact: boolean, what: string): void {
  if (exact) {
    expect(Array.from(got), what).toEqual(Array.from(want));
    return;
  }
  expect(got.length).toBe(want.length);
  got.forEach((v, i) =>
    expect(Math.abs(v - want[i]), `${what}[${i}]`).toBeLessThanOrEqual(4e-7 * Math.abs(want[i]) + 1e-30),
  );
}

/** z and the gradient of Σ z·w (w fixed, so every element gets its own upstream gradient) w.r.t. mu and logVar. */
function evaluate(mu: tf.Tensor2D, logVar: tf.Tensor2D, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const w = tf.randomNormal(mu.shape, 0, 1, "float32", 99);
    const z = reparameterize(mu, logVar, new Rng(seed));
    const [dMu, dLogVar] = tf.grads((m, lv) =>
      tf.sum(tf.mul(reparameterize(m as tf.Tensor2D, lv as tf.Tensor2D, new Rng(seed)), w)),
    )([mu, logVar]);
    return [z, dMu, dLogVar].map((t) => t.dataSync() as Float32Array);
  });
}

/** The checks of this kernel on each of `paths` (src/testing/enginePaths.ts). */
export function describeFusedReparameterize(paths: EnginePath[]): void {
  for (const path of paths)
    describe(`the fused reparameterization kernel (VaeLabReparameterize), ${path.name}`, () => {
      beforeAll(path.enter);
      afterAll(path.leave);

      it(`runs ${path.native ? "the addon's code" : "the JavaScript loops"}`, () => {
        const mu = tf.zeros([4, 3]) as tf.Tensor2D,
          logVar = tf.zeros([4, 3]) as tf.Tensor2D;
        const calls = nativeCallCount();
        evaluate(mu, logVar, 1);
        expect(nativeCallCount() > calls).toBe(path.native);
        tf.dispose([mu, logVar]);
      });

      it("replaces Mul, Exp, Mul, Add and their gradients with one kernel each way", async () => {
        const mu = tf.zeros([4, 3]) as tf.Tensor2D,
          logVar = tf.zeros([4, 3]) as tf.Tensor2D;
        const profile = await tf.profile(() => {
          const g = tf.grads((m, lv) => tf.sum(reparameterize(m as tf.Tensor2D, lv as tf.Tensor2D, new Rng(1))))([
            mu,
            logVar,
          ]);
          tf.dispose(g);
        });
        const names = profile.kernels.map((k) => k.name);
        expect(names.filter((n) => n === REPARAMETERIZE_KERNEL)).toHaveLength(1);
        expect(names).toContain(`${REPARAMETERIZE_KERNEL}Grad`);
        expect(names).not.toContain("Exp");
        tf.dispose([mu, logVar]);
      });

      const SHAPES: [number, number][] = [
        [128, 20],
        [128, 2],
        [1, 1],
        [3, 7],
      ];
      for (const [rows, latent] of SHAPES) {
        it(`gives the core's z and gradients for the same seed, bit for bit where e^x rounds as the backend's: [${rows}×${latent}]`, () => {
          const mu = tf.randomNormal([rows, latent], 0, 1, "float32", 1) as tf.Tensor2D;
          const logVar = tf.randomNormal([rows, latent], 0, 2, "float32", 2) as tf.Tensor2D;
          const fast = evaluate(mu, logVar, 7);
          const core = withoutFastPath(() => evaluate(mu, logVar, 7));
          fast.forEach((f, k) => expectSame(f, core[k], path.expAsBackend, ["z", "d/dmu", "d/dlogVar"][k]));
          tf.dispose([mu, logVar]);
        });
      }

      it("gives the core's numbers for extreme logVar (±30) and stays finite", () => {
        const mu = tf.tensor2d([[0, 1, -1, 0.5]]);
        const logVar = tf.tensor2d([[30, -30, 0, 88]]);
        const fast = evaluate(mu, logVar, 3);
        const core = withoutFastPath(() => evaluate(mu, logVar, 3));
        fast.forEach((f, k) => expectSame(f, core[k], path.expAsBackend, ["z", "d/dmu", "d/dlogVar"][k]));
        expect(Array.from(fast[0]).slice(0, 3).every(Number.isFinite)).toBe(true);
        tf.dispose([mu, logVar]);
      });

      it("draws the same eps as before: z − mu = sigma·eps with eps from tf.randomNormal and the rng's seed", () => {
        const mu = tf.fill([5, 4], 0.25) as tf.Tensor2D,
          logVar = tf.fill([5, 4], Math.log(4)) as tf.Tensor2D;
        const rng = new Rng(11);
        const z = reparameterize(mu, logVar, rng);
        const eps = tf.randomNormal([5, 4], 0, 1, "float32", new Rng(11).tfSeed());
        const want = Array.from(eps.dataSync()).map((e) => 0.25 + 2 * e);
        Array.from(z.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
        tf.dispose([mu, logVar, z, eps]);
      });

      it("leaves the core to inputs it does not take (mu broadcast against logVar)", () => {
        const mu = tf.zeros([1, 3]) as tf.Tensor2D,
          logVar = tf.zeros([4, 3]) as tf.Tensor2D;
        const z = reparameterize(mu, logVar, new Rng(2));
        expect(z.shape).toEqual([4, 3]);
        tf.dispose([mu, logVar, z]);
      });

      it("leaks no tensors forward or backward", () => {
        const mu = tf.randomNormal([16, 3]) as tf.Tensor2D,
          logVar = tf.randomNormal([16, 3]) as tf.Tensor2D;
        const before = tf.memory().numTensors;
        evaluate(mu, logVar, 5);
        tf.dispose(reparameterize(mu, logVar, new Rng(5)));
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([mu, logVar]);
      });
    });
}
