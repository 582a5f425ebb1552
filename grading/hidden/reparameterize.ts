/**
 * Hidden tests of `reparameterize`: per-dimension moments on a wide batch where every latent
 * dimension has its own mu and logVar (catches broadcasts and swapped axes the public shapes miss),
 * gradients at another point (∂z/∂mu = 1, ∂z/∂logVar = ½(z − mu)), and a one-row, 16-wide input.
 * Every input is drawn per grading run from its secret seed; the statistics are computed here, in
 * the trusted process, from the raw z. Tolerances are ≥ 5 standard errors over 8,000 draws, so
 * honest answers do not fail by chance.
 */
import { reparameterizeExercise, type ReparameterizeFn } from "../../exercises/reparameterize/contract";
import { filledArg, gradOut, tensorArg, tensorOut, uniformIn } from "../../exercises/raw";
import type { Probes } from "../../exercises/types";
import type { Rng } from "../../src/vae/random";
import { near } from "../../exercises/util";
import { fraction, type HiddenSuite } from "./types";

const N = 8000,
  D = 4;

export type ReparameterizeHiddenSeen = {
  perDim: { mu: number[]; logVar: number[]; mean: number[]; std: number[]; nonFinite: number };
  grads: { mu: number[]; z: number[]; dMu: number[] | null; dLogVar: number[] | null };
  wide: { finite: boolean; distinct: number };
};

const rows = (row: number[], n: number) => Array.from({ length: n }, () => row);
/**
 * logVar values where the usual wrong sigmas differ from exp(½·logVar) by far more than the
 * tolerance (exp(logVar) and logVar itself cross it near 0 and near −0.7), so a wrong answer fails
 * on every run's draw, not on most.
 */
const safeLogVar = (rng: Rng, n: number) =>
  uniformIn(rng, n, 0, 1).map((u) => (u < 0.7 ? -3 + 1.8 * (u / 0.7) : 0.4 + 0.8 * ((u - 0.7) / 0.3)));

const probes: Probes<ReparameterizeFn, ReparameterizeHiddenSeen> = {
  perDim: (rng) => {
    const mu = uniformIn(rng, D, -2, 2),
      logVar = safeLogVar(rng, D);
    return {
      calls: [{ args: [tensorArg(rows(mu, N)), tensorArg(rows(logVar, N))] }],
      reduce: ([o]) => {
        const z = tensorOut(o.out, [N, D], "z");
        const mean = new Array<number>(D).fill(0),
          sq = new Array<number>(D).fill(0);
        let nonFinite = 0;
        z.forEach((v, i) => (Number.isFinite(v) ? ((mean[i % D] += v / N), (sq[i % D] += (v * v) / N)) : nonFinite++));
        return { mu, logVar, mean, std: mean.map((m, j) => Math.sqrt(Math.max(0, sq[j] - m * m))), nonFinite };
      },
    };
  },
  grads: (rng) => {
    const mu = [uniformIn(rng, D, -2, 2), uniformIn(rng, D, -2, 2)],
      logVar = [safeLogVar(rng, D), safeLogVar(rng, D)];
    return {
      calls: [0, 1].map((arg) => ({ args: [tensorArg(mu), tensorArg(logVar)], grad: { arg } })),
      reduce: ([m, l]) => (
        tensorOut(m.out, [2, D], "z"),
        {
          mu: mu.flat(),
          z: tensorOut(l.out, [2, D], "z"),
          dMu: gradOut(m.grad, 2 * D),
          dLogVar: gradOut(l.grad, 2 * D),
        }
      ),
    };
  },
  wide: (rng) => ({
    calls: [
      { args: [filledArg([1, 16], uniformIn(rng, 1, -1, 1)[0]), filledArg([1, 16], uniformIn(rng, 1, -1, 0.5)[0])] },
    ],
    reduce: ([o]) => {
      const z = tensorOut(o.out, [1, 16], "z");
      return { finite: z.every(Number.isFinite), distinct: new Set(z).size };
    },
  }),
};

export const reparameterizeHidden: HiddenSuite<ReparameterizeFn, ReparameterizeHiddenSeen> = {
  exercise: { ...reparameterizeExercise, id: "reparameterize:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "moments-per-dimension",
      points: 1,
      name: "z has mean mu and standard deviation exp(½·logVar) in every latent dimension",
      category: "statistics",
      needs: ["perDim"],
      judge: ({ perDim: s }) => {
        if (s.nonFinite > 0) return { score: 0, message: "some values of z are NaN or Infinity." };
        return fraction(
          s.mu.map((mu, j) => {
            const sigma = Math.exp(0.5 * s.logVar[j]);
            if (!near(s.mean[j], mu, 0, 0.06 * sigma))
              return `in latent dimension ${j + 1} of a batch where each dimension has its own mu and logVar, the mean of z is not mu.`;
            if (!near(s.std[j], sigma, 0.05, 0))
              return `in latent dimension ${j + 1} of a batch where each dimension has its own mu and logVar, the standard deviation of z is not exp(½·logVar).`;
            return undefined;
          }),
        );
      },
    },
    {
      id: "gradients",
      points: 1,
      name: "gradients ∂z/∂mu = 1 and ∂z/∂logVar = ½(z − mu) at another point",
      category: "gradients",
      needs: ["grads"],
      judge: ({ grads: g }) => {
        if (g.dMu === null || g.dLogVar === null)
          return { score: 0, message: "no gradient reaches mu or logVar: build z with tf operations only." };
        const muOk = g.dMu.every((d) => near(d, 1));
        const want = g.z.map((z, i) => 0.5 * (z - g.mu[i]));
        const lvOk = g.dLogVar.every((d, i) => near(d, want[i], 1e-3, 1e-3));
        return fraction([
          muOk ? undefined : "∂z/∂mu is not 1 everywhere.",
          lvOk ? undefined : "∂z/∂logVar is not ½(z − mu).",
        ]);
      },
    },
    {
      id: "one-wide-row",
      points: 0.5,
      name: "works for a single row with many latent dimensions",
      category: "shapes",
      needs: ["wide"],
      judge: ({ wide }) =>
        wide.finite && wide.distinct === 16
          ? { score: 1 }
          : { score: 0, message: "for a single wide row, every element of z should be a different finite value." },
    },
  ],
};
