/**
 * Wrong answers learners write for `reparameterize`, each with the detector that recognises it from
 * the probes' observations (see ../reparameterize.ts) and the hint that names it.
 */
import * as tf from "@tensorflow/tfjs";
import { randn, reparameterize } from "../../src/vae/reparameterize";
import { defaultRng, Rng } from "../../src/vae/random";
import type { ReparameterizeFn, ReparameterizeSeen, ZStats } from "./contract";
import type { Mistake } from "../types";
import { near, sharing } from "../util";

type M = Mistake<ReparameterizeFn, ReparameterizeSeen>;

const sigmaTimesEps = (mu: tf.Tensor2D, sigma: tf.Tensor, eps: tf.Tensor) =>
  tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;
const halfExp = (logVar: tf.Tensor) => tf.exp(tf.mul(0.5, logVar));
/** The two cases with logVar ≠ 0 have standard deviation `f(logVar)`, within 5%. */
const stdIs = (stats: ZStats[], f: (logVar: number) => number) =>
  stats.slice(0, 2).every((s) => s.nonFinite === 0 && near(s.std, f(s.logVar), 0.05, 0));
const sameTwice = ({ a, b }: ReparameterizeSeen["twice"]) => a.every((v, i) => v === b[i]);
/** Draws per case of the stats probe (../reparameterize.ts). */
const N_STATS = 20_000;
const zIsMu = (stats: ZStats[]) => stats.every((s) => s.std < 1e-6 && near(s.mean, s.mu, 0, 1e-6));

