/**
 * Lesson 1, TODO 1: the reparameterization trick (Kingma & Welling 2014, §2.4).
 *   z = mu + sigma·eps,  sigma = exp(½·logVar),  eps ~ N(0, I) with sigma's shape.
 * Checks are statistical (20,000 draws, seeded) and through gradients: ∂z/∂mu = 1, ∂z/∂logVar = ½(z − mu).
 */
import * as tf from "@tensorflow/tfjs";
import { reparameterize as libraryReparameterize, randn } from "../src/models/reparameterize";
import { Rng } from "../src/random";
import { asTensor, describeValue } from "./util";
import type { Exercise, Mistake, PublicCheck } from "./types";

export type ReparameterizeFn = (mu: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor2D;

const N = 20_000;

/** mean and standard deviation of z over N draws of one (mu, logVar) pair, or an error message. */
export function drawStats(fn: ReparameterizeFn, mu: number, logVar: number): { mean: number; std: number; tail: number } {
  return tf.tidy(() => {
    const z = asTensor(fn(tf.fill([N, 1], mu) as tf.Tensor2D, tf.fill([N, 1], logVar) as tf.Tensor2D), [N, 1], "reparameterize");
    const v = z.dataSync();
    let m = 0;
    for (const x of v) m += x;
    m /= N;
    let s = 0, tail = 0;
    for (const x of v) {
      s += (x - m) ** 2;
      if (Math.abs(x - mu) > 2 * Math.exp(0.5 * logVar)) tail++;
    }
    return { mean: m, std: Math.sqrt(s / N), tail: tail / N };
  });
}

const sigmaOf = (logVar: number) => Math.exp(0.5 * logVar);
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

/** Two calls on the same inputs: do they differ? (a fresh eps per call) */
function differsBetweenCalls(fn: ReparameterizeFn): boolean {
  return tf.tidy(() => {
    const mu = tf.zeros([3, 2]) as tf.Tensor2D, lv = tf.zeros([3, 2]) as tf.Tensor2D;
    const a = asTensor(fn(mu, lv), [3, 2], "reparameterize").dataSync();
    const b = asTensor(fn(mu, lv), [3, 2], "reparameterize").dataSync();
    return a.some((x, i) => x !== b[i]);
  });
}

/** Do all elements of one call share one eps? (eps drawn with the wrong shape, then broadcast) */
function sharesOneEps(fn: ReparameterizeFn): boolean {
  return tf.tidy(() => {
    const z = asTensor(fn(tf.zeros([4, 3]) as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D), [4, 3], "reparameterize").dataSync();
    return z.every((x) => x === z[0]) && z[0] !== 0;
  });
}

/** Gradients at a fixed point: returns a message when they are wrong. */
function gradientProblem(fn: ReparameterizeFn): string | undefined {
  return tf.tidy(() => {
    const mu = tf.tensor2d([[0.3, -1.0], [1.2, 0.5]]);
    const logVar = tf.tensor2d([[0.2, -0.6], [0.0, 0.8]]);
    let z: Float32Array | undefined;
    let grads: tf.Tensor[];
    try {
      grads = tf.grads((m: tf.Tensor, lv: tf.Tensor) => {
        const out = asTensor(fn(m as tf.Tensor2D, lv as tf.Tensor2D), [2, 2], "reparameterize");
        z = out.dataSync().slice() as Float32Array;
        return tf.sum(out);
      })([mu, logVar]);
    } catch (err) {
      return `gradients cannot flow from z back to mu and logVar (${(err as Error).message.split("\n")[0]}).`;
    }
    const dMu = grads[0].dataSync(), dLogVar = grads[1].dataSync();
    const m = mu.dataSync();
    if (!Array.from(dMu).every((g) => close(g, 1, 1e-4))) return `∂z/∂mu should be 1 everywhere, but it is [${Array.from(dMu).map((g) => g.toFixed(3))}].`;
    const expected = Array.from(z!).map((zi, i) => 0.5 * (zi - m[i]));
    if (!Array.from(dLogVar).every((g, i) => close(g, expected[i], 1e-3 + 1e-3 * Math.abs(expected[i])))) {
      return `∂z/∂logVar should be ½(z − mu) = [${expected.map((g) => g.toFixed(3))}], but it is [${Array.from(dLogVar).map((g) => g.toFixed(3))}].`;
    }
    return undefined;
  });
}

const checks: PublicCheck<ReparameterizeFn>[] = [
  {
    name: "returns a tensor shaped like mu",
    run: (fn) =>
      tf.tidy(() => {
        const z = fn(tf.zeros([4, 3]) as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D);
        if (!(z instanceof tf.Tensor)) return `it should return a tensor, but returned ${describeValue(z)}.`;
        if (z.shape.join() !== "4,3") return `for mu of shape [4, 3], z should have shape [4, 3], but it has [${z.shape.join(", ")}].`;
        if (!z.dataSync().every(Number.isFinite)) return "z contains NaN or Infinity for mu = 0, logVar = 0.";
        return undefined;
      }),
  },
  {
    name: "z is random: a fresh eps on every call",
    run: (fn) => (differsBetweenCalls(fn) ? undefined : "two calls with the same mu and logVar returned the same z."),
  },
  {
    name: "z has mean mu and standard deviation exp(½·logVar)",
    run: (fn) => {
      for (const [mu, logVar] of [[1.5, Math.log(0.25)], [-0.5, Math.log(4)]]) {
        const s = drawStats(fn, mu, logVar);
        const sigma = sigmaOf(logVar);
        if (!close(s.mean, mu, 0.05 * sigma + 0.02)) return `for mu = ${mu}, logVar = ${logVar.toFixed(3)}, the mean of z should be ${mu}, but it is ${s.mean.toFixed(3)}.`;
        if (!close(s.std, sigma, 0.05 * sigma)) return `for logVar = ${logVar.toFixed(3)} (σ = ${sigma}), the standard deviation of z should be ${sigma}, but it is ${s.std.toFixed(3)}.`;
      }
      return undefined;
    },
  },
  {
    name: "eps is standard normal",
    run: (fn) => {
      const s = drawStats(fn, 0, 0);
      // For N(0, 1), 4.55% of draws lie beyond ±2; 20,000 draws put that within ±0.5% (3.4 s.e.).
      return close(s.tail, 0.0455, 0.006) ? undefined : `${(s.tail * 100).toFixed(1)}% of eps fall beyond ±2, where a standard normal puts 4.6%.`;
    },
  },
  { name: "gradients: ∂z/∂mu = 1 and ∂z/∂logVar = ½(z − mu)", run: gradientProblem },
];

/** Wrong answers learners actually write, each with the hint that names it. */
export const reparameterizeMistakes: Mistake<ReparameterizeFn>[] = [
  {
    id: "sigma-is-exp-logvar",
    description: "σ = exp(logVar) instead of exp(½·logVar)",
    hint: "σ should be exp(½·logVar). You used exp(logVar), which is the variance σ², so your z has standard deviation σ² (0.25 instead of 0.5 when logVar = log 0.25).",
    implementation: (mu, logVar) => tf.add(mu, tf.mul(tf.exp(logVar), randn(mu.shape))) as tf.Tensor2D,
    detect: (fn) => { const s = drawStats(fn, 0, Math.log(0.25)); return close(s.std, 0.25, 0.02); },
  },
  {
    id: "logvar-as-sigma",
    description: "logVar used directly as σ",
    hint: "logVar is log σ², not σ. Turn it into σ first: sigma = tf.exp(tf.mul(0.5, logVar)).",
    implementation: (mu, logVar) => tf.add(mu, tf.mul(logVar, randn(mu.shape))) as tf.Tensor2D,
    detect: (fn) => { const s = drawStats(fn, 0, Math.log(0.25)); return close(s.std, Math.abs(Math.log(0.25)), 0.08); },
  },
  {
    id: "uniform-eps",
    description: "eps drawn from a uniform distribution",
    hint: "eps must be standard normal, eps ~ N(0, I): draw it with randn(mu.shape) (or tf.randomNormal), not tf.randomUniform.",
    implementation: (mu, logVar) => tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), tf.randomUniform(mu.shape))) as tf.Tensor2D,
    detect: (fn) => { const s = drawStats(fn, 0, 0); return s.tail < 0.005 && s.std > 0.05; },
  },
  {
    id: "no-eps",
    description: "no noise at all: z = mu",
    hint: "z must be a random sample, not mu itself: add sigma times fresh noise, z = mu + sigma·eps with eps = randn(mu.shape).",
    implementation: (mu) => tf.clone(mu) as tf.Tensor2D,
    detect: (fn) => !differsBetweenCalls(fn) && drawStats(fn, 0, 0).std < 1e-6,
  },
  {
    id: "fixed-eps",
    description: "eps drawn once and reused on every call",
    hint: "Draw a new eps inside reparameterize on every call; a single eps drawn once makes every 'sample' the same.",
    implementation: (() => {
      let eps: tf.Tensor | undefined;
      return (mu: tf.Tensor2D, logVar: tf.Tensor2D) => {
        if (!eps || eps.shape.join() !== mu.shape.join()) eps = tf.keep(tf.randomNormal(mu.shape, 0, 1, "float32", new Rng(3).tfSeed()));
        return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;
      };
    })(),
    detect: (fn) => !differsBetweenCalls(fn) && drawStats(fn, 0, 0).std > 0.5,
  },
  {
    id: "eps-wrong-shape",
    description: "one eps for the whole batch (wrong shape, broadcast)",
    hint: "eps needs sigma's shape, one independent draw per element: randn(mu.shape), not randn([1]).",
    implementation: (mu, logVar) => tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), randn([1]))) as tf.Tensor2D,
    detect: sharesOneEps,
  },
  {
    id: "gradients-blocked",
    description: "z computed outside the graph (dataSync / new tensor), so no gradients flow",
    hint: "Build z from mu and logVar with TensorFlow.js ops only (no dataSync, arraySync or tf.tensor(...) of their values), so gradients flow back to the encoder.",
    implementation: (mu, logVar) => tf.tensor2d(libraryReparameterize(mu, logVar).arraySync() as number[][]) as tf.Tensor2D,
    detect: (fn) => (gradientProblem(fn) ?? "").startsWith("gradients cannot flow"),
  },
];

export const reparameterizeExercise: Exercise<ReparameterizeFn> = {
  id: "reparameterize",
  lesson: 1,
  functionName: "reparameterize",
  signature: "reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D",
  points: 4,
  statement:
    "Return z = mu + sigma·eps, where sigma = exp(½·logVar) and eps ~ N(0, I) has sigma's shape (use randn(mu.shape)). " +
    "Sampling this way keeps z a differentiable function of mu and logVar.",
  reference: (mu, logVar) => libraryReparameterize(mu, logVar),
  checks,
  mistakes: reparameterizeMistakes,
};
