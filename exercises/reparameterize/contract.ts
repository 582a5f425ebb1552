/**
 * Lesson 1, TODO 1: the reparameterization trick (Kingma & Welling 2014, §2.4).
 *   z = mu + sigma·eps,  sigma = exp(½·logVar),  eps ~ N(0, I) with sigma's shape.
 * Checked statistically (20,000 draws per case, seeded; tolerances ≥ 5 standard errors, so an honest
 * answer does not fail by chance) and through gradients: ∂z/∂mu = 1, ∂z/∂logVar = ½(z − mu).
 */
import * as tf from "@tensorflow/tfjs";
import { reparameterize as libraryReparameterize } from "../../src/vae/reparameterize";
import { reparameterizeMistakes } from "./mistakes";
import { filledArg, gradOut, tensorArg, tensorOut, type Done } from "../raw";
import type { Exercise, Probes, PublicCheck } from "../types";
import { fmt, fmtList, near, sharing } from "../util";

export type ReparameterizeFn = (mu: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor2D;

/** Moments of z over N draws of one (mu, logVar); within1/beyond2 count |z − mu| against sigma. */
export type ZStats = {
  mu: number;
  logVar: number;
  mean: number;
  std: number;
  within1: number;
  beyond2: number;
  nonFinite: number;
};

/** What the probes record (plain data). */
export type ReparameterizeSeen = {
  /** z for mu = 0, logVar = LV of shape [4, 3]. */
  shape: number[];
  /** z from two calls with the same mu = 0, logVar = LV of shape [3, 2]. */
  twice: { a: number[]; b: number[] };
  /** One entry per (mu, logVar) of STATS_CASES. */
  stats: ZStats[];
  /** At a fixed (mu, logVar): the gradients of sum(z), null where none reaches the input. */
  grads: { mu: number[]; z: number[]; dMu: number[] | null; dLogVar: number[] | null };
};

const N = 20_000;
const STATS_CASES: [number, number][] = [
  [1.5, Math.log(0.25)],
  [-0.5, Math.log(4)],
  [0, 0],
];
/** logVar of the shape and twice probes: not 0, where a few wrong sigmas (logVar, ½·logVar) vanish. */
const LV = -0.7;
const MU = [
    [0.3, -1.0],
    [1.2, 0.5],
  ],
  LOGVAR = [
    [0.2, -0.6],
    [0.0, 0.8],
  ];

const zOf = (o: Done, shape: number[]) => tensorOut(o.out, shape, "z", "(the shape of mu)");
const zCall = (shape: number[], mu: number, logVar: number) => ({
  args: [filledArg(shape, mu), filledArg(shape, logVar)],
});

/** Moments of N draws of z for one (mu, logVar), computed from the raw values. */
function zStats(z: number[], mu: number, logVar: number): ZStats {
  const sigma = Math.exp(0.5 * logVar);
  const finite = z.filter(Number.isFinite);
  const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
  const std = Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / finite.length);
  const frac = (p: (d: number) => boolean) => finite.filter((v) => p(Math.abs(v - mu) / sigma)).length / N;
  return {
    mu,
    logVar,
    mean,
    std,
    within1: frac((d) => d < 1),
    beyond2: frac((d) => d > 2),
    nonFinite: N - finite.length,
  };
}

const probes: Probes<ReparameterizeFn, ReparameterizeSeen> = {
  shape: () => ({ calls: [zCall([4, 3], 0, LV)], reduce: ([o]) => zOf(o, [4, 3]) }),
  twice: () => ({
    calls: [zCall([3, 2], 0, LV), zCall([3, 2], 0, LV)],
    reduce: ([a, b]) => ({ a: zOf(a, [3, 2]), b: zOf(b, [3, 2]) }),
  }),
  stats: () => ({
    calls: STATS_CASES.map(([mu, logVar]) => zCall([N, 1], mu, logVar)),
    reduce: (os) => os.map((o, i) => zStats(zOf(o, [N, 1]), ...STATS_CASES[i])),
  }),
  // The z of the logVar call is the one ½(z − mu) needs.
  grads: () => ({
    calls: [0, 1].map((arg) => ({ args: [tensorArg(MU), tensorArg(LOGVAR)], grad: { arg } })),
    reduce: ([m, l]) => (
      zOf(m, [2, 2]),
      { mu: MU.flat(), z: zOf(l, [2, 2]), dMu: gradOut(m.grad, 4), dLogVar: gradOut(l.grad, 4) }
    ),
  }),
};

const lv = (v: number) => (v === 0 ? "0" : `log ${fmt(Math.exp(v))}`);