export const reparameterizeMistakes: M[] = [
  {
    id: "sigma-is-exp-logvar",
    description: "sigma = exp(logVar) instead of exp(½·logVar)",
    hint: "sigma should be exp(½·logVar), the square root of the variance exp(logVar). With sigma = exp(logVar), your z has standard deviation exp(logVar) and variance exp(logVar)² = exp(2·logVar) instead of exp(logVar) (for logVar = log 0.25: std 0.25 instead of 0.5).",
    implementation: (mu, logVar) => sigmaTimesEps(mu, tf.exp(logVar), randn(mu.shape)),
    needs: ["stats"],
    detect: ({ stats }) => stdIs(stats, (lv) => Math.exp(lv)),
  },
  {
    id: "logvar-as-sigma",
    description: "logVar used directly as sigma",
    hint: "logVar is log sigma², not sigma: your z has standard deviation |logVar|. Turn it into sigma first: sigma = tf.exp(tf.mul(0.5, logVar)).",
    implementation: (mu, logVar) => sigmaTimesEps(mu, logVar, randn(mu.shape)),
    needs: ["stats"],
    detect: ({ stats }) => stdIs(stats, (lv) => Math.abs(lv)),
  },
  {
    id: "uniform-eps",
    description: "eps drawn from a uniform distribution",
    hint: "eps must be standard normal, eps ~ N(0, I): draw it with randn(mu.shape), not tf.randomUniform. A uniform eps never lands beyond ±2, where a normal one does 4.6% of the time.",
    implementation: (mu, logVar) =>
      sigmaTimesEps(mu, halfExp(logVar), tf.randomUniform(mu.shape, 0, 1, "float32", defaultRng().tfSeed())),
    needs: ["stats"],
    // Uniform noise (on [0, 1) or [−1, 1)) at mu = 0, sigma = 1 never leaves ±1, yet is not narrow: a
    // normal that stays within ±1 this reliably has a standard deviation below 0.25.
    detect: ({ stats: [, , s] }) => s.nonFinite === 0 && s.within1 > 0.9995 && s.beyond2 === 0 && s.std > 0.25,
  },
  {
    id: "sigma-half-exp",
    description: "sigma = ½·exp(logVar) instead of exp(½·logVar)",
    hint: "The ½ belongs inside the exponential: sigma = exp(½·logVar), the square root of exp(logVar). ½·exp(logVar) is half the variance, not the standard deviation (for logVar = log 0.25: 0.125 instead of 0.5).",
    implementation: (mu, logVar) => sigmaTimesEps(mu, tf.mul(0.5, tf.exp(logVar)), randn(mu.shape)),
    needs: ["stats"],
    detect: ({ stats }) => stdIs(stats, (lv) => Math.exp(lv) / 2),
  },
  {
    id: "sqrt-logvar",
    description: "sigma = sqrt(logVar): NaN wherever logVar < 0",
    hint: "logVar is the log of the variance and is negative whenever the variance is below 1, so tf.sqrt(logVar) is NaN there and so is z. Undo the log first: sigma = exp(½·logVar).",
    implementation: (mu, logVar) => sigmaTimesEps(mu, tf.sqrt(logVar), randn(mu.shape)),
    needs: ["stats"],
    detect: ({ stats: [neg, pos] }) =>
      neg.nonFinite === N_STATS && pos.nonFinite === 0 && near(pos.std, Math.sqrt(pos.logVar), 0.05, 0),
  },
  {
    id: "no-eps",
    description: "no noise at all: z = mu",
    hint: "z must be a random sample, not mu itself: add the noise, z = mu + sigma·eps with sigma = exp(½·logVar) and eps = randn(mu.shape).",
    implementation: (mu) => tf.clone(mu),
    needs: ["twice", "stats"],
    detect: ({ twice, stats }) => sameTwice(twice) && zIsMu(stats),
  },
  {
    id: "fixed-eps",
    description: "eps drawn once (or a constant) and reused on every call",
    hint: "Draw eps inside reparameterize, on every call: your z comes out the same each time, as if eps were drawn once or were a constant. Each call needs a fresh eps = randn(mu.shape).",
    implementation: (() => {
      const drawn = new Map<string, tf.Tensor>(); // one eps per shape, drawn on first use and kept
      return (mu: tf.Tensor2D, logVar: tf.Tensor2D) => {
        const key = mu.shape.join();
        if (!drawn.has(key)) drawn.set(key, tf.keep(tf.randomNormal(mu.shape, 0, 1, "float32", new Rng(3).tfSeed())));
        return sigmaTimesEps(mu, halfExp(logVar), drawn.get(key)!);
      };
    })(),
    needs: ["twice", "stats"],
    detect: ({ twice, stats }) => sameTwice(twice) && !zIsMu(stats),
  },
  {
    id: "eps-wrong-shape",
    description: "one eps shared by the whole batch (wrong shape, broadcast)",
    hint: "eps needs sigma's shape [batch, latentDim], one independent draw per element: randn(mu.shape). Yours is shared across rows or columns of z (e.g. randn([1]), randn([latentDim]) or randn([batch, 1]), broadcast).",
    implementation: (mu, logVar) => sigmaTimesEps(mu, halfExp(logVar), randn([1])),
    needs: ["shape", "twice"],
    detect: ({ shape, twice }) => {
      const { sameRows, sameColumns } = sharing(shape, 4, 3);
      // Finite first: an all-NaN z repeats its rows too, and is not this mistake.
      return (
        shape.every(Number.isFinite) && (sameRows || sameColumns) && shape.some((v) => v !== 0) && !sameTwice(twice)
      );
    },
  },
  {
    id: "gradients-blocked",
    description: "z computed outside the graph (dataSync / new tensor): no gradient reaches mu or logVar",
    hint: "Your z has the right distribution, but no gradient flows back to mu or logVar, so the encoder cannot learn. Build z with tf operations only (tf.exp, tf.mul, tf.add), without dataSync, arraySync or tf.tensor(...) of read-back values.",
    implementation: (mu, logVar) => tf.tensor2d(reparameterize(mu, logVar).arraySync() as number[][]),
    needs: ["grads", "stats"],
    detect: ({ grads, stats }) =>
      (grads.dMu === null || grads.dLogVar === null) && stdIs(stats, (lv) => Math.exp(0.5 * lv)),
  },
];