const checks: PublicCheck<ReparameterizeSeen>[] = [
  {
    id: "shape",
    name: "returns a float32 tensor shaped like mu, without NaN",
    points: 0.25,
    needs: ["shape"],
    judge: ({ shape }) =>
      shape.every(Number.isFinite)
        ? undefined
        : `z contains NaN or Infinity for mu = 0, logVar = ${LV}: ${fmtList(shape)}.`,
  },
  {
    id: "own-eps",
    name: "each element of z gets its own eps",
    points: 0.25,
    needs: ["shape"],
    judge: ({ shape }) => {
      if (shape.every((v) => v === 0))
        return `z is all zeros for mu = 0, logVar = ${LV}: z should be mu plus the noise sigma·eps.`;
      const { sameRows, sameColumns } = sharing(shape, 4, 3);
      if (!sameRows && !sameColumns) return undefined;
      return `${sameRows ? "rows" : "columns"} of z are identical (z = ${fmtList(shape)} for shape [4, 3]): eps needs sigma's shape, one independent draw per element.`;
    },
  },
  {
    id: "fresh-eps",
    name: "z is random: a fresh eps on every call",
    points: 0.25,
    needs: ["twice"],
    judge: ({ twice: { a, b } }) =>
      a.some((v, i) => v !== b[i]) ? undefined : "two calls with the same mu and logVar returned the same z.",
  },
  {
    id: "moments",
    name: "z has mean mu and standard deviation exp(½·logVar)",
    points: 0.25,
    needs: ["stats"],
    judge: ({ stats }) => {
      for (const s of stats.slice(0, 2)) {
        const sigma = Math.exp(0.5 * s.logVar),
          where = `for mu = ${s.mu}, logVar = ${lv(s.logVar)}`;
        if (s.nonFinite > 0) return `${where}, ${s.nonFinite} of ${N} values of z are NaN or Infinity.`;
        // Standard errors over N draws: sigma/141 for the mean, sigma/200 for the std.
        if (!near(s.mean, s.mu, 0, 0.05 * sigma))
          return `${where}, the mean of z over ${N} draws should be ${s.mu}, but it is ${fmt(s.mean)}.`;
        if (!near(s.std, sigma, 0.05, 0))
          return `${where}, the standard deviation of z should be sigma = ${fmt(sigma)}, but it is ${fmt(s.std)}.`;
      }
      return undefined;
    },
  },
  {
    id: "normal-eps",
    name: "eps is standard normal",
    points: 0.25,
    needs: ["stats"],
    judge: ({ stats: [, , s] }) => {
      // N(0, 1): 68.27% within ±1, 4.55% beyond ±2; standard errors over N draws 0.33% and 0.15%.
      if (s.nonFinite === 0 && near(s.within1, 0.6827, 0, 0.017) && near(s.beyond2, 0.0455, 0, 0.0075))
        return undefined;
      return `for mu = 0, logVar = 0, ${fmt(100 * s.within1)}% of z lie within ±1 and ${fmt(100 * s.beyond2)}% beyond ±2; for eps ~ N(0, 1) that is 68.3% and 4.6%.`;
    },
  },
  {
    id: "gradients",
    name: "gradients: ∂z/∂mu = 1 and ∂z/∂logVar = ½(z − mu)",
    points: 0.25,
    needs: ["grads"],
    judge: ({ grads: g }) => {
      const blocked = (what: string) =>
        `no gradient reaches ${what}: build z from mu and logVar with tf operations only (no dataSync, arraySync or tf.tensor of read-back values).`;
      if (g.dMu === null) return blocked("mu");
      if (g.dLogVar === null) return blocked("logVar");
      if (!g.dMu.every((d) => near(d, 1))) return `∂z/∂mu should be 1 everywhere, but it is ${fmtList(g.dMu)}.`;
      const want = g.z.map((z, i) => 0.5 * (z - g.mu[i]));
      return g.dLogVar.every((d, i) => near(d, want[i], 1e-3, 1e-3))
        ? undefined
        : `∂z/∂logVar should be ½(z − mu) = ${fmtList(want)}, but it is ${fmtList(g.dLogVar)}.`;
    },
  },
];

export const reparameterizeExercise: Exercise<ReparameterizeFn, ReparameterizeSeen> = {
  id: "reparameterize",
  lesson: 1,
  functionName: "reparameterize",
  signature: "reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D",
  points: 4,
  statement:
    "Return z = mu + sigma·eps, where sigma = exp(½·logVar) and eps ~ N(0, I) is a fresh draw of sigma's shape (use randn(mu.shape)). " +
    "Sampling this way keeps z a differentiable function of mu and logVar, so the encoder can learn through it.",
  reference: (mu, logVar) => libraryReparameterize(mu, logVar),
  probes,
  checks,
  mistakes: reparameterizeMistakes,
};
